"""The cyclic garbage collector paused while a stage builds many objects that hold no cycles to free."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def paused_gc():
    """The cyclic garbage collector off for a stage, then back as it was.

    A stage builds hundreds of thousands of small dicts and lists and frees none of them as cycles; each full
    collection walks every live object again, which cost a third of a warm rebuild of a 28,000-paper graph
    (benchmarks/rebuild.py) and a sixth of reading a 10 MB post (benchmarks/seeds.py). Reference counting still frees everything as usual.

    >>> import gc
    >>> with paused_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
