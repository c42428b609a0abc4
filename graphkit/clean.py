"""Strings cleaned once, where they enter: what a server or a file sends may carry control characters (terminal
escapes, backspaces, BEL), C1 controls, or bidi overrides that reorder what a reader sees. Pure."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates, and the line and paragraph
# separators (a terminal or a CSV reader may take them as line ends)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029]")
_LINE_BREAKS = re.compile(r"[\t\n]+")


def clean_text(value, *, lines: bool = False):
    """``value`` without control characters (a non-string is returned as it is); tab and newline are kept only
    where ``lines`` (a text that may hold lines), else they become spaces.

    >>> clean_text("Net\\x1b]0;owned\\x07 \\x1b[2J\\u202eabc\\x08\\x7f")
    'Net]0;owned [2Jabc'
    >>> clean_text("a\\nb\\tc"), clean_text("a\\nb", lines=True), clean_text(2016)
    ('a b c', 'a\\nb', 2016)
    """
    # no control, format or separator character: as it is
    if not isinstance(value, str) or value.isprintable():
        return value
    value = _CONTROL.sub("", value)
    return value if lines else _LINE_BREAKS.sub(" ", value)


_HTTP_URL = re.compile(r"^https?://[^\s\x00-\x1f\x7f-\x9f]+$", re.IGNORECASE)


def http_url(value) -> str | None:
    """``value`` if it is an http(s) URL without white space or controls, else None (``javascript:``, ``data:``).

    >>> http_url("https://www.semanticscholar.org/paper/x"), http_url("javascript:alert(1)//"), http_url(None)
    ('https://www.semanticscholar.org/paper/x', None, None)
    """
    if not isinstance(value, str) or not _HTTP_URL.match(value):
        return None
    return value
