"""Titles and names: normalised titles for merging, the name a list gives a paper (``TSN``), whether plain text
reads as a title, and the date and venue an entry mentions. Pure."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff60]")
_PUNCT = re.compile(r"[^\w\s]|_")
_LETTER, _CAP_OR_DIGIT = re.compile(r"[A-Za-z]"), re.compile(r"[A-Z0-9]")
_COLON = re.compile(r"[:：]")
_DIGITS = re.compile(r"[\d\-]+")
_TITLE_START = re.compile(r"^[\"'“(\[]?[A-Za-z0-9]")
_WORD = re.compile(r"[A-Za-z]{2,}")


def normalise_title(title: str) -> str:
    """Case, punctuation, full-width characters and spacing folded away.

    >>> normalise_title("RPAN：An End-to-End  Network") == normalise_title("rpan: an end to end network")
    True
    """
    t = unicodedata.normalize("NFKC", title or "").casefold()
    t = _PUNCT.sub(" ", t)
    return " ".join(t.split())


_NAME_TOKEN = r"[A-Za-z0-9][A-Za-z0-9\-+()^]*"
_ACRONYM_LINE = re.compile(rf"^\s*(?P<name>{_NAME_TOKEN})\s*(?:[:：,，;；]|$)")
_PAREN_ACRONYM = re.compile(
    r"\((?P<name>[A-Z][A-Za-z0-9\-+]*[A-Z0-9][A-Za-z0-9\-+]*)(?:\)|\s*[,;，；]\s*[^)]*\))"
)
_NAME_BEFORE = re.compile(rf"(?:^|[\s(])(?P<name>{_NAME_TOKEN})\s+(?:is|was|=|—|-|:)\s*$", re.IGNORECASE)
_NAME_IS = re.compile(rf"^(?P<name>{_NAME_TOKEN})\s+(?:is|was|=|—|-)\s*$", re.IGNORECASE)
_REPO_NAME = re.compile(
    r"^(?:pytorch|tf|tensorflow|keras|mxnet|caffe)?[-_.]?(?P<name>[A-Za-z][A-Za-z0-9+]*(?:-Net)?)"
    r"(?:[-_.](?:pytorch|torch|tf|tensorflow|keras|mxnet|caffe2?|paddle|jax|official|release|code))?$",
    re.IGNORECASE,
)


def _is_name(token: str) -> bool:
    """A method name looks like ``TSN``, ``I3D``, ``StNet``, ``DMC-Net``: a letter and a capital or digit past
    the first character."""
    return (
        len(token) <= 24 and _LETTER.search(token) is not None and _CAP_OR_DIGIT.search(token, 1) is not None
    )


def make_label(title: str, extra_lines: list[str] = (), context: str = "") -> tuple[str, int]:
    """A short name for the map and its quality (2: the name before a colon, or ``TSM is …``; 1: an acronym the
    item gives — in parentheses in the title or after it in ``context``, the item's first line, or a note line
    starting with it; 0: the first words).

    >>> make_label("TSN: Temporal Segment Networks")
    ('TSN', 2)
    >>> make_label("Quo Vadis, Action Recognition? A New Model and the Kinetics Dataset", ["I3D:基于inception"])
    ('I3D', 1)
    >>> make_label("Temporal Segment Networks", context="Temporal Segment Networks (TSN, ECCV 2016), the baseline")
    ('TSN', 1)
    >>> make_label("TSM is")
    ('TSM', 2)
    >>> make_label("Temporal Segment Networks for Action Recognition in Videos")
    ('Temporal Segment', 0)
    """
    t = unicodedata.normalize("NFKC", (title or "").replace("$", "")).strip()
    m = _NAME_IS.match(t)
    if m and _is_name(m.group("name")):
        return m.group("name"), 2
    head = _COLON.split(t, maxsplit=1)
    if len(head) == 2:
        name = head[0].strip()
        words = name.split()
        if (
            name
            and (len(words) == 1 or (len(words) <= 2 and all(_is_name(w) for w in words)))
            and len(name) <= 24
        ):
            return name, 2
    m = _PAREN_ACRONYM.search(t)
    if m and _is_name(m.group("name")):
        return m.group("name"), 1
    if (
        _is_name(t) and " " not in t and len(t) <= 16
    ):  # the item is named by its method (a table's first cell)
        return t, 1
    after = unicodedata.normalize("NFKC", context or "")
    after = after.split(t, 1)[1] if t and t in after else after
    m = _PAREN_ACRONYM.match(after.lstrip(" \t,;—–-")) if after else None
    if m and _is_name(m.group("name")):
        return m.group("name"), 1
    for line in extra_lines:
        m = _ACRONYM_LINE.match(unicodedata.normalize("NFKC", line))
        if m and _is_name(m.group("name")) and not _DIGITS.fullmatch(m.group("name")):
            return m.group("name"), 1
    words, out = t.split(), ""
    for w in words:
        if len(out) + len(w) + (1 if out else 0) > 24:
            break
        out = f"{out} {w}" if out else w
    return (out or t[:24]).rstrip(" ,:;-"), 0


_GENERIC_REPOS = {
    "models",
    "research",
    "code",
    "pytorch",
    "tensorflow",
    "mmaction",
    "mmaction2",
    "papers",
    "demo",
    "official",
    "master",
    "main",
    "src",
    "paper",
    "release",
    "project",
    "github",
}


def repo_name(href: str, title: str = "") -> str | None:
    """The method a code repository is named after: ``…/TRN-pytorch`` → ``TRN``; a lower-case name counts when it
    spells the title's initials (``tsn-pytorch`` for "Temporal Segment Networks" → ``TSN``).

    >>> repo_name("https://github.com/metalbubble/TRN-pytorch"), repo_name("https://github.com/yjxiong/tsn-pytorch",
    ...                                                                     "Temporal Segment Networks")
    ('TRN', 'TSN')
    >>> repo_name("https://github.com/open-mmlab/mmaction"), repo_name("https://github.com/x/video-models")
    (None, None)
    """
    parts = [p for p in urlsplit(href if "//" in href else "//" + href).path.split("/") if p]
    if len(parts) < 2:
        return None
    m = _REPO_NAME.match(parts[1].removesuffix(".git"))
    if not m or m.group("name").lower() in _GENERIC_REPOS:
        return None
    name = m.group("name")
    if len(name) > 16:  # a description, not a name (AttentionalPoolingAction)
        return None
    if _is_name(name) and len(name) >= 2:
        return name
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z][\w-]*", title or "") if w[0].isupper())
    if len(name) >= 2 and initials and name.upper() in (initials.upper(), initials.upper().rstrip("S")):
        return name.upper()
    return None


def looks_like_title(text: str) -> bool:
    """Plain text (no link) taken as a paper title: Latin script, three words or more, not a sentence in
    another script.

    >>> looks_like_title("A study on deep learning spatiotemporal models for video understanding")
    True
    >>> looks_like_title("作者认为two-streams 的光流不是表示运动信息；")
    False
    """
    t = unicodedata.normalize("NFKC", text or "").strip()
    if len(t) < 10 or len(t) > 300 or _CJK.search(t) or not _TITLE_START.match(t):
        return False
    return len(_WORD.findall(t)) >= 3


# --------------------------------------------------------------------------------------------------------------
# Hints: date and venue
# --------------------------------------------------------------------------------------------------------------
_DATE = re.compile(r"^(?:19|20)\d{2}(?:-\d{2}(?:-\d{2})?)?$")
_VENUES = (
    "ACM Multimedia|ACM MM|CVPR|ICCV|ECCV|NeurIPS|NIPS|ICLR|ICML|AAAI|IJCAI|ACCV|ICIP|ICPR|BMVC|WACV|TPAMI|IJCV|"
    "TIP|TMM|TCSVT|KDD|ACL|EMNLP|NAACL|SIGGRAPH|ICASSP|AISTATS|UAI|CoRL|ICRA|IROS|3DV|ICME|MICCAI|WWW|SIGIR"
)
_VENUE = re.compile(rf"(?<![A-Za-z])(?P<v>{_VENUES})\s*'?(?P<y>(?:19|20)\d{{2}})(?!\d)")


def _venue_hint(text: str) -> str | None:
    m = _VENUE.search(text)
    return f"{m.group('v')} {m.group('y')}" if m else None
