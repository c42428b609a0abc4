"""The Semantic Scholar Graph API client: the only module that does HTTP.

Everything it returns is S2's JSON as plain dicts. It owns the four things that make a long fetch survivable:

* **one base URL** (``--api-url`` / ``S2_API_URL``), from which every URL is built;
* **a cache** (diskcache): one entry per response, keyed by base URL, method, path, sorted query and body — never
  the key — written the moment the response arrives, holding the JSON text exactly as received;
* **pacing**: one limiter shared by every attempt (first tries and retries alike), spacing requests at send time
  with a margin, and slowing down on each 429;
* **retries** on the session with urllib3's ``Retry`` (429/5xx, dropped connections, time-outs; exponential back-off
  with jitter; ``Retry-After`` honoured), plus a retry of bodies that are not valid JSON.
"""

from __future__ import annotations

import json
import logging
import math
import random
import re
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import diskcache
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .errors import (
    BadRequest,
    CacheError,
    GraphkitError,
    KeyRefused,
    OfflineMiss,
    PaperNotFound,
    RateLimited,
    S2Error,
    S2Unavailable,
    SeedError,
)

DEFAULT_API_URL = "https://api.semanticscholar.org/graph/v1"
PAPER_FIELDS = (
    "paperId,externalIds,title,year,publicationDate,venue,authors,citationCount,influentialCitationCount,"
    "referenceCount,url"
)
EDGE_FIELDS = "isInfluential,intents,contexts"
BATCH_MAX = 500  # ids per POST /paper/batch
PAGE_MAX = 1000  # limit per references/citations page
CITATION_CAP = 10_000  # S2 pages citations only while offset + limit < 10,000 (so 9,999 at most)
ANON_RPS = 100 / 300  # S2's published anonymous rate: 100 requests per 5 minutes
KEYED_RPS = 1.0
RETRY_STATUSES = (429, 500, 502, 503, 504)
GENERATION_KEY = "graphkit:generation"  # a counter bumped on every cache write (atomic across processes)
RETRY_AFTER_MAX = 120.0  # seconds: a Retry-After longer than this is not waited out in one go

_ID_OK = re.compile(
    r"^(?:[0-9a-f]{40}|(?:ARXIV|arXiv|arxiv):[A-Za-z0-9.\-/]+|(?:DOI|doi):10\.\d{4,9}/\S+|10\.\d{4,9}/\S+|"
    r"(?:CorpusId|CorpusID|MAG|ACL|PMID|PMCID):[A-Za-z0-9.\-]+|URL:https?://\S+)$"
)


def check_paper_id(paper_id: str) -> str:
    """Validate an id before it goes into a URL path; return it URL-quoted.

    >>> check_paper_id("ARXIV:1608.00859"), check_paper_id("DOI:10.1007/978-3-319-46484-8_2")
    ('ARXIV:1608.00859', 'DOI:10.1007/978-3-319-46484-8_2')
    >>> check_paper_id("../../admin")
    Traceback (most recent call last):
    graphkit.errors.SeedError: '../../admin' is not a paper id S2 accepts (a 40-hex paperId, ARXIV:…, DOI:…, CorpusId:…)
    """
    pid = str(paper_id)
    bad = (
        not _ID_OK.match(pid)
        or ".." in pid.split(":", 1)[-1].split("/")
        or any(c in pid for c in "?#%\\")
        or any(ord(c) < 33 for c in pid)
    )
    if bad:
        raise SeedError(f"{pid!r} is not a paper id S2 accepts (a 40-hex paperId, ARXIV:…, DOI:…, CorpusId:…)")
    return quote(pid, safe=":/")


class Limiter:
    """Spaces request *starts* at least ``margin / rps`` seconds apart, for any number of threads.

    ``slow_down`` (on a 429) doubles the interval (at most 30 s) and ``recovered`` eases it back towards the
    configured pace after successes. ``rps = 0`` turns pacing off. ``clock`` (seconds, monotonic) and ``sleep``
    are ``time.monotonic`` and ``time.sleep`` unless given: a test passes a clock that moves only when slept on.

    >>> t = [0.0]
    >>> lim = Limiter(2.0, margin=1.0, clock=lambda: t[0], sleep=lambda s: t.__setitem__(0, t[0] + s))
    >>> [lim.wait() for _ in range(3)], t[0]
    ([0.0, 0.5, 0.5], 1.0)
    """

    def __init__(self, rps: float, margin: float = 1.04, clock=time.monotonic, sleep=time.sleep):
        self.base = (margin / rps) if rps else 0.0
        self.interval = self.base
        self.clock = clock
        self.sleep = sleep
        self._next = 0.0
        self._lock = threading.Lock()
        self._ok_streak = 0

    def wait(self) -> float:
        """Wait for this request's slot; return the seconds waited."""
        with self._lock:
            now = self.clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        delay = slot - now
        if delay > 0:
            self.sleep(delay)
        return delay

    def push_back(self, seconds: float) -> None:
        """No request starts for ``seconds`` from now (a ``Retry-After``)."""
        with self._lock:
            self._next = max(self._next, self.clock() + seconds)

    def slow_down(self) -> None:
        with self._lock:
            self._ok_streak = 0
            if self.base:
                self.interval = min(max(self.interval * 2, self.base), 30.0)

    def recovered(self) -> None:
        with self._lock:
            self._ok_streak += 1
            if self.interval > self.base and self._ok_streak >= 10:
                self.interval = max(self.base, self.interval / 1.5)
                self._ok_streak = 0


class _Counters:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0  # HTTP attempts sent, retries included
        self.cache_hits = 0
        self.statuses: dict[int, int] = {}
        self.retries = 0

    def add(self, name: str, n: int = 1) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + n)

    def status(self, code: int) -> None:
        with self.lock:
            self.statuses[code] = self.statuses.get(code, 0) + 1


def _make_retry_class(limiter: Limiter, counters: _Counters) -> type[Retry]:
    class PacedRetry(Retry):
        """urllib3 Retry whose every retry goes through the shared limiter, and whose 429s slow the pace.

        urllib3 retries inside one ``adapter.send``: pacing only the first attempt would let retries burst,
        so the wait before each retry is taken here, where urllib3 sleeps.
        """

        def get_retry_after(self, response):  # never wait out an absurd Retry-After in one go
            value = super().get_retry_after(response)
            return None if value is None else min(value, RETRY_AFTER_MAX)

        def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
            if response is not None:
                counters.status(response.status)
                if response.status == 429:
                    limiter.slow_down()
            return super().increment(method, url, response, error, _pool, _stacktrace)

        def sleep(self, response=None):
            if response is not None:
                after = self.get_retry_after(response)
                if after:
                    limiter.push_back(after)
                    # the limiter now holds the Retry-After; back off no further than it says
                    counters.add("retries")
                    counters.add("requests")
                    limiter.wait()
                    return
            super().sleep(response)
            counters.add("retries")
            counters.add("requests")
            limiter.wait()

    return PacedRetry


class _PacedAdapter(HTTPAdapter):
    def __init__(self, limiter: Limiter, counters: _Counters, **kw):
        self.limiter = limiter
        self.counters = counters
        super().__init__(**kw)

    def send(self, request, **kw):
        self.limiter.wait()
        self.counters.add("requests")
        response = super().send(request, **kw)
        self.counters.status(response.status_code)
        return response


class S2Client:
    """A cached, paced, retrying client of the S2 Graph API.

    Parameters
    ----------
    base_url : the API root (default :data:`DEFAULT_API_URL`); every URL is built from it.
    api_key : sent as ``x-api-key`` and nowhere else.
    cache_dir : the diskcache directory.
    rps : requests per second; None = 1 with a key, S2's anonymous 100 per 5 minutes without; 0 = no pacing.
    offline : never touch the network; a miss raises :class:`OfflineMiss`.
    refresh : refetch and overwrite what is cached.
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        cache_dir: str | Path = "cache",
        rps: float | None = None,
        offline: bool = False,
        refresh: bool = False,
        timeout: tuple[float, float] = (10.0, 60.0),
        max_retries: int = 6,
        backoff: float = 1.0,
        backoff_max: float = 60.0,
        session: requests.Session | None = None,
    ):
        self.base_url = _check_base_url(base_url or DEFAULT_API_URL)
        self._key = api_key or None
        self.offline = offline
        self.refresh = refresh
        self.timeout = timeout
        self.max_retries = max_retries
        if rps is None:
            rps = KEYED_RPS if self._key else ANON_RPS
        if rps < 0:
            raise GraphkitError(f"--rps {rps} is negative; give requests per second, or 0 to turn pacing off")
        self.rps = rps
        self.limiter = Limiter(rps)
        self.counters = _Counters()
        try:
            Path(cache_dir).mkdir(parents=True, exist_ok=True)
            self.cache = diskcache.Cache(str(cache_dir), size_limit=2**40, eviction_policy="none")
        except OSError as e:
            raise CacheError(f"cannot use cache directory {cache_dir}: {e.strerror}; pass --cache-dir DIR") from e
        except Exception as e:  # sqlite3 errors: a file that is not a cache
            raise CacheError(f"cannot open the cache in {cache_dir} ({e}); pass another --cache-dir") from e
        retry_cls = _make_retry_class(self.limiter, self.counters)
        retry = retry_cls(
            total=max_retries,
            connect=min(2, max_retries),  # a refused connection is mostly a wrong --api-url: say so soon
            read=max_retries,
            status=max_retries,
            other=max_retries,
            allowed_methods=None,  # POST /paper/batch is idempotent: retry it too
            status_forcelist=RETRY_STATUSES,
            backoff_factor=backoff,
            backoff_max=backoff_max,
            backoff_jitter=backoff / 2,
            respect_retry_after_header=True,
            raise_on_status=False,
            raise_on_redirect=False,
        )
        self.session = session or requests.Session()
        adapter = _PacedAdapter(self.limiter, self.counters, max_retries=retry, pool_maxsize=4)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = "graphkit (+citation-graph explorer)"
        if self._key:
            self.session.headers["x-api-key"] = self._key

    def __repr__(self) -> str:  # never the key
        return f"S2Client(base_url={self.base_url!r}, key={'set' if self._key else 'none'}, rps={self.rps})"

    @property
    def generation(self) -> int:
        """How many responses were ever written to this cache: unchanged means nothing new was cached."""
        try:
            return int(self.cache.get(GENERATION_KEY, 0))
        except (TypeError, ValueError):
            return -1  # a damaged counter: never "up to date"

    def _bump_generation(self) -> None:
        """Tell up-to-date checks that the cache changed (atomic across processes)."""
        try:
            self.cache.incr(GENERATION_KEY)
        except (TypeError, ValueError):
            self.cache.set(GENERATION_KEY, 1)

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
    def _cache_key(self, method: str, path: str, params: dict, body: dict | None) -> str:
        query = urlencode(sorted((k, str(v)) for k, v in params.items()))
        key = f"{self.base_url} {method} {path}?{query}"
        if body is not None:
            key += " " + json.dumps(body, sort_keys=True, separators=(",", ":"))
        return key

    def request(self, method: str, path: str, params: dict, body: dict | None = None, *, ok404: bool = False):
        """One cached call. Returns the parsed JSON (or None for an accepted 404)."""
        ckey = self._cache_key(method, path, params, body)
        if not self.refresh:
            hit = self._cache_get(ckey)
            if hit is not _MISS:
                self.counters.add("cache_hits")
                logging.getLogger("graphkit.s2").debug("cache hit: %s %s%s?%s", method, self.base_url, path,
                                                       urlencode(sorted(params.items())))
                return hit
        if self.offline:
            raise OfflineMiss(f"not in the cache for {self.base_url}: {method} {path}?{urlencode(sorted(params.items()))}; "
                              "run once without --offline to fetch it (or give the --api-url it was fetched from)")
        url = self.base_url + path
        shown = f"{url}?{urlencode(sorted(params.items()))}"
        tries = self.max_retries + 1
        for attempt in range(tries):
            try:
                logging.getLogger("graphkit.s2").debug("%s %s", method, shown)  # the key is in a header, never here
                resp = self.session.request(method, url, params=params, json=body, timeout=self.timeout)
                text = resp.content.decode("utf-8")
            except requests.exceptions.ConnectionError as e:
                raise S2Unavailable(f"cannot reach {shown}: {_why(e)}; check --api-url and your network, "
                                    "then rerun (fetched pages are cached)", url=shown) from None
            except requests.exceptions.Timeout:
                raise S2Unavailable(f"{shown} timed out after every retry; rerun to resume from the cache",
                                    url=shown) from None
            except (requests.exceptions.RequestException, UnicodeDecodeError) as e:
                if attempt + 1 < tries:
                    self._pause(attempt)
                    continue
                raise S2Unavailable(f"{shown} sent a broken response ({type(e).__name__}) after every retry; "
                                    "rerun to resume from the cache", url=shown) from None
            status = resp.status_code
            if status == 200:
                try:
                    data = json.loads(text)
                except ValueError:
                    if attempt + 1 < tries:  # a truncated body: ask again
                        self._pause(attempt)
                        continue
                    raise S2Unavailable(f"{shown} kept sending bodies that are not valid JSON; "
                                        "rerun to resume from the cache", url=shown, status=200) from None
                self.cache.set(ckey, text)  # cached the moment it arrives
                self._bump_generation()
                self.limiter.recovered()
                return data
            if status == 404 and ok404:
                return None
            raise _error_for(status, text, shown, self._key is not None)
        raise AssertionError("unreachable")  # pragma: no cover

    def _pause(self, attempt: int) -> None:
        self.counters.add("retries")
        time.sleep(min(60.0, 0.2 * 2**attempt) * (0.5 + random.random()))

    def _cache_get(self, ckey: str):
        try:
            text = self.cache.get(ckey, default=_MISS)
        except Exception:  # an unreadable entry (garbage, truncated file)
            text = _CORRUPT
        if text is _MISS:
            return _MISS
        if text is not _CORRUPT and isinstance(text, str):
            try:
                return json.loads(text)
            except ValueError:
                pass
        # corrupted: drop it so it is fetched again (or named, offline)
        try:
            self.cache.delete(ckey)
        except Exception:
            pass
        if self.offline:
            raise OfflineMiss(f"the cached response for {ckey.split(' ', 1)[1][:200]} is corrupted and was "
                              "dropped; run once without --offline to fetch it again")
        return _MISS

    # -- endpoints -----------------------------------------------------------------------------------------
    def batch(self, ids: list[str], fields: str = PAPER_FIELDS) -> list[dict | None]:
        """``POST /paper/batch`` in calls of at most 500 ids; ``None`` where S2 does not know an id."""
        out: list[dict | None] = []
        for i in range(0, len(ids), BATCH_MAX):
            chunk = list(ids[i : i + BATCH_MAX])
            for pid in chunk:
                check_paper_id(pid)
            got = self.request("POST", "/paper/batch", {"fields": fields}, {"ids": chunk})
            if not isinstance(got, list) or len(got) != len(chunk):
                raise S2Error(f"{self.base_url}/paper/batch answered {len(got) if isinstance(got, list) else 'no list'}"
                              f" entries for {len(chunk)} ids; rerun with --refresh", url=self.base_url + "/paper/batch")
            out.extend(p if isinstance(p, dict) and p.get("paperId") else None for p in got)
        return out

    def paper(self, paper_id: str, fields: str = PAPER_FIELDS) -> dict:
        """``GET /paper/{id}``."""
        path = "/paper/" + check_paper_id(paper_id)
        got = self.request("GET", path, {"fields": fields}, ok404=True)
        if got is None:
            raise PaperNotFound(f"S2 does not know paper {paper_id} (404 at {self.base_url}{path}); check the id",
                                url=self.base_url + path, status=404)
        return got

    def match_title(self, title: str, fields: str = PAPER_FIELDS) -> dict | None:
        """``GET /paper/search/match``: S2's best match for a title (with ``matchScore``), None if none."""
        got = self.request("GET", "/paper/search/match", {"query": title, "fields": fields}, ok404=True)
        if not got:
            return None
        data = got.get("data") or []
        return data[0] if data else None

    def edges(self, paper_id: str, kind: str, *, on_page=None, fields: str | None = None) -> dict:
        """Every page of ``/paper/{id}/references`` or ``/citations`` (1000 a page, following ``next``).

        Stops at the first page without ``next`` or without data — never loops on an empty page — and, for
        citations, at S2's cap (offset + limit < 10,000: 9,999 citations at most, in 10 pages). Returns ``{"items", "pages", "cut"}``.
        """
        if kind not in ("references", "citations"):
            raise ValueError(kind)
        fields = fields or f"{EDGE_FIELDS},{PAPER_FIELDS}"
        path = f"/paper/{check_paper_id(paper_id)}/{kind}"
        items: list[dict] = []
        offset, pages, cut = 0, 0, False
        while True:
            limit = PAGE_MAX
            if kind == "citations":
                # "The sum of offset and limit must be < 10000" (S2): the last page is offset 9000, limit 999
                limit = min(PAGE_MAX, CITATION_CAP - 1 - offset)
                if limit <= 0:
                    cut = True
                    break
            page = self.request("GET", path, {"fields": fields, "offset": offset, "limit": limit})
            pages += 1
            data = (page or {}).get("data") or []
            items.extend(data)
            if on_page is not None:
                on_page()
            nxt = (page or {}).get("next")
            if not data or nxt is None or not isinstance(nxt, int) or nxt <= offset:
                break
            offset = nxt
        return {"items": items, "pages": pages, "cut": cut}

    def close(self) -> None:
        self.session.close()
        self.cache.close()


_MISS = object()
_CORRUPT = object()


def _why(e: Exception) -> str:
    text = str(e)
    for marker in ("Connection refused", "Name or service not known", "No route to host", "timed out",
                   "Connection reset", "Max retries exceeded", "RemoteDisconnected"):
        if marker in text:
            return marker.lower()
    return type(e).__name__


def _check_base_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise GraphkitError(f"--api-url {url!r} is not an http(s) URL; use e.g. {DEFAULT_API_URL}")
    return url.rstrip("/")


def _error_for(status: int, text: str, url: str, keyed: bool) -> S2Error:
    """One place that maps an HTTP status to graphkit's exception, with a message that names the fix."""
    try:
        body = json.loads(text)
        said = body.get("error") or body.get("message") or ""
    except (ValueError, AttributeError):
        said = ""
    said = (" — S2 says: " + str(said)[:200]) if said else ""
    if status == 400:
        return BadRequest(f"S2 refused the request (400) at {url}{said}; this is a graphkit bug if it persists",
                          url=url, status=status)
    if status in (401, 403):
        return KeyRefused(f"S2 refused the API key (403) at {url}; check S2_API_KEY, or unset it to use the "
                          "anonymous rate", url=url, status=status)
    if status == 404:
        return PaperNotFound(f"S2 answered 404 at {url}{said}", url=url, status=status)
    if status == 429:
        hint = "lower --rps" if keyed else "set S2_API_KEY for a higher rate limit"
        return RateLimited(f"S2 still answers 429 (too many requests) at {url} after every retry; {hint}, "
                           "then rerun to resume from the cache", url=url, status=status)
    return S2Unavailable(f"S2 answered {status} at {url} after every retry; rerun later to resume from the cache, "
                         "or use --offline", url=url, status=status)


def pages_for(count: int | None, kind: str) -> int:
    """How many pages a list of ``count`` entries takes (citations capped at 10,000).

    >>> pages_for(0, "references"), pages_for(1000, "references"), pages_for(1001, "references")
    (0, 1, 2)
    >>> pages_for(25_000, "citations")
    10
    """
    n = max(0, int(count or 0))
    if kind == "citations":
        n = min(n, CITATION_CAP)
    return math.ceil(n / PAGE_MAX)
