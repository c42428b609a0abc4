"""How fast and how often: the pace of requests (:class:`Limiter`), the one back-off policy (:class:`Backoff`), one
request's budget of attempts (:class:`Budget`) and what was sent (:class:`Counters`). No I/O (a limiter sleeps).
"""

from __future__ import annotations

import math
import random
import threading
import time

from .errors import GraphkitError
from .settings import setting

CONNECT_RETRIES = 2  # a refused connection is mostly a wrong --api-url: say so soon


MAX_RPS = 1000.0  # requests per second, at most (0 turns pacing off)


def pace_problem(rps: float) -> str | None:
    """What is wrong with a pace (requests per second), or None: 0 (no pacing), or from 0.001 to :data:`MAX_RPS`.

    >>> pace_problem(0), pace_problem(2.5), pace_problem(1e-300)
    (None, None, 'is no pace; give requests per second from 0.001 to 1000 (0 turns pacing off)')
    """
    if rps == 0 or (isinstance(rps, (int, float)) and math.isfinite(rps) and 1e-3 <= rps <= MAX_RPS):
        return None
    return f"is no pace; give requests per second from 0.001 to {MAX_RPS:g} (0 turns pacing off)"


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
        problem = pace_problem(rps)
        if problem:
            raise GraphkitError(f"rps {rps!r} {problem}")
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
    graphkit.errors.GraphkitError: s2_backoff=nan is not a finite number ≥ 0; fix or unset it
    """

    def __init__(self, factor: float = 1.0, cap: float = 60.0, retries: int = 6, *, jitter: bool = True):
        setting("S2_BACKOFF", factor), setting("backoff_max", cap)
        if not isinstance(retries, int) or setting("S2_MAX_RETRIES", retries) is None:
            raise GraphkitError(f"s2_max_retries={retries!r} is not a whole number ≥ 0; fix or unset it")
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


class Budget:
    """The attempts one request has left, and how many the deadline cut."""

    def __init__(self, attempts: int) -> None:
        self.total = self.left = attempts
        self.cut = 0
        self.connect_left = CONNECT_RETRIES

    @property
    def made(self) -> int:
        return self.total - self.left


class Counters:
    """What was sent: attempts (retries included), retries, statuses; and the client's cache hits."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.cache_hits = 0
        self.statuses: dict[int, int] = {}
        self.retries = 0

    def add(self, name: str, n: int = 1) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + n)

    def status(self, code: int) -> None:
        with self.lock:
            self.statuses[code] = self.statuses.get(code, 0) + 1
