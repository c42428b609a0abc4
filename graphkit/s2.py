"""The Semantic Scholar Graph API client: the only module that does HTTP.

Everything it returns is S2's JSON as plain dicts. It owns the four things that make a long fetch survivable:

* **one base URL** (``--api-url`` / ``S2_API_URL``), from which every URL is built;
* **a cache** (diskcache): one entry per response, keyed by base URL, method, path, sorted query and body — never
  the key — written the moment the response arrives, holding the JSON text exactly as received, tagged with the
  time it was fetched (:mod:`graphkit.cache`); a 404 where a 404 is an answer (a title
  S2 cannot match, an unknown id) is cached like any response, so a warm rebuild asks for nothing;
* **pacing**: one limiter shared by every attempt (first tries and retries alike), spacing requests at send time
  with a margin, and slowing down on each 429;
* **retries** on the session with urllib3's ``Retry`` (429/5xx, dropped connections, time-outs; exponential back-off
  with jitter; ``Retry-After`` honoured up to :data:`RETRY_AFTER_MAX`), plus a retry of bodies that are not valid
  JSON or not of the shape graphkit reads.

And the bounds that make a hostile or broken server harmless:

* **no redirect off the API's origin** (scheme, host and port of the base URL): same-origin redirects are followed,
  any other is an error, so ``x-api-key`` (and any user:password of the base URL) never leaves that origin, and
  nothing a redirect answers is cached;
* **a deadline per attempt** (``S2_DEADLINE``, default 60 s) covering the headers *and* the body: a server that
  trickles is cut off, whatever its pace;
* **a size limit per response** (``S2_MAX_BYTES``, default 64 MB, read streamed);
* **every answer checked** against the fields graphkit reads *before* it is cached (:func:`check_answer`);
* **a page bound per list** derived from its count, so an endless ``next`` ends.
"""

from __future__ import annotations

import heapq
import json
import logging
import math
import os
import random
import re
import socket
import threading
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlencode, urljoin, urlsplit

import orjson
import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import InvalidHeader
from urllib3.util.retry import Retry

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
    source_too_big,
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
BATCH_CITATIONS = 9_999  # citations one POST /paper/batch answer carries, over all its papers (s2-folks #199)
ANON_RPS = 100 / 300  # S2's published anonymous rate: 100 requests per 5 minutes
KEYED_RPS = 1.0
RETRY_STATUSES = (429, 500, 502, 503, 504)
RETRY_AFTER_MAX = (
    30.0  # seconds: a longer Retry-After (99999, a date in 2099) is waited out for this long only
)
DEADLINE = 60.0  # seconds per attempt, headers and body together (S2_DEADLINE)
MAX_BYTES = 64 * 2**20  # per response, read streamed (S2_MAX_BYTES); S2's own answers stay under 10 MB
MAX_REDIRECTS = 5  # same-origin hops followed per request
MAX_CUT = 2  # attempts of one request the deadline may cut before it is given up

_HEX40 = re.compile(r"[0-9a-f]{40}")


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
        if not (rps == 0 or (math.isfinite(rps) and 1e-3 <= rps <= 1e6)):
            raise GraphkitError(f"rps {rps!r} is no pace; give requests per second from 0.001 (0: no pacing)")
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
            woke = self.clock()
            # slept past the slot (a busy machine): the next start keeps its distance from this one
            if woke > slot:
                with self._lock:
                    self._next = max(self._next, woke + self.interval)
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


class Backoff:
    """The one back-off policy of a request: how long to wait before its n-th retry, and how many attempts it may
    make in all — whether urllib3 retries (429/5xx, dropped connections) or graphkit does (a body cut short, not
    JSON, or of the wrong shape). The n-th retry waits ``factor × 2^(n-1)`` seconds (none before the first, at
    most ``cap``) plus up to ``factor / 2`` of jitter: urllib3's formula, kept in one place.

    >>> b = Backoff(factor=1.0, cap=10.0, retries=6, jitter=False)
    >>> [b.delay(n) for n in range(1, 7)], b.attempts
    ([0.0, 2.0, 4.0, 8.0, 10.0, 10.0], 7)
    >>> Backoff(factor=float("nan"))
    Traceback (most recent call last):
    graphkit.errors.GraphkitError: S2_BACKOFF=nan is not a number of seconds >= 0; fix or unset it
    """

    def __init__(self, factor: float = 1.0, cap: float = 60.0, retries: int = 6, *, jitter: bool = True):
        for name, v in (("S2_BACKOFF", factor), ("backoff_max", cap)):
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
                raise GraphkitError(f"{name}={v!r} is not a number of seconds >= 0; fix or unset it")
        if not (isinstance(retries, int) and retries >= 0):
            raise GraphkitError(f"S2_MAX_RETRIES={retries!r} is not a whole number >= 0; fix or unset it")
        self.factor, self.cap, self.retries, self.jitter = float(factor), float(cap), retries, jitter

    @property
    def attempts(self) -> int:
        """Attempts one request may make, the first included."""
        return self.retries + 1

    def delay(self, retry: int) -> float:
        """Seconds to wait before the ``retry``-th retry (1-based)."""
        if retry <= 1:
            return 0.0
        wait = min(self.cap, self.factor * 2 ** (retry - 1))
        return wait + (random.uniform(0, self.factor / 2) if self.jitter else 0.0)


class _Budget:
    """The attempts one request has left (shared by urllib3's retries and graphkit's, in the calling thread)."""

    def __init__(self, attempts: int) -> None:
        self.total = self.left = attempts
        self.cut = 0  # attempts the deadline cut off

    @property
    def made(self) -> int:
        return self.total - self.left


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


def _make_retry_class(limiter: Limiter, counters: _Counters, limits: S2Client) -> type[Retry]:
    class PacedRetry(Retry):
        """urllib3 Retry whose every retry goes through the shared limiter, and whose 429s slow the pace.

        urllib3 retries inside one ``adapter.send``: pacing only the first attempt would let retries burst,
        so the wait before each retry is taken here, where urllib3 sleeps.
        """

        def get_retry_after(self, response):  # never wait out an absurd Retry-After in one go
            try:
                value = super().get_retry_after(response)
            except (InvalidHeader, ValueError, OverflowError):  # "Retry-After: soon": back off as usual
                return None
            if value is None or value != value:
                return None
            return min(max(value, 0.0), limits.retry_after_max)

        def get_backoff_time(self) -> float:  # the one policy (S2_BACKOFF), n = the retries made so far
            return limits.policy.delay(len(self.history))

        def is_exhausted(
            self,
        ) -> bool:  # the request's budget of attempts is spent: no retry inside urllib3 either
            budget = getattr(_local, "budget", None)
            return super().is_exhausted() or (budget is not None and budget.left <= 0)

        def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
            if response is not None:
                counters.status(response.status)
                if response.status == 429:
                    limiter.slow_down()
            return super().increment(method, url, response, error, _pool, _stacktrace)

        def sleep(self, response=None):
            budget = getattr(_local, "budget", None)
            if budget is not None:
                budget.left -= 1  # the retry urllib3 is about to make
            if response is not None:
                after = self.get_retry_after(response)
                if after:
                    limiter.push_back(after)
                    if limits.on_wait is not None:
                        limits.on_wait(after, f"S2 asked to wait (Retry-After, {response.status})")
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


_local = threading.local()  # the calling thread's deadline (seconds) and the watches armed for its request


class _Watch:
    """Cuts a connection's socket when an attempt outlives its deadline: a blocked ``recv`` then returns at once.

    A read time-out is per ``recv``, so a server sending a byte a second never trips it; this does, for the
    status line, the headers and the body alike. One watchdog thread serves every watch (arming one costs a heap
    push, not a thread).
    """

    __slots__ = ("sock", "due", "expired", "cancelled", "budget")

    def __init__(self, sock, seconds: float, budget: _Budget | None = None):
        self.sock = sock
        self.due = time.monotonic() + seconds
        self.expired = False
        self.cancelled = False
        self.budget = budget
        _WATCHDOG.add(self)

    def __lt__(self, other: _Watch) -> bool:
        return self.due < other.due

    def expire(self) -> None:
        self.expired = True
        if self.budget is not None:
            self.budget.cut += 1
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self) -> None:
        self.cancelled = True


class _Watchdog:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[_Watch] = []
        self._thread: threading.Thread | None = None

    def add(self, watch: _Watch) -> None:
        with self._cond:
            heapq.heappush(self._heap, watch)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="graphkit-deadline", daemon=True)
                self._thread.start()
            if self._heap[0] is watch:  # due before the one the watchdog sleeps on
                self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._heap and self._heap[0].cancelled:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                first = self._heap[0]
                left = first.due - time.monotonic()
                if left > 0:
                    self._cond.wait(min(left, 1.0))  # woken early by a new watch, or to drop cancelled ones
                    continue
                heapq.heappop(self._heap)
            if not first.cancelled:
                first.expire()


_WATCHDOG = _Watchdog()


class _DeadlineMixin:
    """A urllib3 connection whose every attempt (request sent, headers and body read) is watched."""

    def request(self, *args, **kw):
        seconds = getattr(_local, "deadline", None)
        watches = getattr(_local, "watches", None)
        budget = getattr(_local, "budget", None)
        if seconds and watches is not None:
            for w in watches:
                w.cancel()  # one attempt at a time: the previous one is over
            if budget is not None and budget.cut >= MAX_CUT:
                # a server that trickles stays slow: no third attempt of a deadline's length (urllib3 would
                # retry the dropped connection, each attempt with a deadline of its own)
                raise S2Unavailable(
                    f"{getattr(_local, 'shown', 'S2')} did not finish answering within the {seconds:g} s "
                    f"deadline, {MAX_CUT} times; rerun later to resume from the cache (or raise S2_DEADLINE)"
                )
            if self.sock is None:
                self.connect()
            watches.append(_Watch(self.sock, seconds, budget))
        return super().request(*args, **kw)


class _WatchedHTTPConnection(_DeadlineMixin, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_DeadlineMixin, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _PacedAdapter(HTTPAdapter):
    def __init__(self, limiter: Limiter, counters: _Counters, **kw):
        self.limiter = limiter
        self.counters = counters
        super().__init__(**kw)

    def init_poolmanager(self, *args, **kw):
        super().init_poolmanager(*args, **kw)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}

    def proxy_manager_for(self, proxy, **kw):  # through an HTTP(S)_PROXY too, every attempt is watched
        manager = super().proxy_manager_for(proxy, **kw)
        if hasattr(manager, "pool_classes_by_scheme"):
            manager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}
        return manager

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
    base_url : the API root (default :data:`DEFAULT_API_URL`); every URL is built from it. A ``user:password`` in it
        is sent as HTTP basic auth to that origin only, and kept out of messages and cache keys.
    api_key : sent as ``x-api-key`` to the base URL's origin and nowhere else.
    cache_dir : the diskcache directory (a read-only one is used read-only when ``offline``).
    rps : requests per second; None = 1 with a key, S2's anonymous 100 per 5 minutes without; 0 = no pacing.
    offline : never touch the network; a miss raises :class:`OfflineMiss`.
    refresh : refetch and overwrite what is cached.
    max_age : seconds after which a cached answer is stale (None: never; 0: everything fetched before this refresh
        began). Stale answers are asked again; :meth:`request` with ``ageless=True`` (reference lists of published
        papers) and :meth:`recall` (a seed's citation list under its count) are not judged by age.
    deadline : seconds one attempt may take, headers and body (None: ``S2_DEADLINE``, else :data:`DEADLINE`).
    max_bytes : the largest response read (None: ``S2_MAX_BYTES``, else :data:`MAX_BYTES`).
    retry_after_max : the longest ``Retry-After`` waited out in one go (:data:`RETRY_AFTER_MAX`).
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
        deadline: float | None = None,
        max_bytes: int | None = None,
        retry_after_max: float = RETRY_AFTER_MAX,
        max_age: float | None = None,
    ):
        self.base_url, auth = _check_base_url(base_url or DEFAULT_API_URL)
        self.origin = _origin(self.base_url)
        self.official = self.origin == _origin(
            DEFAULT_API_URL
        )  # Semantic Scholar's own API, not a mirror/fixture
        self._key = api_key or None
        self.offline = offline
        self.refresh = refresh
        self.deadline = _limit("S2_DEADLINE", deadline, DEADLINE, float)
        self.max_bytes = int(_limit("S2_MAX_BYTES", max_bytes, MAX_BYTES, int))
        self.timeout = (min(timeout[0], self.deadline), min(timeout[1], self.deadline))
        self.retry_after_max = float(retry_after_max)
        self.on_wait = (
            None  # called (seconds, why) before a long wait the server asked for: for progress lines
        )
        self.policy = Backoff(backoff, backoff_max, max_retries)
        self.max_retries = max_retries
        if rps is None:
            rps = KEYED_RPS if self._key else ANON_RPS
        if rps < 0:
            raise GraphkitError(f"--rps {rps} is negative; give requests per second, or 0 to turn pacing off")
        self.rps = rps
        self.limiter = Limiter(rps)
        self.counters = _Counters()
        self.responses = ResponseCache(
            cache_dir, self.base_url, offline=offline, refresh=refresh, max_age=max_age
        )
        retry_cls = _make_retry_class(self.limiter, self.counters, self)
        retry = retry_cls(
            total=max_retries,
            connect=min(2, max_retries),  # a refused connection is mostly a wrong --api-url: say so soon
            read=max_retries,
            status=max_retries,
            other=max_retries,
            redirect=0,  # redirects are judged in request(): same origin only
            allowed_methods=None,  # POST /paper/batch is idempotent: retry it too
            status_forcelist=RETRY_STATUSES,
            # back-off: self.policy (PacedRetry.get_backoff_time), the same for graphkit's own retries
            respect_retry_after_header=True,
            raise_on_status=False,
            raise_on_redirect=False,
        )
        self.session = _own_session(session)  # the caller's session, if any, is copied, never changed
        adapter = _PacedAdapter(self.limiter, self.counters, max_retries=retry, pool_maxsize=4)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._auth = auth
        self._headers = {"x-api-key": self._key} if self._key else {}

    def __repr__(self) -> str:  # never the key
        return f"S2Client(base_url={self.base_url!r}, key={'set' if self._key else 'none'}, rps={self.rps})"

    # -- the response cache (graphkit.cache), as the fetch plan and the pipeline use it ---------------------------
    @property
    def cache(self):
        """The diskcache store itself (tests read and damage entries through it)."""
        return self.responses.store

    @cache.setter
    def cache(self, store) -> None:
        self.responses.store = store

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
        retried like a 5xx and never cached; an undated cached one (from a graphkit that did not check) that fails
        it is dropped and fetched again, a dated one passed it before it was cached.
        """
        ckey = self.responses.key(method, path, params, body)
        if not self.refresh:
            hit = self.responses.get(ckey, check, ageless=ageless)
            if hit is NOT_FOUND and not ok404:
                hit = MISS  # a 404 cached for a call that accepts it does not answer one that does not
            if hit is not MISS:
                self.counters.add("cache_hits")
                logging.getLogger("graphkit.s2").debug(
                    "cache hit: %s %s%s?%s", method, self.base_url, path, urlencode(sorted(params.items()))
                )
                return None if hit is NOT_FOUND else hit
        if self.offline:
            raise OfflineMiss(
                f"not in the cache for {self.base_url}: {method} {path}?{urlencode(sorted(params.items()))}; "
                "run once without --offline to fetch it (or give the --api-url it was fetched from)"
            )
        url = self.base_url + path
        shown = f"{url}?{urlencode(sorted(params.items()))}"
        budget = _Budget(self.policy.attempts)
        problem = ""
        while True:
            try:
                logging.getLogger("graphkit.s2").debug(
                    "%s %s", method, shown
                )  # the key is in a header, never here
                resp, raw, expired = self._send(method, url, params, body, shown, budget)
                text = raw.decode("utf-8")
            except requests.exceptions.ConnectionError as e:
                if getattr(e, "graphkit_expired", False):
                    raise self._too_slow(shown) from None
                raise S2Unavailable(
                    f"cannot reach {shown}: {_why(e)}; check --api-url and your network, "
                    "then rerun (fetched pages are cached)",
                    url=shown,
                ) from None
            except requests.exceptions.Timeout:
                raise S2Unavailable(
                    f"{shown} timed out after every retry; rerun to resume from the cache", url=shown
                ) from None
            except (requests.exceptions.RequestException, UnicodeDecodeError) as e:
                expired = getattr(e, "graphkit_expired", False)
                if budget.left > 0:
                    self._pause(budget)
                    continue
                if expired:
                    raise self._too_slow(shown) from None
                raise S2Unavailable(
                    f"{shown} sent a broken response ({type(e).__name__}) after every retry; "
                    "rerun to resume from the cache",
                    url=shown,
                ) from None
            status = resp.status_code
            if expired:  # cut off mid-answer: whatever arrived is not the answer
                if budget.left > 0:
                    self._pause(budget)
                    continue
                raise self._too_slow(shown)
            if status == 200:
                try:
                    data = orjson.loads(text)
                except ValueError:
                    if budget.left > 0:  # a truncated body: ask again
                        self._pause(budget)
                        continue
                    raise S2Unavailable(
                        f"{shown} kept sending bodies that are not valid JSON; "
                        "rerun to resume from the cache",
                        url=shown,
                        status=200,
                    ) from None
                problem = check(data) if check is not None else None
                if problem:  # the wrong shape: retried like a 5xx, never cached
                    if budget.left > 0:
                        self._pause(budget)
                        continue
                    raise S2Unavailable(
                        f"{shown} kept answering malformed JSON ({problem}); nothing of it was "
                        "cached — rerun later, or check --api-url",
                        url=shown,
                        status=200,
                    )
                self.responses.put(ckey, text)  # cached the moment it arrives
                self.limiter.recovered()
                return data
            if status == 404 and ok404:  # a negative answer is an answer: cached like any other
                self.responses.put(ckey, text, status=404)
                return None
            raise _error_for(status, text, shown, self._key is not None)

    def _send(self, method: str, url: str, params: dict, body: dict | None, shown: str, budget: _Budget):
        """One attempt (urllib3's retries inside), following same-origin redirects only; the body read streamed,
        within the deadline and the size limit. Returns (response, body bytes, whether the deadline cut it)."""
        watches: list[_Watch] = []
        _local.deadline, _local.watches, _local.budget, _local.shown = self.deadline, watches, budget, shown
        budget.left -= 1  # this attempt (urllib3's retries inside it count themselves)
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                try:
                    resp = self.session.request(
                        method,
                        url,
                        params=params,
                        json=body,
                        timeout=self.timeout,
                        headers=self._headers,
                        auth=self._auth,
                        stream=True,
                        allow_redirects=False,
                    )
                    with resp:
                        if resp.is_redirect:
                            url = self._redirect_target(resp, url, shown)
                            params = None  # the Location carries its own query
                            continue
                        raw = self._read_body(resp, shown)
                except requests.exceptions.RequestException as e:
                    e.graphkit_expired = any(w.expired for w in watches)
                    raise
                return resp, raw, any(w.expired for w in watches)
            raise S2Unavailable(
                f"{shown} redirected more than {MAX_REDIRECTS} times; check --api-url", url=shown
            )
        finally:
            for w in watches:
                w.cancel()
            _local.deadline, _local.watches, _local.budget = None, None, None

    def _redirect_target(self, resp, url: str, shown: str) -> str:
        """Where a redirect points, if it stays on the API's origin as the HTTP library that will connect reads
        it (and as :func:`urllib.parse.urlsplit` does too); else a one-line error (the key stays home)."""
        target = urljoin(url, resp.headers.get("Location") or "")
        origin = redirect_origin(target)
        if origin != self.origin:
            where = _origin(target, shown=True) if origin is not None else "an ambiguous URL"
            raise S2Error(
                f"{shown} redirected ({resp.status_code}) to another origin, {where}; "
                f"graphkit follows redirects within {self.origin} only, so the key and the cache stay there "
                "— check --api-url",
                url=shown,
                status=resp.status_code,
            )
        return target

    def _read_body(self, resp, shown: str) -> bytes:
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_big(shown, int(declared))
        buf = bytearray()
        for chunk in resp.iter_content(65536):
            buf += chunk
            if len(buf) > self.max_bytes:
                raise self._too_big(shown, None)
        return bytes(buf)

    def _too_big(self, shown: str, size: int | None) -> S2Error:
        said = f"{size:,} bytes" if size is not None else "more than that"
        return S2Error(
            f"{shown} answered {said}, over the {self.max_bytes:,}-byte limit for one response; nothing "
            "was cached — check --api-url, or raise S2_MAX_BYTES",
            url=shown,
            status=200,
        )

    def _too_slow(self, shown: str) -> S2Unavailable:
        return S2Unavailable(
            f"{shown} did not finish answering within the {self.deadline:g} s deadline, on every "
            "try; rerun later to resume from the cache (or raise S2_DEADLINE)",
            url=shown,
        )

    def _pause(self, budget: _Budget) -> None:
        """Wait before graphkit's own retry of a request, by the one policy."""
        self.counters.add("retries")
        time.sleep(self.policy.delay(budget.made))

    # -- endpoints -----------------------------------------------------------------------------------------
    def batch(self, ids: list[str], fields: str = PAPER_FIELDS, *, on_refused=None) -> list[dict | None]:
        """``POST /paper/batch`` in calls of at most 500 ids; ``None`` where S2 does not know an id.

        Ids go in the JSON body, so they need no escaping. A call S2 refuses (400) is split in halves until the
        id it refuses is found: that id becomes ``None`` and ``on_refused(id, message)`` is told, the rest resolve.
        """
        out: list[dict | None] = []
        for i in range(0, len(ids), BATCH_MAX):
            out.extend(self._batch_chunk([str(x) for x in ids[i : i + BATCH_MAX]], fields, on_refused))
        return out

    def _batch_chunk(self, chunk: list[str], fields: str, on_refused) -> list[dict | None]:
        try:
            got = self.request(
                "POST",
                "/paper/batch",
                {"fields": fields},
                {"ids": chunk},
                check=lambda d: check_answer("batch", d, n=len(chunk)),
            )
        except BadRequest as e:
            if "fields" in str(e).lower() and "unrecognized" in str(e).lower():
                raise  # our own mistake, not an id's
            if len(chunk) == 1:
                if on_refused is not None:
                    on_refused(chunk[0], str(e))
                return [None]
            half = len(chunk) // 2
            return self._batch_chunk(chunk[:half], fields, on_refused) + self._batch_chunk(
                chunk[half:], fields, on_refused
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
        out: list[dict | None] = []
        for i in range(0, len(ids), BATCH_MAX):
            out.extend(
                self._lists_chunk(
                    [str(x) for x in ids[i : i + BATCH_MAX]], kinds, fields, nested, on_refused, ageless
                )
            )
        return out

    def _lists_chunk(
        self, chunk: list[str], kinds, fields: str, nested: str, on_refused, ageless: bool = False
    ) -> list[dict | None]:
        try:
            got = self.request(
                "POST",
                "/paper/batch",
                {"fields": f"{fields},{nested}"},
                {"ids": chunk},
                check=lambda d: check_answer("batch", d, n=len(chunk)),
                ageless=ageless,
            )
        except BadRequest as e:
            text = str(e).lower()
            if "unrecognized" in text and "fields" in text:
                raise  # our own mistake, not an id's
            too_big = "maximum size" in text
            if len(chunk) == 1:
                if too_big:  # one paper's lists alone pass 10 MB: its metadata now, its lists page by page
                    papers = self._batch_chunk(chunk, fields, on_refused)
                    return [None if p is None else {**p, **{k: None for k in kinds}} for p in papers]
                if on_refused is not None:
                    on_refused(chunk[0], str(e))
                return [None]
            half = len(chunk) // 2
            return self._lists_chunk(
                chunk[:half], kinds, fields, nested, on_refused, ageless
            ) + self._lists_chunk(chunk[half:], kinds, fields, nested, on_refused, ageless)
        return [p if isinstance(p, dict) and p.get("paperId") else None for p in got]

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
        self.session.close()
        self.responses.close()

    def __enter__(self) -> S2Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _own_session(given: requests.Session | None) -> requests.Session:
    """A session for the client alone: a caller's session lends its headers, proxies, TLS settings, auth and
    cookies, and is left as it was (its adapters and headers untouched)."""
    own = requests.Session()
    if given is not None:
        own.headers.update(given.headers)
        own.proxies.update(given.proxies)
        own.verify, own.cert, own.trust_env, own.auth = given.verify, given.cert, given.trust_env, given.auth
        own.cookies.update(given.cookies)
    own.headers["User-Agent"] = "graphkit (+citation-graph explorer)"
    return own


def _why(e: Exception) -> str:
    text = str(e)
    for marker in (
        "Connection refused",
        "Name or service not known",
        "No route to host",
        "timed out",
        "Connection reset",
        "Max retries exceeded",
        "RemoteDisconnected",
    ):
        if marker in text:
            return marker.lower()
    return type(e).__name__


def _check_base_url(url: str) -> tuple[str, tuple[str, str] | None]:
    """The base URL without user:password, and those credentials (for basic auth) apart.

    >>> _check_base_url("http://me:secret@[::1]:8080/graph/v1/")
    ('http://[::1]:8080/graph/v1', ('me', 'secret'))
    >>> _check_base_url("http://[::1")
    Traceback (most recent call last):
    graphkit.errors.GraphkitError: --api-url 'http://[::1' is not a valid URL (Invalid IPv6 URL); use e.g. https://api.semanticscholar.org/graph/v1
    """
    try:
        parts = urlsplit(str(url).strip())
        host, port = parts.hostname, parts.port
    except ValueError as e:
        raise GraphkitError(
            f"--api-url {_redact(url)!r} is not a valid URL ({e}); use e.g. {DEFAULT_API_URL}"
        ) from None
    if parts.scheme not in ("http", "https") or not host:
        raise GraphkitError(f"--api-url {_redact(url)!r} is not an http(s) URL; use e.g. {DEFAULT_API_URL}")
    auth = (
        (unquote(parts.username or ""), unquote(parts.password or "")) if parts.username is not None else None
    )
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    clean = parts._replace(netloc=netloc, query="", fragment="").geturl().rstrip("/")
    return clean, auth


def _redact(url) -> str:
    """A URL as it may be shown: any user:password replaced.

    >>> _redact("https://me:secret@example.org/x"), _redact("http://me:se/cr@t@example.org/x")
    ('https://***@example.org/x', 'http://***@example.org/x')
    """
    return re.sub(r"(?<=://)[^\s]*@", "***@", str(url))


def _origin(url: str, *, shown: bool = False) -> str:
    """scheme://host:port of a URL, with the default port made explicit (``shown``: as printable, no user).

    >>> _origin("https://api.semanticscholar.org/graph/v1"), _origin("http://u:p@127.0.0.1:80/x")
    ('https://api.semanticscholar.org:443', 'http://127.0.0.1:80')
    """
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return "?" if shown else "invalid:" + url
    port = port or {"http": 80, "https": 443}.get(parts.scheme, 0)
    return f"{parts.scheme}://{host}:{port}"


_AMBIGUOUS = re.compile(r"[\\\s\x00-\x1f\x7f%]|[^\x00-\x7f]")


def redirect_origin(url: str) -> str | None:
    """The origin a request to ``url`` would reach, or None when that is not certain: a backslash, white space,
    a control character, a percent sign or a non-ASCII character in the authority, user info (``user@``), or
    urllib3 (which connects) and ``urlsplit`` reading different hosts.

    >>> redirect_origin("http://127.0.0.1:8080/graph/v1/paper/batch")
    'http://127.0.0.1:8080'
    >>> bs = chr(92)
    >>> [redirect_origin(u) for u in (f"http://evil:1{bs}@127.0.0.1:8080/", "http://u@127.0.0.1:8080/",
    ...  "http://127.0.0.%31:8080/", "http://ｅxample.com/", "http://127.0.0.1:8080\t/", "ftp://127.0.0.1/")]
    [None, None, None, None, None, None]
    """
    from urllib3.util import parse_url

    try:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
            return None
        if _AMBIGUOUS.search(parts.netloc) or "\\" in url:
            return None
        connected = parse_url(requests.Request("GET", url).prepare().url)
    except ValueError:  # urllib3's and requests' parse errors are ValueErrors: not certain
        return None
    ours = _origin(url)
    port = connected.port or {"http": 80, "https": 443}.get(connected.scheme or "", 0)
    return ours if ours == f"{connected.scheme}://{(connected.host or '').lower()}:{port}" else None


def _limit(env: str, given, default, kind):
    """A bound from the caller, else the environment variable ``env``, else ``default``; must be a number > 0."""
    if given is not None:
        value, shown = given, f"{env.lower()}={given!r}"
    else:
        raw = os.environ.get(env)
        if raw is None or not raw.strip():
            return default
        shown = f"{env}={raw!r}"
        try:
            value = kind(raw.strip())
        except ValueError:
            value = -1
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise GraphkitError(f"{shown} is not a number > 0; fix or unset it")
    return value


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


def _ok_pid(v) -> bool:
    return v is None or (type(v) is str and len(v) == 40 and _HEX40.fullmatch(v) is not None)


def _ok_count(v) -> bool:
    return v is None or (type(v) is int and v >= 0)


def _ok_year(v) -> bool:
    return v is None or type(v) is int


def _ok_text(v) -> bool:
    return v is None or type(v) is str


def _ok_authors(v) -> bool:
    return v is None or (type(v) is list and all(type(a) is dict and _ok_text(a.get("name")) for a in v))


def _ok_ids(v) -> bool:
    return v is None or (type(v) is dict and all(x is None or type(x) in (str, int) for x in v.values()))


_PAPER_CHECKS = {
    "paperId": (_ok_pid, "not 40 hex digits"),
    "citationCount": (_ok_count, "not a count"),
    "referenceCount": (_ok_count, "not a count"),
    "influentialCitationCount": (_ok_count, "not a count"),
    "year": (_ok_year, "not a year"),
    "title": (_ok_text, "not text"),
    "venue": (_ok_text, "not text"),
    "publicationDate": (_ok_text, "not text"),
    "url": (_ok_text, "not text"),
    "authors": (_ok_authors, "not a list of authors"),
    "externalIds": (_ok_ids, "not a map of ids"),
}


_TEXT_FIELDS = frozenset(k for k, (check, _) in _PAPER_CHECKS.items() if check is _ok_text)


def _bad_paper(p, where: str, *, need_id: bool) -> str | None:
    """What is wrong with one paper dict, as ``where.field``; None when graphkit can read it (checks only the
    fields present, by a table: this runs on every cached page read)."""
    if type(p) is not dict:
        return f"{where} is {_show(p)}, not an object"
    if need_id and p.get("paperId") is None:
        return f"{where}.paperId is missing"
    for k, v in p.items():
        if v is None or (
            type(v) is str and k in _TEXT_FIELDS
        ):  # every field may be null; text is the common case
            continue
        check = _PAPER_CHECKS.get(k)
        if check is not None and not check[0](v):
            return f"{where}.{k} is {_show(v)}, {check[1]}"
    return None


def check_answer(kind: str, data, *, n: int | None = None) -> str | None:
    """What is wrong with S2's answer for ``kind`` (``batch``, ``paper``, ``match``, ``references``,
    ``citations``), in the fields graphkit reads; None when nothing is. Fields graphkit does not read may be anything.

    >>> check_answer("batch", [None, {"paperId": "0" * 40, "year": 2019, "citationCount": 3}], n=2) is None
    True
    >>> check_answer("batch", [{"paperId": ["x"]}], n=1)
    "[0].paperId is list ['x'], not 40 hex digits"
    >>> check_answer("batch", [{"paperId": "0" * 40, "citations": [{"paperId": "0" * 40, "year": "x"}]}], n=1)
    "[0].citations[0].year is str 'x', not a year"
    >>> check_answer("references", {"data": [{"citedPaper": {"paperId": None, "year": "2019a"}}]})
    "data[0].citedPaper.year is str '2019a', not a year"
    >>> check_answer("citations", {"data": [{"citingPaper": {"paperId": "0" * 40}, "intents": 3}]})
    'data[0].intents is int 3, not a list'
    >>> check_answer("match", {"data": "nope"}), check_answer("references", {"next": 1000})
    ("data is str 'nope', not a list", 'data is NoneType None, not a list')
    >>> check_answer("batch", [{"paperId": None, "title": "x"}], n=1)
    '[0].paperId is missing'
    """
    if kind == "batch":
        if not isinstance(data, list):
            return f"the answer is {_show(data)}, not a list"
        if n is not None and len(data) != n:
            return f"the answer has {len(data)} entries for {n} ids"
        for i, p in enumerate(data):
            bad = (
                None if p is None else _bad_paper(p, f"[{i}]", need_id=True)
            )  # {"paperId": null} is no "unknown"
            if bad:
                return bad
            for kind in ("references", "citations"):  # nested lists (batch_lists): paper objects
                items = p.get(kind) if isinstance(p, dict) else None
                if items is None:
                    continue
                if type(items) is not list:
                    return f"[{i}].{kind} is {_show(items)}, not a list"
                for j, q in enumerate(items):
                    bad = _bad_paper(q, f"[{i}].{kind}[{j}]", need_id=False)
                    if bad:
                        return bad
        return None
    if not isinstance(data, dict):
        return f"the answer is {_show(data)}, not an object"
    if kind == "paper":
        return _bad_paper(data, "paper", need_id=True)
    items = data.get("data")
    if not isinstance(items, list):  # a page without its data is malformed, not empty
        return f"data is {_show(items)}, not a list"
    if kind == "match":
        for i, p in enumerate(items or []):
            bad = _bad_paper(p, f"data[{i}]", need_id=True)
            if bad:
                return bad
        return None
    nxt = data.get("next")
    if nxt is not None and not (type(nxt) is int and nxt >= 0):
        return f"next is {_show(nxt)}, not an offset"
    side = "citedPaper" if kind == "references" else "citingPaper"
    for i, item in enumerate(items or []):
        if type(item) is not dict:
            return f"data[{i}] is {_show(item)}, not an object"
        other = item.get(side)
        if type(other) is not dict:
            return f"data[{i}].{side} is {_show(other)}, not an object"
        bad = _bad_paper(other, "", need_id=False)
        if bad:
            return f"data[{i}].{side}{bad}"
        for f in ("intents", "contexts"):
            v = item.get(f)
            if v is not None and not (type(v) is list and all(type(x) is str for x in v)):
                return f"data[{i}].{f} is {_show(v)}, not a list"
        v = item.get("isInfluential")
        if v is not None and type(v) is not bool:
            return f"data[{i}].isInfluential is {_show(v)}, not true/false"
    return None


def _show(value) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:40] + '…' if len(text) > 40 else text}"


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


# ----------------------------------------------------------------------------------------------------------------
# A reading list given as a URL: one plain GET, bounded (no key, no cache: it is not S2's)
SOURCE_DEADLINE = 30.0  # seconds for the whole download, redirects included


def fetch_source(url: str, max_bytes: int, *, deadline: float = SOURCE_DEADLINE) -> bytes:
    """The bytes of a reading list at an http(s) URL (a GitHub ``blob`` page is read as its raw file): redirects
    followed to http(s) only (at most :data:`MAX_REDIRECTS`), at most ``max_bytes`` read, all within
    ``deadline`` seconds. The S2 key is never sent.

    Raises
    ------
    SeedError
        The URL is unreachable, answers an error status, is larger than ``max_bytes`` or too slow.
    """
    shown = _redact(url)
    target = github_raw(url)
    end = time.monotonic() + deadline
    with requests.Session() as session:
        session.headers["User-Agent"] = "graphkit (+citation-graph explorer)"
        for _hop in range(MAX_REDIRECTS + 1):
            if urlsplit(target).scheme not in ("http", "https"):
                raise SeedError(
                    f"{shown} redirects to a non-http(s) URL; download the file and give its path"
                )
            try:
                left = end - time.monotonic()
                if left <= 0:
                    raise requests.Timeout("deadline")
                resp = session.get(
                    target, stream=True, allow_redirects=False, timeout=(min(left, 10), min(left, 10))
                )
                try:
                    if resp.is_redirect:
                        target = urljoin(target, resp.headers.get("location", ""))
                        continue
                    if resp.status_code != 200:
                        raise SeedError(
                            f"{shown} answered HTTP {resp.status_code}; check the URL, or download the file and give its path"
                        )
                    size = resp.headers.get("content-length", "")
                    if size.isdigit() and int(size) > max_bytes:
                        raise source_too_big(shown, int(size), max_bytes)
                    data = bytearray()
                    for chunk in resp.iter_content(65536):
                        data += chunk
                        if len(data) > max_bytes:
                            raise source_too_big(shown, len(data), max_bytes, at_least=True)
                        if time.monotonic() > end:
                            raise requests.Timeout("deadline")
                    return bytes(data)
                finally:
                    resp.close()
            except requests.RequestException as e:
                why = f"it took longer than {deadline:.0f} s" if isinstance(e, requests.Timeout) else _why(e)
                raise SeedError(
                    f"cannot read {shown} ({why}); check the URL and your connection, or download the file and give "
                    f"its path"
                ) from None
    raise SeedError(f"{shown} redirects more than {MAX_REDIRECTS} times; download the file and give its path")


_BLOB = re.compile(r"^https?://(?:www\.)?github\.com/(?P<repo>[^/]+/[^/]+)/blob/(?P<rest>.+)$")


def github_raw(url: str) -> str:
    """A GitHub ``blob`` page's raw file; any other URL as it is.

    >>> github_raw("https://github.com/a/b/blob/main/README.md?plain=1")
    'https://raw.githubusercontent.com/a/b/main/README.md'
    """
    m = _BLOB.match(url.split("?")[0].split("#")[0])
    return f"https://raw.githubusercontent.com/{m.group('repo')}/{m.group('rest')}" if m else url
