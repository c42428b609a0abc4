"""Number settings, checked in one place: given by the caller (an option, an argument), else read from the
environment, else a default; finite, and ≥ 0 (or > 0). A bad one is one line naming it and the fix. No I/O."""

from __future__ import annotations

import math
import os


def setting(name: str, given=None, *, kind=float, default=None, above_zero: bool = False):
    """``given`` if it is not None, else the environment variable ``name`` (blank: unset), else ``default``.

    >>> setting("S2_DEADLINE", 2.5, above_zero=True), setting("GRAPHKIT_UNSET_FOR_DOCTEST", default=7)
    (2.5, 7)
    >>> setting("S2_BACKOFF", float("nan"))
    Traceback (most recent call last):
    graphkit.errors.GraphkitError: s2_backoff=nan is not a finite number ≥ 0; fix or unset it
    """
    from .errors import GraphkitError

    if given is not None:
        value, shown = given, f"{name.lower()}={given!r}"
    else:
        raw = os.environ.get(name)
        if raw is None or not raw.strip():
            return default
        shown = f"{name}={raw!r}"
        try:
            value = kind(raw.strip())
        except ValueError:
            value = None
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0 or (above_zero and value == 0):
        raise GraphkitError(
            f"{shown} is not a finite number {'> 0' if above_zero else '≥ 0'}; fix or unset it"
        )
    return value
