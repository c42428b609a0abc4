"""The response cache: one diskcache entry per S2 answer, dated, and the notes kept beside them. No HTTP.

An entry is keyed by base URL, method, path, sorted query and body (never the key) and holds the JSON text exactly as
received; its diskcache *tag* is the time it was fetched (unix seconds). A 404 where a 404 is an answer is cached as
the number 404. Everything goes through diskcache's public API (``get``/``set`` with ``tag``, ``incr``, ``delete``,
``iterkeys``). A damaged entry is dropped (and fetched again); a counter bumped with ``incr`` on every write (the
*generation*) tells up-to-date checks whether anything new was cached; ``max_age`` makes old entries stale; notes
(:meth:`ResponseCache.remember`) keep what saves requests next time. A cache directory that cannot be written is read,
with ``--offline``, from a temporary copy of its regular files (diskcache writes even to open a cache).
"""

from __future__ import annotations

import json
import math
import re
import shutil
import sqlite3
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import diskcache
import orjson

from .errors import CacheError, GraphkitError, OfflineMiss

GENERATION_KEY = "graphkit:generation"  # a counter bumped on every cache write (atomic across processes)
MISS = object()  # no usable entry
NOT_FOUND = object()  # a cached 404
_CORRUPT = object()


_LEGACY_TAG = (
    "#gk1 "  # how graphkit 0.1 dated an entry: "#gk1 <fetched> <status>\n<body>" in the value itself
)


def parse_entry(value, tag=None) -> tuple[float | None, int, str]:
    r"""(fetched, status, body) of a cached value and its tag: text is a 200 answer fetched at ``tag``, the number
    404 a cached 404; a value in graphkit 0.1's dated form, or the bare JSON an older one wrote (undated), still
    reads. Anything else has status 0 (damaged).

    >>> parse_entry('{"data": []}', 1764183600.5), parse_entry(404, 1764183600.0), parse_entry('{"data": []}')
    ((1764183600.5, 200, '{"data": []}'), (1764183600.0, 404, ''), (None, 200, '{"data": []}'))
    >>> parse_entry('#gk1 1764183600.000 404\nnull'), parse_entry("#gk1 garbage")[1], parse_entry(b"x")[1]
    ((1764183600.0, 404, 'null'), 0, 0)
    """
    fetched = float(tag) if type(tag) in (int, float) and math.isfinite(tag) else None
    if type(value) is int:
        return (fetched, 404, "") if value == 404 else (None, 0, "")
    if type(value) is not str:
        return None, 0, ""
    if not value.startswith(_LEGACY_TAG):
        return fetched, 200, value
    end = value.find("\n")
    try:
        when, status = value[len(_LEGACY_TAG) : end].split()
        return float(when), int(status), value[end + 1 :]
    except ValueError:
        return None, 0, ""  # a damaged header: neither an answer nor a 404


def _iso(t: float | None) -> str | None:
    """A fetch time as UTC ISO 8601, to the second.

    >>> _iso(1764183600.9), _iso(None)
    ('2025-11-26T19:00:00Z', None)
    """
    if t is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(t)))


class ResponseCache:
    """S2's answers on disk for one base URL: get and put dated entries, age, refresh marks and notes.

    Parameters
    ----------
    cache_dir : the diskcache directory (a read-only one is used read-only when ``offline``).
    base_url : the API root the answers came from (part of every key).
    offline : a damaged entry is named (it cannot be fetched again), nothing is written.
    refresh : notes are not recalled (everything is fetched again).
    max_age : seconds after which an entry is stale (None: never; 0: everything fetched before this refresh began).
    """

    def __init__(
        self,
        cache_dir: str | Path,
        base_url: str,
        *,
        offline: bool = False,
        refresh: bool = False,
        max_age: float | None = None,
    ) -> None:
        if max_age is not None and (
            not isinstance(max_age, (int, float)) or math.isnan(max_age) or max_age < 0
        ):
            raise GraphkitError(f"--max-age {max_age!r} is not a duration; give one such as 30d, 12h or 0")
        self.base_url = base_url
        self.offline = offline
        self.refresh = refresh
        self.max_age = max_age
        self._fresh_after: float | None = None  # set by begin_refresh: answers fetched before it are stale
        self._cache_dir = self.cache_dir = Path(cache_dir)
        self._span_lock = threading.Lock()
        self._span: tuple[float | None, float | None] = (None, None)
        self._undated = 0
        self._copy: Path | None = None
        self.store = _open_cache(self._cache_dir, offline)
        if isinstance(self.store, tuple):  # a read-only cache, opened from a temporary copy
            self.store, self._copy = self.store

    @property
    def generation(self) -> int:
        """How many responses were ever written to this cache: unchanged means nothing new was cached."""
        try:
            return int(self.store.get(GENERATION_KEY, 0))
        except (TypeError, ValueError):
            return -1  # a damaged counter: never "up to date"
        except sqlite3.DatabaseError as e:
            raise CacheError(_damaged(self._cache_dir, e)) from None

    def _bump_generation(self) -> None:
        """Tell up-to-date checks that the cache changed (atomic across processes)."""
        try:
            self.store.incr(GENERATION_KEY)
        except (TypeError, ValueError):
            self.store.set(GENERATION_KEY, 1)

    # -- when what was used was fetched ---------------------------------------------------------------------
    def _saw(self, fetched: float | None) -> None:
        with self._span_lock:
            if fetched is None:
                self._undated += 1
                return
            lo, hi = self._span
            self._span = (
                fetched if lo is None else min(lo, fetched),
                fetched if hi is None else max(hi, fetched),
            )

    def reset_fetched(self) -> None:
        """Start a new :meth:`fetched_span` (a build calls it before it fetches)."""
        with self._span_lock:
            self._span, self._undated = (None, None), 0

    def fetched_span(self) -> dict:
        """When the answers used since :meth:`reset_fetched` were fetched: ``{"oldest", "newest"}`` as UTC ISO
        times (None when none was dated) and ``undated`` (entries cached before entries carried a date)."""
        with self._span_lock:
            (lo, hi), undated = self._span, self._undated
        return {"oldest": _iso(lo), "newest": _iso(hi), "undated": undated}

    def key(self, method: str, path: str, params: dict, body: dict | None) -> str:
        query = urlencode(sorted((k, str(v)) for k, v in params.items()))
        key = f"{self.base_url} {method} {path}?{query}"
        if body is not None:
            key += " " + json.dumps(body, sort_keys=True, separators=(",", ":"))
        return key

    def put(self, ckey: str, text: str, *, status: int = 200) -> None:
        """Cache S2's answer ``text`` (status 200) or a 404 (``status=404``), tagged with the time it was fetched."""
        now = time.time()
        try:
            self.store.set(ckey, 404 if status == 404 else text, tag=now)
            self._saw(now)
            self._bump_generation()
        except sqlite3.DatabaseError as e:
            raise CacheError(_damaged(self._cache_dir, e)) from None
        except OSError as e:
            raise CacheError(
                f"cannot write to the cache in {self._cache_dir}: {e.strerror}; pass another "
                "--cache-dir (a read-only cache works with --offline)"
            ) from None

    def get(self, ckey: str, check=None, *, ageless: bool = False):
        """The cached answer for ``ckey`` (parsed), :data:`NOT_FOUND` for a cached 404, or :data:`MISS` (also for
        a stale one, unless ``ageless``); a corrupted entry is dropped. ``check(data)`` names what is wrong with an
        entry's shape: such an entry is dropped too. The entry's fetch time
        goes into :meth:`fetched_span`."""
        try:
            value, tag = self.store.get(ckey, default=MISS, tag=True)
        except Exception:  # an unreadable entry (garbage, truncated file)
            value, tag = _CORRUPT, None
        if value is MISS:
            return MISS
        fetched, status, body = parse_entry(value, tag)
        if status:
            if not ageless and self._stale(fetched) and not self.offline:
                return MISS  # asked again; the old answer stays until the new one replaces it
            if status == 404:
                self._saw(fetched)
                return NOT_FOUND
            try:
                data = orjson.loads(body) if status == 200 else _CORRUPT
            except ValueError:
                pass
            else:
                # every entry is checked as it is read (a cache may be someone else's, or damaged in place): one
                # graphkit cannot read is dropped and fetched again, before any output is replaced
                if data is not _CORRUPT and (check is None or not check(data)):
                    self._saw(fetched)
                    return data
        # corrupted: drop it so it is fetched again (or named, offline)
        try:
            self.store.delete(ckey)
        except Exception:
            pass
        if self.offline:
            raise OfflineMiss(
                f"the cached response for {ckey.split(' ', 1)[1][:200]} is corrupted and was "
                "dropped; run once without --offline to fetch it again"
            )
        return MISS

    # -- age and refresh --------------------------------------------------------------------------------------
    def _stale(self, fetched: float | None) -> bool:
        if self.max_age is None:
            return False
        if fetched is None:  # cached before entries were dated
            return True
        return fetched < (self._fresh_after if self._fresh_after is not None else time.time() - self.max_age)

    def begin_refresh(self) -> None:
        """Start a refresh under :attr:`max_age`: answers fetched before ``now - max_age`` are stale. The start is
        kept in the cache, so that a refresh interrupted and run again with the same ``max_age`` counts what it
        already fetched as fresh (it asks for nothing twice); :meth:`end_refresh` forgets it."""
        if self.max_age is None or self.offline:
            return
        key = f"refresh {self.base_url}"
        now = time.time()
        try:
            mark = json.loads(self.store.get(key, default="null") or "null")
        except (ValueError, TypeError):
            mark = None
        if (
            isinstance(mark, dict)
            and mark.get("max_age") == self.max_age
            and isinstance(mark.get("began"), (int, float))
        ):
            began = float(mark["began"])  # resume the interrupted refresh
        else:
            began = now
            self.store.set(key, json.dumps({"began": began, "max_age": self.max_age}))
        self._fresh_after = began - self.max_age

    def end_refresh(self) -> None:
        """The refresh finished: forget its start (see :meth:`begin_refresh`)."""
        if self.max_age is not None and not self.offline:
            try:
                self.store.delete(f"refresh {self.base_url}")
            except Exception:
                pass

    def recall(self, name: str):
        """A note graphkit kept with :meth:`remember` (``None`` if none, or with ``--refresh``)."""
        if self.refresh:
            return None
        try:
            value, tag = self.store.get(f"derived {self.base_url} {name}", default=None, tag=True)
            return None if value is None else json.loads(parse_entry(value, tag)[2])
        except Exception:  # a damaged note is no note
            return None

    def remember(self, name: str, value) -> None:
        """Keep a small note about S2's answers (the count a seed's citation list was read under, and where)."""
        if self.offline:
            return
        try:
            # a note about answers, not an answer: it changes no build's outputs (no new generation)
            self.store.set(
                f"derived {self.base_url} {name}", json.dumps(value, separators=(",", ":")), tag=time.time()
            )
        except (sqlite3.DatabaseError, OSError):
            pass  # only saves requests next time

    def close(self) -> None:
        self.store.close()
        if self._copy is not None:  # the temporary copy of a read-only cache
            shutil.rmtree(self._copy, ignore_errors=True)
            self._copy = None


_VALUE_FILE = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{28}\.val$")  # how diskcache names a value's file


class DataDisk(diskcache.Disk):
    """diskcache's :class:`~diskcache.Disk` for a cache that holds data only: text, bytes and numbers go in, and
    nothing read back is unpickled — a cache directory someone else prepared (a planted pickle) runs no code. An
    entry stored as a pickle reads as damaged (``ValueError``): it is dropped and fetched again.

    >>> import tempfile
    >>> c = diskcache.Cache(tempfile.mkdtemp(), disk=DataDisk)
    >>> c.set("k", "text"), c.get("k")
    (True, 'text')
    >>> c.set("k", {"a": 1})
    Traceback (most recent call last):
    TypeError: the cache holds text, bytes and numbers only, not dict
    """

    def put(self, key):
        if not isinstance(key, str):
            raise TypeError(f"cache keys are text, not {type(key).__name__}")
        return super().put(key)

    def get(self, key, raw):
        if not raw:
            raise ValueError("a pickled cache key: not read")
        return super().get(key, raw)

    def store(self, value, read, key=diskcache.core.UNKNOWN):
        if read or not isinstance(value, (str, bytes, int, float)) or isinstance(value, bool):
            raise TypeError(f"the cache holds text, bytes and numbers only, not {type(value).__name__}")
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            raise TypeError("the cache holds 64-bit integers only")
        return super().store(value, read, key=key)

    def fetch(self, mode, filename, value, read):
        if mode == diskcache.core.MODE_PICKLE:
            raise ValueError("a pickled cache entry: not read")
        if filename is not None and not _VALUE_FILE.match(str(filename)):
            raise ValueError("a cache entry naming a file outside the cache: not read")
        return super().fetch(mode, filename, value, read)

    def remove(self, file_path):
        """Delete an entry's file — only a file of diskcache's own naming inside the cache (a planted entry may
        name ``../../anything``)."""
        if _VALUE_FILE.match(str(file_path)):
            return super().remove(file_path)
        return None


def _damaged(cache_dir: Path, e: Exception) -> str:
    return (
        f"the cache in {cache_dir} is damaged ({e}); move {cache_dir / 'cache.db'} aside (or delete it) to start "
        "an empty cache there, or pass another --cache-dir"
    )


def _open_cache(cache_dir: Path, offline: bool):
    """The diskcache in ``cache_dir``; one that cannot be written is opened, when ``offline``, from a temporary
    copy: ``(cache, copy_dir)``."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        return _diskcache(cache_dir)
    except (OSError, sqlite3.OperationalError) as e:
        if offline and (cache_dir / "cache.db").is_file():
            copy = _copy_of(cache_dir)
            try:
                return _diskcache(copy), copy
            except sqlite3.DatabaseError as e2:
                shutil.rmtree(copy, ignore_errors=True)
                raise CacheError(_damaged(cache_dir, e2)) from None
        why = getattr(e, "strerror", None) or str(e)
        raise CacheError(
            f"cannot use cache directory {cache_dir}: {why}; pass --cache-dir DIR "
            "(a read-only cache works with --offline)"
        ) from None
    except sqlite3.DatabaseError as e:  # a file that is not a cache
        raise CacheError(_damaged(cache_dir, e)) from None


def _diskcache(directory: Path) -> diskcache.Cache:
    return diskcache.Cache(str(directory), size_limit=2**40, eviction_policy="none", disk=DataDisk)


def _copy_of(cache_dir: Path) -> Path:
    """A temporary copy of a cache directory's regular files (SQLite's and diskcache's value files, nothing a
    link points to), for diskcache to open where it may write."""
    copy = Path(tempfile.mkdtemp(prefix="graphkit-cache-"))
    try:
        for f in cache_dir.rglob("*"):
            rel = f.relative_to(cache_dir).as_posix()
            if f.is_symlink() or not f.is_file():
                continue
            if rel.startswith("cache.db") or _VALUE_FILE.match(rel):
                (copy / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(f, copy / rel, follow_symlinks=False)
    except OSError as e:
        shutil.rmtree(copy, ignore_errors=True)
        raise CacheError(
            f"cannot read the read-only cache in {cache_dir}: {e.strerror}; pass another --cache-dir"
        ) from None
    return copy
