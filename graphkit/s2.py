"""The Semantic Scholar Graph API client: S2's endpoints, over a cache and a transport.

Everything it returns is S2's JSON as plain dicts. The client owns what is S2's:

* **one base URL** (``--api-url`` / ``S2_API_URL``), from which every URL is built, and the key (``x-api-key``),
  sent to that origin only;
* **the endpoints**: ``POST /paper/batch`` (with or without nested reference and citation lists, split on a 400 to
  find the id S2 refuses), ``GET /paper/search/match`` and the ``references`` / ``citations`` pages, bounded by
  S2's 10,000 cap and a page bound derived from each list's count, so an endless ``next`` ends;
* **a cache** (:mod:`graphkit.cache`): one entry per answer, keyed by base URL, method, path, sorted query and body —
  never the key — written the moment the answer arrives; a 404 where a 404 is an answer (a title S2 cannot match)
  is cached like any other, so a warm rebuild asks for nothing;
* **every answer checked** against the shapes S2 promises (:mod:`graphkit.schema`) before it is cached: one of the
  wrong shape is asked again, by the transport's one retry loop, and never cached.

HTTP itself — pacing, the retry loop, deadlines, size limits, same-origin redirects — is :mod:`graphkit.transport`'s.
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path
from urllib.parse import quote, urlencode

import orjson

from .cache import MISS, NOT_FOUND, ResponseCache
from .clean import clean_text
from .errors import (
    BadRequest,
    GraphkitError,
    KeyRefused,
    OfflineMiss,
    PaperNotFound,
    RateLimited,
    S2Error,
    S2Unavailable,
    SeedError,
)
from .schema import check_answer
from .transport import Counters, Retry, Transport, origin

DEFAULT_API_URL = "https://api.semanticscholar.org/graph/v1"
PAPER_FIELDS = (
    "paperId,externalIds,title,year,publicationDate,venue,authors,citationCount,influentialCitationCount,"
    "referenceCount,url"
)
EDGE_FIELDS = "isInfluential,intents,contexts"
BATCH_MAX = 500  # ids per POST /paper/batch
PAGE_MAX = 1000  # limit per references/citations page
CITATION_CAP = 10_000  # S2 pages citations only while offset + limit < 10,000 (so 9,999 at most)
BATCH_CITATIONS = 9_999  # citations one POST /paper/batch answer carries, over all its papers (s2-folks #199)
ANON_RPS = 100 / 300  # S2's published anonymous rate: 100 requests per 5 minutes
KEYED_RPS = 1.0


def check_paper_id(paper_id: str) -> str:
    """Escape an id for a URL path: every id S2 accepts goes through, escaped rather than refused.

    ``:`` and ``/`` stay (S2 reads ``DOI:10.1093/mind/lix.236.433`` as one id); everything else that is not
    unreserved is percent-escaped; an id with a ``.``/``..`` segment has its ``/`` escaped too, so no client or
    proxy resolves it as a path.

    >>> check_paper_id("ARXIV:1608.00859"), check_paper_id("DOI:10.1007/978-3-319-46484-8_2")
    ('ARXIV:1608.00859', 'DOI:10.1007/978-3-319-46484-8_2')
    >>> check_paper_id("10.1002/(SICI)1097-0258(19980815/30)17:15/16<1661::AID-SIM968>3.0.CO;2-2")
    '10.1002/%28SICI%291097-0258%2819980815/30%2917:15/16%3C1661::AID-SIM968%3E3.0.CO%3B2-2'
    >>> check_paper_id("../../admin?x#y")
    '..%2F..%2Fadmin%3Fx%23y'
    >>> check_paper_id(" ")
    Traceback (most recent call last):
    graphkit.errors.SeedError: ' ' is not a paper id: it is empty or holds control characters
    """
    pid = str(paper_id)
    if not pid.strip() or any(ord(c) < 32 or ord(c) == 127 for c in pid):
        raise SeedError(f"{pid!r} is not a paper id: it is empty or holds control characters")
    if pid.strip(".") == "":
        raise SeedError(f"{pid!r} is not a paper id: it is only dots")
    if any(seg in (".", "..") for seg in pid.split("/")):
        return quote(pid, safe=":")  # a dot segment: the whole id one segment (clients unescape %2E, not %2F)
    return quote(pid, safe=":/")


class S2Client:
    """A cached, paced, retrying client of the S2 Graph API.

    Parameters
    ----------
    base_url : the API root (default :data:`DEFAULT_API_URL`); every URL is built from it. A
        ``user:password`` in it is sent as HTTP basic auth to that origin only, and kept out of messages and keys.
    api_key : sent as ``x-api-key`` to the base URL's origin and nowhere else.
    cache_dir : the diskcache directory (a read-only one is read from a copy when ``offline``).
    rps : requests per second; None = 1 with a key, S2's anonymous 100 per 5 minutes without; 0 = no pacing.
    offline : never touch the network; a miss raises :class:`OfflineMiss`.
    refresh : refetch and overwrite what is cached.
    max_age : seconds after which a cached answer is stale (None: never; 0: everything fetched before this refresh
        began). Stale answers are asked again; :meth:`request` with ``ageless=True`` (reference lists of published
        papers) and :meth:`recall` (a seed's citation list under its count) are not judged by age.
    transport : what sends requests (default: a :class:`~graphkit.transport.Transport` built from the HTTP
        settings below: ``timeout``, ``max_retries``, ``backoff``, ``backoff_max``, ``session``, ``deadline``,
        ``max_bytes``, ``retry_after_max``). Anything with its ``call`` method will do.
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        cache_dir: str | Path = "cache",
        rps: float | None = None,
        offline: bool = False,
        refresh: bool = False,
        *,
        max_age: float | None = None,
        transport=None,
        **http,
    ):
        self._key = api_key or None
        if rps is None:
            rps = KEYED_RPS if self._key else ANON_RPS
        if rps < 0:
            raise GraphkitError(f"--rps {rps} is negative; give requests per second, or 0 to turn pacing off")
        self.rps = rps
        self.counters = Counters()
        self.transport = transport or Transport(
            base_url or DEFAULT_API_URL,
            headers={"x-api-key": self._key} if self._key else {},
            rps=rps,
            counters=self.counters,
            example_url=DEFAULT_API_URL,
            **http,
        )
        self.base_url = self.transport.base_url
        self.origin = origin(self.base_url)
        # Semantic Scholar's own API, not a mirror/fixture
        self.official = self.origin == origin(DEFAULT_API_URL)
        self.offline = offline
        self.refresh = refresh
        self.responses = ResponseCache(
            cache_dir, self.base_url, offline=offline, refresh=refresh, max_age=max_age
        )

    def __repr__(self) -> str:  # never the key
        return f"S2Client(base_url={self.base_url!r}, key={'set' if self._key else 'none'}, rps={self.rps})"

    @property
    def on_wait(self):
        """Called (seconds, why) before a wait the server asked for (``Retry-After``): for progress lines."""
        return getattr(self.transport, "on_wait", None)

    @on_wait.setter
    def on_wait(self, fn) -> None:
        self.transport.on_wait = fn

    # -- the response cache (graphkit.cache), as the fetch plan and the pipeline use it ---------------------------
    @property
    def cache(self):
        """The diskcache store itself."""
        return self.responses.store

    @property
    def generation(self) -> int:
        """How many responses were ever written to this cache: unchanged means nothing new was cached."""
        return self.responses.generation

    @property
    def max_age(self) -> float | None:
        return self.responses.max_age

    def reset_fetched(self) -> None:
        """Start a new :meth:`fetched_span` (a build calls it before it fetches)."""
        self.responses.reset_fetched()

    def fetched_span(self) -> dict:
        """When the answers used since :meth:`reset_fetched` were fetched (see :meth:`ResponseCache.fetched_span`)."""
        return self.responses.fetched_span()

    def begin_refresh(self) -> None:
        """Start a refresh under ``max_age`` (see :meth:`ResponseCache.begin_refresh`)."""
        self.responses.begin_refresh()

    def end_refresh(self) -> None:
        self.responses.end_refresh()

    def recall(self, name: str):
        """A note kept with :meth:`remember` (None if none, or with ``--refresh``)."""
        return self.responses.recall(name)

    def remember(self, name: str, value) -> None:
        """Keep a small note about S2's answers (the count a seed's citation list was read under, and where)."""
        self.responses.remember(name, value)

    # -- stats ---------------------------------------------------------------------------------------------
    @property
    def stats(self) -> dict:
        c = self.counters
        return {
            "requests": c.requests,
            "cache_hits": c.cache_hits,
            "retries": c.retries,
            "statuses": dict(c.statuses),
            "429s": c.statuses.get(429, 0),
        }

    # -- the one request path ------------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        params: dict,
        body: dict | None = None,
        *,
        ok404: bool = False,
        check=None,
        ageless: bool = False,
    ):
        """One cached call. Returns the parsed JSON (or None for an accepted 404).

        ``check(data)`` names what is wrong with an answer's shape (None when it is fine): a malformed answer is
        asked again (the transport's retry loop) and never cached; a cached one that fails it is dropped and
        fetched again.
        """
        ckey = self.responses.key(method, path, params, body)
        query = urlencode(sorted(params.items()))
        shown = f"{self.base_url}{path}?{query}"
        if not self.refresh:
            hit = self.responses.get(ckey, check, ageless=ageless)
            if hit is NOT_FOUND and not ok404:
                hit = MISS  # a 404 cached for a call that accepts it does not answer one that does not
            if hit is not MISS:
                self.counters.add("cache_hits")
                logging.getLogger("graphkit.s2").debug("cache hit: %s %s", method, shown)
                return None if hit is NOT_FOUND else hit
        if self.offline:
            raise OfflineMiss(
                f"not in the cache for {self.base_url}: {method} {path}?{query}; "
                "run once without --offline to fetch it (or give the --api-url it was fetched from)"
            )

        def accept(status: int, raw: bytes):
            if status == 200:
                try:
                    text = raw.decode("utf-8")
                    data = orjson.loads(text)
                except ValueError:  # a body cut short (UnicodeDecodeError is a ValueError too): ask again
                    raise Retry(
                        S2Unavailable(
                            f"{shown} kept sending bodies that are not valid JSON; rerun to resume from the cache",
                            url=shown,
                            status=200,
                        )
                    ) from None
                problem = check(data) if check is not None else None
                if problem:  # the wrong shape: asked again like a 5xx, never cached
                    raise Retry(
                        S2Unavailable(
                            f"{shown} kept answering malformed JSON ({problem}); nothing of it was "
                            "cached — rerun later, or check --api-url",
                            url=shown,
                            status=200,
                        )
                    )
                self.responses.put(ckey, text)  # cached the moment it arrives
                return data
            text = raw.decode("utf-8", "replace")
            if status == 404 and ok404:  # a negative answer is an answer: cached like any other
                self.responses.put(ckey, text, status=404)
                return None
            raise _error_for(status, text, shown, self._key is not None)

        return self.transport.call(method, self.base_url + path, params, body, accept, shown=shown)

    # -- endpoints -----------------------------------------------------------------------------------------
    def batch(self, ids: list[str], fields: str = PAPER_FIELDS, *, on_refused=None) -> list[dict | None]:
        """``POST /paper/batch`` in calls of at most 500 ids; ``None`` where S2 does not know an id.

        Ids go in the JSON body, so they need no escaping. A call S2 refuses (400) is split in halves until the
        id it refuses is found: that id becomes ``None`` and ``on_refused(id, message)`` is told, the rest resolve.
        """
        return self._batches(ids, {"fields": fields}, on_refused)

    def _batches(self, ids: list[str], params: dict, on_refused, *, ageless=False, too_big=None):
        """``POST /paper/batch`` with ``params``, in calls of at most 500 ids (see :meth:`_batch_call`)."""
        out: list[dict | None] = []
        for i in range(0, len(ids), BATCH_MAX):
            chunk = [str(x) for x in ids[i : i + BATCH_MAX]]
            out.extend(self._batch_call(chunk, params, on_refused, ageless, too_big))
        return out

    def _batch_call(
        self, chunk: list[str], params: dict, on_refused, ageless: bool, too_big
    ) -> list[dict | None]:
        """One batch call; a 400 splits it in halves until the one id it is about is found. That id is ``None``
        (``on_refused(id, message)`` told), or, when its answer alone passes S2's 10 MB and ``too_big`` is given,
        ``too_big(id)``. A 400 naming our own fields is raised."""
        try:
            got = self.request(
                "POST",
                "/paper/batch",
                params,
                {"ids": chunk},
                check=lambda d: check_answer("batch", d, n=len(chunk)),
                ageless=ageless,
            )
        except BadRequest as e:
            text = str(e).lower()
            if "unrecognized" in text and "fields" in text:
                raise  # our own mistake, not an id's
            if len(chunk) == 1:
                if too_big is not None and "maximum size" in text:
                    return too_big(chunk[0])
                if on_refused is not None:
                    on_refused(chunk[0], str(e))
                return [None]
            half = len(chunk) // 2
            return self._batch_call(chunk[:half], params, on_refused, ageless, too_big) + self._batch_call(
                chunk[half:], params, on_refused, ageless, too_big
            )
        return [p if isinstance(p, dict) and p.get("paperId") else None for p in got]

    def batch_lists(
        self,
        ids: list[str],
        kinds: tuple[str, ...],
        fields: str = PAPER_FIELDS,
        *,
        on_refused=None,
        ageless: bool = False,
    ) -> list[dict | None]:
        """``POST /paper/batch`` with nested lists: each paper with its ``references`` and/or ``citations``
        (``kinds``) as lists of paper objects with :data:`PAPER_FIELDS` — S2 nests no edge details.

        Calls of at most 500 ids. S2 carries at most 9,999 citations over a whole answer (later papers' lists come
        back empty or cut) and answers 400 past 10 MB: such a call is split in halves, and a single paper whose own
        lists pass 10 MB comes back without them (``None`` in place of the list), to be read page by page. Other
        400s are an id S2 refuses, found as :meth:`batch` does. The caller checks every list against its count.
        """
        for kind in kinds:
            if kind not in ("references", "citations"):
                raise ValueError(kind)
        nested = ",".join(f"{kind}.{f}" for kind in kinds for f in PAPER_FIELDS.split(","))

        def metadata_only(pid: str) -> list[dict | None]:
            """One paper whose lists alone pass 10 MB: its metadata now, its lists page by page."""
            papers = self.batch([pid], fields, on_refused=on_refused)
            return [None if p is None else {**p, **{k: None for k in kinds}} for p in papers]

        params = {"fields": f"{fields},{nested}"}
        return self._batches(ids, params, on_refused, ageless=ageless, too_big=metadata_only)

    def match_title(self, title: str) -> dict | None:
        """``GET /paper/search/match``: S2's best match for a title (with ``matchScore``), None if none."""
        got = self.request(
            "GET",
            "/paper/search/match",
            {"query": title, "fields": PAPER_FIELDS},
            ok404=True,
            check=lambda d: check_answer("match", d),
        )
        if not got:
            return None
        data = got.get("data") or []
        return data[0] if data else None

    def edges(
        self,
        paper_id: str,
        kind: str,
        *,
        on_page=None,
        fields: str | None = None,
        count: int | None = None,
        ageless: bool = False,
    ) -> dict:
        """Every page of ``/paper/{id}/references`` or ``/citations`` (1000 a page, following ``next``).

        Stops at the first page without ``next`` or without data — never loops on an empty page — and at S2's
        cap (offset + limit < 10,000: 9,999 entries at most, in 10 pages), whatever count a server claims. At most
        ``2 × pages_for(count) + 1`` pages are asked for (``count`` unknown: as for 10,000), so an endless ``next``
        ends; ``bounded`` says it did. Returns ``{"items", "pages", "cut", "bounded"}``.
        """
        if kind not in ("references", "citations"):
            raise ValueError(kind)
        fields = fields or f"{EDGE_FIELDS},{PAPER_FIELDS}"
        path = f"/paper/{check_paper_id(paper_id)}/{kind}"
        max_pages = 2 * max(1, pages_for(CITATION_CAP if count is None else count, kind)) + 1
        items: list[dict] = []
        offset, pages, cut, bounded = 0, 0, False, False
        while True:
            # "The sum of offset and limit must be < 10000" (S2): the last page is offset 9000, limit 999
            limit = min(PAGE_MAX, CITATION_CAP - 1 - offset)
            if limit <= 0:
                cut = True
                break
            if pages >= max_pages:
                bounded = True
                break
            page = self.request(
                "GET",
                path,
                {"fields": fields, "offset": offset, "limit": limit},
                check=lambda d: check_answer(kind, d),
                ageless=ageless,
            )
            pages += 1
            data = (page or {}).get("data") or []
            items.extend(data)
            if on_page is not None:
                on_page()
            nxt = (page or {}).get("next")
            if not data or nxt is None or not isinstance(nxt, int) or nxt <= offset:
                break
            offset = nxt
        return {"items": items, "pages": pages, "cut": cut, "bounded": bounded}

    def close(self) -> None:
        """Close the HTTP session and the cache (a client is also a context manager: ``with S2Client(…) as c``)."""
        self.transport.close()
        self.responses.close()

    def __enter__(self) -> S2Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _error_for(status: int, text: str, url: str, keyed: bool) -> S2Error:
    """One place that maps an HTTP status to graphkit's exception, with a message that names the fix."""
    try:
        body = json.loads(text)
        said = body.get("error") or body.get("message") or ""
    except (ValueError, AttributeError):
        said = ""
    said = (" — S2 says: " + clean_text(str(said))[:200]) if said else ""
    if status == 400:
        return BadRequest(
            f"S2 refused the request (400) at {url}{said}; this is a graphkit bug if it persists",
            url=url,
            status=status,
        )
    if status in (401, 403):
        return KeyRefused(
            f"S2 refused the API key (403) at {url}; check S2_API_KEY, or unset it to use the anonymous rate",
            url=url,
            status=status,
        )
    if status == 404:
        return PaperNotFound(f"S2 answered 404 at {url}{said}", url=url, status=status)
    if status == 429:
        hint = "lower --rps" if keyed else "set S2_API_KEY for a higher rate limit"
        return RateLimited(
            f"S2 still answers 429 (too many requests) at {url} after every retry; {hint}, "
            "then rerun to resume from the cache",
            url=url,
            status=status,
        )
    return S2Unavailable(
        f"S2 answered {status} at {url} after every retry; rerun later to resume from the cache, "
        "or use --offline",
        url=url,
        status=status,
    )


def pages_for(count: int | None, kind: str) -> int:
    """How many pages a list of ``count`` entries takes: S2 pages a list (references or citations) only while
    offset + limit < 10,000, so never more than 10, whatever a count claims.

    >>> pages_for(0, "references"), pages_for(1000, "references"), pages_for(1001, "references")
    (0, 1, 2)
    >>> pages_for(25_000, "citations"), pages_for(10**12, "references")
    (10, 10)
    """
    n = min(max(0, int(count or 0)), CITATION_CAP)
    return math.ceil(n / PAGE_MAX)
