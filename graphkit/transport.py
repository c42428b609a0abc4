"""The HTTP transport under the S2 client: pacing, one retry loop with one back-off policy, deadlines, size limits
and same-origin redirects. It knows nothing of S2's endpoints or answers: the client hands it a request and an
``accept`` function that turns a status and a body into an answer (or asks, by raising :class:`Retry`, for another
attempt). Tests can hand the client another transport (anything with :meth:`Transport.call`).

* **pacing**: one :class:`Limiter` spaces every attempt (first tries and retries alike) at send time, with a margin,
  and slows down on each 429;
* **one retry loop** (:meth:`Transport.call`; urllib3's own retries are off): 429/5xx, dropped connections,
  time-outs, bodies cut short and answers ``accept`` refuses are retried by one :class:`Backoff` policy, within one
  budget of attempts; ``Retry-After`` is honoured up to :data:`RETRY_AFTER_MAX`;
* **a deadline per attempt** (``S2_DEADLINE``, default 60 s) covering the headers *and* the body: a server that
  trickles is cut off (a watchdog shuts the socket), and a request cut twice is given up;
* **a size limit per response** (``S2_MAX_BYTES``, default 64 MB, read streamed);
* **no redirect off the API's origin** (scheme, host and port): same-origin redirects are followed, any other is an
  error, so ``x-api-key`` (and any user:password of the base URL) never leaves that origin.
"""

from __future__ import annotations

import heapq
import logging
import re
import socket
import threading
import time
from urllib.parse import unquote, urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.retry import Retry as _Urllib3Retry

from .errors import GraphkitError, S2Error, S2Unavailable, SeedError, source_too_big
from .pacing import Backoff, Budget, Counters, Limiter
from .settings import setting

RETRY_STATUSES = (429, 500, 502, 503, 504)
RETRY_AFTER_MAX = (
    30.0  # seconds: a longer Retry-After (99999, a date in 2099) is waited out for this long only
)
DEADLINE = 60.0  # seconds per attempt, headers and body together (S2_DEADLINE)
MAX_BYTES = 64 * 2**20  # per response, read streamed (S2_MAX_BYTES); S2's own answers stay under 10 MB
MAX_REDIRECTS = 5  # same-origin hops followed per request
USER_AGENT = "graphkit (+citation-graph explorer)"
MAX_CUT = 2  # attempts of one request the deadline may cut before it is given up


class Retry(Exception):
    """Raised by an ``accept`` function: this answer is not one (a body cut short, not JSON, the wrong shape) —
    ask again, and if no attempt is left, raise ``final``."""

    def __init__(self, final: Exception) -> None:
        super().__init__(str(final))
        self.final = final


_local = threading.local()  # the calling thread's deadline (seconds) and the watches armed for its attempt


class _Watch:
    """Cuts a connection's socket when an attempt outlives its deadline: a blocked ``recv`` then returns at once.

    A read time-out is per ``recv``, so a server sending a byte a second never trips it; this does, for the
    status line, the headers and the body alike. One watchdog thread serves every watch (arming one costs a heap
    push, not a thread).
    """

    __slots__ = ("sock", "due", "expired", "cancelled", "budget")

    def __init__(self, sock, seconds: float, budget: Budget | None = None):
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
        if seconds and watches is not None:
            for w in watches:
                w.cancel()  # one attempt at a time: the previous one is over
            if self.sock is None:
                self.connect()
            watches.append(_Watch(self.sock, seconds, getattr(_local, "budget", None)))
        return super().request(*args, **kw)


class _WatchedHTTPConnection(_DeadlineMixin, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_DeadlineMixin, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class _WatchedAdapter(HTTPAdapter):
    """requests' adapter with watched connections (direct or through an HTTP(S)_PROXY) and urllib3's retries off:
    the transport's loop is the one that retries."""

    def __init__(self, **kw):
        off = _Urllib3Retry(
            total=0,
            connect=0,
            read=0,
            redirect=0,
            status=0,
            other=0,
            raise_on_status=False,
            raise_on_redirect=False,
        )
        super().__init__(max_retries=off, **kw)

    def init_poolmanager(self, *args, **kw):
        super().init_poolmanager(*args, **kw)
        self.poolmanager.pool_classes_by_scheme = dict(_WATCHED_POOLS)

    def proxy_manager_for(self, proxy, **kw):
        manager = super().proxy_manager_for(proxy, **kw)
        if hasattr(manager, "pool_classes_by_scheme"):
            manager.pool_classes_by_scheme = dict(_WATCHED_POOLS)
        return manager


def read_capped(resp, max_bytes: int, too_big, *, end: float | None = None) -> bytes:
    """A streamed body, read 64 KB at a time: ``too_big(size, past)`` is raised when its declared size passes
    ``max_bytes`` (``past`` False) or the bytes read do (``past`` True); ``requests.Timeout`` once the monotonic
    clock passes ``end``."""
    declared = resp.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_big(int(declared), False)
    buf = bytearray()
    for chunk in resp.iter_content(65536):
        buf += chunk
        if len(buf) > max_bytes:
            raise too_big(len(buf), True)
        if end is not None and time.monotonic() > end:
            raise requests.Timeout("deadline")
    return bytes(buf)


class Transport:
    """Sends one request at a time to one origin, paced, retried by one policy, within the bounds above.

    Parameters
    ----------
    base_url : the API root (its origin is the only one requests and redirects may reach); a ``user:password`` in
        it is sent as HTTP basic auth and kept out of messages. ``example_url`` is what an error suggests instead.
    headers : sent with every request (the client's ``x-api-key``).
    rps : requests per second (0: no pacing).
    """

    def __init__(
        self,
        base_url: str,
        *,
        headers: dict | None = None,
        rps: float = 0.0,
        timeout: tuple[float, float] = (10.0, 60.0),
        max_retries: int = 6,
        backoff: float = 1.0,
        backoff_max: float = 60.0,
        session: requests.Session | None = None,
        deadline: float | None = None,
        max_bytes: int | None = None,
        retry_after_max: float = RETRY_AFTER_MAX,
        counters: Counters | None = None,
        example_url: str = "",
    ) -> None:
        self.base_url, self._auth = check_base_url(base_url, example_url)
        self.origin = origin(self.base_url)
        self.headers = dict(headers or {})
        self.deadline = setting("S2_DEADLINE", deadline, default=DEADLINE, above_zero=True)
        self.max_bytes = int(setting("S2_MAX_BYTES", max_bytes, kind=int, default=MAX_BYTES, above_zero=True))
        self.timeout = (min(timeout[0], self.deadline), min(timeout[1], self.deadline))
        self.retry_after_max = float(retry_after_max)
        self.policy = Backoff(backoff, backoff_max, max_retries)
        self.limiter = Limiter(rps)
        self.counters = counters if counters is not None else Counters()
        self.on_wait = None  # called (seconds, why) before a wait the server asked for: for progress lines
        self.session = _own_session(session)  # the caller's session, if any, is copied, never changed
        adapter = _WatchedAdapter(pool_maxsize=4)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def call(self, method: str, url: str, params: dict | None, body: dict | None, accept, *, shown: str):
        """Send ``method url`` until ``accept(status, body_bytes)`` returns an answer, which is returned.

        Retried, by one policy and within one budget: 429 and 5xx (a ``Retry-After`` honoured, a 429 slowing the
        pace), dropped connections and time-outs, a body the deadline cut, and answers ``accept`` refuses with
        :class:`Retry`. With no attempt left, the last status goes to ``accept`` (which names the error), or the
        failure is raised as one :class:`~graphkit.errors.S2Unavailable` line.
        """
        budget = Budget(self.policy.attempts)
        while True:
            # a server that trickles stays slow: no third attempt of a deadline's length
            if budget.cut >= MAX_CUT:
                raise S2Unavailable(
                    f"{shown} did not finish answering within the {self.deadline:g} s deadline, {MAX_CUT} times; "
                    "rerun later to resume from the cache (or raise S2_DEADLINE)",
                    url=shown,
                )
            self.limiter.wait()
            self.counters.add("requests")
            budget.left -= 1
            # the key is in a header, never here
            logging.getLogger("graphkit.s2").debug("%s %s", method, shown)
            try:
                status, headers, raw, expired = self._attempt(method, url, params, body, shown, budget)
            except requests.exceptions.RequestException as e:
                if self._may_retry(e, budget):
                    self._pause(budget)
                    continue
                raise self._failure(e, shown) from None
            self.counters.status(status)
            if expired:  # cut off mid-answer: whatever arrived is not the answer
                if budget.left > 0:
                    self._pause(budget)
                    continue
                raise self._too_slow(shown)
            if status in RETRY_STATUSES and budget.left > 0:
                if status == 429:
                    self.limiter.slow_down()
                after = self._retry_after(headers)
                if after:  # the limiter holds the wait the server asked for; no back-off on top of it
                    self.limiter.push_back(after)
                    if self.on_wait is not None:
                        self.on_wait(after, f"S2 asked to wait (Retry-After, {status})")
                    self.counters.add("retries")
                else:
                    self._pause(budget)
                continue
            try:
                answer = accept(status, raw)
            except Retry as r:
                if budget.left > 0:
                    self._pause(budget)
                    continue
                raise r.final from None
            if status == 200:
                self.limiter.recovered()
            return answer

    @staticmethod
    def _may_retry(e: requests.exceptions.RequestException, budget: Budget) -> bool:
        """Whether an attempt that failed with ``e`` may be made again: while attempts are left, and for a refused
        connection (mostly a wrong --api-url) only :data:`~graphkit.pacing.CONNECT_RETRIES` times."""
        refused = isinstance(e, requests.exceptions.ConnectionError) and not getattr(
            e, "graphkit_expired", False
        )
        refused = refused and "Connection refused" in str(e)
        if budget.left <= 0 or (refused and budget.connect_left <= 0):
            return False
        budget.connect_left -= refused
        return True

    def _failure(self, e: requests.exceptions.RequestException, shown: str) -> S2Error:
        """The one line for an attempt that failed with ``e`` and may not be made again."""
        if getattr(e, "graphkit_expired", False):
            return self._too_slow(shown)
        if isinstance(e, requests.exceptions.ConnectionError):  # a connect time-out too
            return S2Unavailable(
                f"cannot reach {shown}: {_why(e)}; check --api-url and your network, "
                "then rerun (fetched pages are cached)",
                url=shown,
            )
        if isinstance(e, requests.exceptions.Timeout):
            return self._too_slow(shown)
        return S2Unavailable(
            f"{shown} sent a broken response ({type(e).__name__}) after every retry; rerun to resume from the cache",
            url=shown,
        )

    def _attempt(self, method, url, params, body, shown: str, budget: Budget):
        """One attempt, following same-origin redirects only; the body read streamed, within the deadline and the
        size limit. Returns (status, headers, body bytes, whether the deadline cut it)."""
        watches: list[_Watch] = []
        _local.deadline, _local.watches, _local.budget = self.deadline, watches, budget
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                try:
                    resp = self.session.request(
                        method,
                        url,
                        params=params,
                        json=body,
                        timeout=self.timeout,
                        headers=self.headers,
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
                return resp.status_code, resp.headers, raw, any(w.expired for w in watches)
            raise S2Unavailable(
                f"{shown} redirected more than {MAX_REDIRECTS} times; check --api-url", url=shown
            )
        finally:
            for w in watches:
                w.cancel()
            _local.deadline, _local.watches, _local.budget = None, None, None

    def _retry_after(self, headers) -> float | None:
        """The wait a ``Retry-After`` asks for (seconds, at most :attr:`retry_after_max`); None if none or garbled."""
        value = headers.get("Retry-After") if headers is not None else None
        if not value:
            return None
        try:
            seconds = _Urllib3Retry().parse_retry_after(value)
        except Exception:  # "Retry-After: soon": back off as usual
            return None
        if seconds is None or seconds != seconds:
            return None
        return min(max(seconds, 0.0), self.retry_after_max)

    def _redirect_target(self, resp, url: str, shown: str) -> str:
        """Where a redirect points, if it stays on the API's origin as the HTTP library that will connect reads
        it (and as :func:`urllib.parse.urlsplit` does too); else a one-line error (the key stays home)."""
        target = urljoin(url, resp.headers.get("Location") or "")
        where = redirect_origin(target)
        if where != self.origin:
            named = origin(target, shown=True) if where is not None else "an ambiguous URL"
            raise S2Error(
                f"{shown} redirected ({resp.status_code}) to another origin, {named}; "
                f"graphkit follows redirects within {self.origin} only, so the key and the cache stay there "
                "— check --api-url",
                url=shown,
                status=resp.status_code,
            )
        return target

    def _read_body(self, resp, shown: str) -> bytes:
        return read_capped(resp, self.max_bytes, lambda n, past: self._too_big(shown, None if past else n))

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

    def _pause(self, budget: Budget) -> None:
        """Wait before a retry, by the one policy."""
        self.counters.add("retries")
        time.sleep(self.policy.delay(budget.made))

    def close(self) -> None:
        self.session.close()


def _own_session(given: requests.Session | None) -> requests.Session:
    """A session for the client alone: a caller's session lends its headers, proxies, TLS settings, auth and
    cookies, and is left as it was (its adapters and headers untouched)."""
    own = requests.Session()
    if given is not None:
        own.headers.update(given.headers)
        own.proxies.update(given.proxies)
        own.verify, own.cert, own.trust_env, own.auth = given.verify, given.cert, given.trust_env, given.auth
        own.cookies.update(given.cookies)
    own.headers["User-Agent"] = USER_AGENT
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


def check_base_url(url: str, example: str = "") -> tuple[str, tuple[str, str] | None]:
    """The base URL without user:password, and those credentials (for basic auth) apart.

    >>> check_base_url("http://me:secret@[::1]:8080/graph/v1/")
    ('http://[::1]:8080/graph/v1', ('me', 'secret'))
    >>> check_base_url("http://[::1", "https://api.example.org/v1")
    Traceback (most recent call last):
    graphkit.errors.GraphkitError: --api-url 'http://[::1' is not a valid URL (Invalid IPv6 URL); use e.g. https://api.example.org/v1
    """
    try:
        parts = urlsplit(str(url).strip())
        host, port = parts.hostname, parts.port
    except ValueError as e:
        raise GraphkitError(f"--api-url {redact(url)!r} is not a valid URL ({e}){_eg(example)}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise GraphkitError(f"--api-url {redact(url)!r} is not an http(s) URL{_eg(example)}")
    auth = (
        (unquote(parts.username or ""), unquote(parts.password or "")) if parts.username is not None else None
    )
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    clean = parts._replace(netloc=netloc, query="", fragment="").geturl().rstrip("/")
    return clean, auth


def _eg(example: str) -> str:
    return f"; use e.g. {example}" if example else "; give an http(s) URL"


def redact(url) -> str:
    """A URL as it may be shown: any user:password replaced.

    >>> redact("https://me:secret@example.org/x"), redact("http://me:se/cr@t@example.org/x")
    ('https://***@example.org/x', 'http://***@example.org/x')
    """
    return re.sub(r"(?<=://)[^\s]*@", "***@", str(url))


def origin(url: str, *, shown: bool = False) -> str:
    """scheme://host:port of a URL, with the default port made explicit (``shown``: as printable, no user).

    >>> origin("https://api.example.org/graph/v1"), origin("http://u:p@127.0.0.1:80/x")
    ('https://api.example.org:443', 'http://127.0.0.1:80')
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
    ours = origin(url)
    port = connected.port or {"http": 80, "https": 443}.get(connected.scheme or "", 0)
    return ours if ours == f"{connected.scheme}://{(connected.host or '').lower()}:{port}" else None


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
    shown = redact(url)
    target = github_raw(url)
    end = time.monotonic() + deadline
    with requests.Session() as session:
        session.headers["User-Agent"] = USER_AGENT
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
                    return read_capped(
                        resp,
                        max_bytes,
                        lambda n, past: source_too_big(shown, n, max_bytes, at_least=past),
                        end=end,
                    )
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
