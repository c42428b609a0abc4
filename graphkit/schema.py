"""What S2 promises: the shapes of its answers in the fields graphkit reads, checked before anything is cached or
used (:func:`check_answer`). Fields graphkit does not read may be anything. Pure.
"""

from __future__ import annotations

import re

_HEX40 = re.compile(r"[0-9a-f]{40}")


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
        # every field may be null; text is the common case
        if v is None or (type(v) is str and k in _TEXT_FIELDS):
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
            # {"paperId": null} is no "unknown"
            bad = None if p is None else _bad_paper(p, f"[{i}]", need_id=True)
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
