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
_AKA = re.compile(
    rf"\b(?:aka|a\.k\.a\.?|also known as|dubbed|called)\s+(?P<name>{_NAME_TOKEN})", re.IGNORECASE
)
_NAME_IS = re.compile(rf"^(?P<name>{_NAME_TOKEN})\s+(?:is|was|=|—|-)\s*$", re.IGNORECASE)
_REPO_NAME = re.compile(
    r"^(?:pytorch|tf|tensorflow|keras|mxnet|caffe)?[-_.]?(?P<name>[A-Za-z][A-Za-z0-9+]*(?:-Net)?)"
    r"(?:[-_.](?:pytorch|torch|tf|tensorflow|keras|mxnet|caffe2?|paddle|jax|official|release|code))?$",
    re.IGNORECASE,
)


def is_method_name(token: str, *, from_title: bool = False) -> bool:
    """A method name looks like ``TSN``, ``I3D``, ``StNet``, ``DMC-Net``: a letter and a capital or digit past
    the first character, 24 characters at most. ``from_title`` (a name read off the start of a title): also three
    characters at least, and not an ordinary hyphenated word (``CNN-based``). The one rule, for the list's names
    and the map's.

    >>> [t for t in ("SlowFast", "TSN", "3D", "Temporal", "CNN-based", "UntrimmedNets", "I") if is_method_name(t, from_title=True)]
    ['SlowFast', 'TSN', 'UntrimmedNets']
    >>> is_method_name("3D"), is_method_name("CNN-based")
    (True, True)
    """
    if len(token) > 24 or _LETTER.search(token) is None or _CAP_OR_DIGIT.search(token, 1) is None:
        return False
    if from_title and (len(token) < 3 or _ORDINARY_HYPHEN.search(token)):
        return False
    return True


_ORDINARY_HYPHEN = re.compile(r"-(?:based|aware|level|wise|free|scale|time|stream|like)$", re.IGNORECASE)


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
    if m and is_method_name(m.group("name")):
        return m.group("name"), 2
    head = _COLON.split(t, maxsplit=1)
    if len(head) == 2:
        name = head[0].strip()
        words = name.split()
        if (
            name
            and (len(words) == 1 or (len(words) <= 2 and all(is_method_name(w) for w in words)))
            and len(name) <= 24
        ):
            return name, 2
    m = _PAREN_ACRONYM.search(t)
    if m and is_method_name(m.group("name")):
        return m.group("name"), 1
    # the item is named by its method (a table's first cell)
    if is_method_name(t) and " " not in t and len(t) <= 16:
        return t, 1
    after = unicodedata.normalize("NFKC", context or "")
    after = after.split(t, 1)[1] if t and t in after else after
    m = _PAREN_ACRONYM.match(after.lstrip(" \t,;—–-")) if after else None
    if m and is_method_name(m.group("name")):
        return m.group("name"), 1
    m = _AKA.search(" ".join((context, *extra_lines)))
    if m and is_method_name(m.group("name")):
        return m.group("name"), 1
    for line in extra_lines:
        m = _ACRONYM_LINE.match(unicodedata.normalize("NFKC", line))
        if m and is_method_name(m.group("name")) and not _DIGITS.fullmatch(m.group("name")):
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
    """The method a code repository is named after, when the name is the paper's (a word of its title, or its
    initials: ``tsn-pytorch`` for "Temporal Segment Networks" → ``TSN``); a repository named after another
    paper's method (``facebook/C3D`` beside the Res3D paper) names nothing.

    >>> repo_name("https://github.com/metalbubble/TRN-pytorch", "Temporal Relational Reasoning in Videos"), repo_name(
    ...     "https://github.com/yjxiong/tsn-pytorch", "Temporal Segment Networks")
    ('TRN', 'TSN')
    >>> repo_name("https://github.com/open-mmlab/mmaction"), repo_name("https://github.com/x/video-models")
    (None, None)
    >>> repo_name("https://github.com/facebook/C3D", "ConvNet Architecture Search for Spatiotemporal Feature Learning")
    """
    parts = [p for p in urlsplit(href if "//" in href else "//" + href).path.split("/") if p]
    if len(parts) < 2:
        return None
    m = _REPO_NAME.match(parts[1].removesuffix(".git"))
    if not m or m.group("name").lower() in _GENERIC_REPOS:
        return None
    name = m.group("name")
    if len(name) > 16 or len(name) < 2:  # a description, not a name (AttentionalPoolingAction)
        return None
    if not _names_title(name, title):
        return None
    return name.upper() if name.islower() and len(name) <= 5 else name


def _names_title(name: str, title: str) -> bool:
    """Whether ``name`` is the paper's by its title: a word of it (``Scaffold-GS``), or the initials of its first
    capitalised words or of all of them (``TRN``: Temporal Recurrent Networks …).

    >>> _names_title("C3D", "ConvNet Architecture Search for Spatiotemporal Feature Learning")
    False
    >>> _names_title("TRN", "Temporal Recurrent Networks for Online Action Detection"), _names_title("tsn", "Temporal Segment Networks")
    (True, True)
    >>> _names_title("TRN", "Temporal Relational Reasoning in Videos"), _names_title("I3D", "Quo Vadis, Action Recognition?")
    (True, False)
    >>> _names_title("LieNet", "Deep Learning on Lie Groups"), _names_title("MV", "Real-time Action Recognition with Enhanced Motion Vector CNNs")
    (True, True)
    """
    key = re.sub(r"[\W_]", "", name).casefold()
    words = re.findall(r"[A-Za-z0-9][\w-]*", title or "")
    folded = [re.sub(r"[\W_]", "", w).casefold() for w in words]
    if any(w == key or (len(key) >= 5 and w.startswith(key)) for w in folded):
        return True
    # LieNet, BridgeDepthFlow: half of its parts or more begin words of the title
    parts = [p.casefold() for p in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", name) if len(p) >= 3]
    if len(parts) >= 2 and 2 * sum(any(w.startswith(p[:5]) for w in folded) for p in parts) >= len(parts):
        return True
    caps = [w[0] for w in words if w[0].isupper() or w[0].isdigit()]
    initials = "".join(caps).casefold()
    if len(key) < 2 or not initials:
        return False
    if key in (initials, initials.rstrip("s")) or (key in initials and key.isalpha()):
        return True
    # TRN for "Temporal Relational Reasoning …": the first two letters start its first words, the rest follow
    low = " ".join(words).casefold()
    if key[0] != initials[0] or len(words) < 2 or key[1] not in initials[1:3]:
        return False
    at = low.find(" " + key[1])
    for ch in key[2:]:
        at = low.find(ch, at + 2)
        if at < 0:
            return False
    return True


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
    "TIP|TMM|TCSVT|KDD|ACL|EMNLP|NAACL|SIGGRAPH Asia|SIGGRAPH|ICASSP|AISTATS|UAI|CoRL|ICRA|IROS|3DV|ICME|MICCAI|"
    "WWW|SIGIR|CVPRW|ICCVW|ECCVW|TOG|PAMI|JMLR|TMLR|COLING|INTERSPEECH|RSS|ISMIR|MM"
)
_VENUE = re.compile(
    rf"(?<![A-Za-z])(?P<v>{_VENUES})(?:\s*(?:Workshops?|W))?[\s,]*(?:'\s*(?P<yy>\d{{2}})|(?P<y>(?:19|20)\d{{2}}))(?!\d)"
)


def _venue_hint(text: str) -> str | None:
    """``ECCV 2016`` from ``ECCV 2016``, ``[ECCV' 16]``, ``(CVPR'17)`` or ``NIPS, 2014``.

    >>> _venue_hint("**[ECCV' 16]**"), _venue_hint("(CVPR 2017)"), _venue_hint("NIPS'99"), _venue_hint("MM")
    ('ECCV 2016', 'CVPR 2017', 'NIPS 1999', None)
    """
    m = _VENUE.search(text)
    if not m:
        return None
    year = m.group("y") or (("20" if int(m.group("yy")) < 40 else "19") + m.group("yy"))
    return f"{m.group('v')} {year}"


# --------------------------------------------------------------------------------------------------------------
# Titles as lists decorate them
# --------------------------------------------------------------------------------------------------------------
# Link texts that say what a link is, not what the paper is called ("[[pdf]]", "📄 Paper", "arXiv", "Code")
_LINK_WORDS = frozenset(
    "paper papers pdf arxiv link links code codes project projectpage page website site github gitlab video videos "
    "slides slide poster supp supplementary supplement bibtex bib abs abstract html doi openreview cvf demo blog "
    "official homepage home data dataset download here url acm ieee springer proceedings proc talk youtube "
    "pytorch tensorflow tf caffe jax model models weights reproduce reproduction implementation notes note "
    "summary review reading 论文 代码 链接 项目 主页 笔记 解读".split()
)
_NOT_LETTERS = re.compile(r"[\W\d_]+")


def is_link_word(text: str) -> bool:
    """Whether a link's text only says what kind of link it is (Paper, [pdf], 📄 arXiv, Code:, Project Page).

    >>> [is_link_word(t) for t in ("[pdf]", "📄 Paper", "Project Page", "code:", "TSN", "Temporal Segment Networks")]
    [True, True, True, True, False, False]
    """
    words = [w for w in _NOT_LETTERS.split(unicodedata.normalize("NFKC", text or "").casefold()) if w]
    if not words or len(words) > 3:
        return False
    return "".join(words) in _LINK_WORDS or all(w in _LINK_WORDS for w in words)


_EMOJI = re.compile(
    "[\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\U0001f000-\U0001faff\ufe0f\u200d\u20e3]"
    r"|:[a-z0-9_+\-]{2,30}:"
)
# a trailing tag: "(2016)", "[ECCV' 16]", "(CVPR 2017)", "[NIPS'14]", "(arXiv 2019)", "[Oral]", "(spotlight)"
_TRAIL_TAG = re.compile(
    r"\s*(?:[\[(（【]\s*(?:[A-Za-z][\w&./\- ]{0,30}?\s*[,']?\s*)?(?:(?:19|20)\d{2}|'\s*\d{2}|\d{2})\s*[\])）】]"
    r"|[\[(]\s*(?:oral|spotlight|poster|best paper[\w ]*|highlight|survey|review|workshop|preprint|arxiv)\s*[\])])"
    r"\s*[.,;:]?\s*$",
    re.IGNORECASE,
)
_EMPTY_BRACKETS = re.compile(r"\[\s*[|,/]?\s*\]|\(\s*[|,/]?\s*\)|【\s*】")
_LEAD_TAG = re.compile(r"^\s*[\[【]\s*(?P<tag>[^\[\]【】]{1,40}?)\s*[\]】]\s*[:：\-–—]?\s*")
_QUOTES = "\"'“”‘’「」『』"
_PAIRS = {("[", "]"), ("《", "》"), ("(", ")"), ("【", "】")}


def split_tag(text: str) -> tuple[str, str | None, str | None]:
    """``(rest, name, venue)`` of a title that starts with a bracketed tag: ``[TSN] Temporal …`` names the paper
    TSN, ``[ECCV' 16] …`` is a venue hint, ``[12] …`` (a reference number) is neither.

    >>> split_tag("[TSN] Temporal Segment Networks"), split_tag("[CVPR '24] Scaffold-GS: Structured")
    (('Temporal Segment Networks', 'TSN', None), ('Scaffold-GS: Structured', None, 'CVPR 2024'))
    >>> split_tag("[12] He, Kaiming"), split_tag("No tag here")
    (('He, Kaiming', None, None), ('No tag here', None, None))
    """
    m = _LEAD_TAG.match(text or "")
    if not m:
        return text, None, None
    tag, rest = m.group("tag").strip(), text[m.end() :]
    if not rest.strip():
        return text, None, None
    venue = _venue_hint(tag)
    if venue:
        return rest, None, venue
    if re.fullmatch(r"[\d\s.,\-]+|[a-z]|\^.*", tag):  # [12], [3.1], [a], [^note]: a reference number
        return rest, None, None
    if len(tag.split()) <= 3 and len(tag) <= 24 and re.search(r"[A-Za-z]", tag):
        return rest, tag, None
    return text, None, None


def clean_title(text: str) -> str:
    """A title without what lists put around it: trailing ``(2016)``, ``[ECCV' 16]``, ``(CVPR 2017)``, star
    emoji and ``:star:`` codes, empty brackets left by removed links, surrounding quotes and trailing punctuation.

    >>> clean_title("Shuffle and Learn: Unsupervised Learning Using Temporal Order Verification (2016)")
    'Shuffle and Learn: Unsupervised Learning Using Temporal Order Verification'
    >>> clean_title("Temporal Segment Networks: Towards Good Practices [ECCV' 16] :star::star: [] ")
    'Temporal Segment Networks: Towards Good Practices'
    >>> clean_title("“Deep residual learning for image recognition.” ⭐⭐"), clean_title("Non-local Neural Networks (CVPR 2018) (Oral)")
    ('Deep residual learning for image recognition', 'Non-local Neural Networks')
    """
    t = _EMOJI.sub(" ", unicodedata.normalize("NFC", text or ""))
    t = " ".join(t.split())
    for _ in range(6):
        before = t
        t = _EMPTY_BRACKETS.sub(" ", t)
        t = _TRAIL_TAG.sub("", t)
        t = " ".join(t.split()).rstrip(" .,;:|-–—/·")
        if len(t) > 2 and (t[0] in _QUOTES and t[-1] in _QUOTES or (t[0], t[-1]) in _PAIRS):
            t = t[1:-1].strip().rstrip(",.")
        if t == before:
            break
    return t
