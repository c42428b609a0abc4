"""Seeds: a reading-list post (Markdown), an id list, or a BibTeX file -> the list of seed papers. Pure."""

from __future__ import annotations

import errno
import logging
import re
import sys
import unicodedata
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .errors import SeedError


@dataclass
class Seed:
    """One paper of the reading list.

    ``key`` names the seed everywhere (JSON, lineage chains): ``arXiv:1608.00859``, ``DOI:10.1109/…``,
    a 40-hex Semantic Scholar paperId, ``CorpusId:123``, or ``title:<title>`` for a title-only seed.
    """

    key: str
    title: str | None
    ids: dict = field(default_factory=lambda: {"arxiv": None, "doi": None, "s2": None})
    sections: list[str] = field(default_factory=list)
    line: int = 0
    label: str = ""
    date: str | None = None
    venue: str | None = None
    paths: list[list[str]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # more names chains may use (a BibTeX entry's key)

    @property
    def api_id(self) -> str | None:
        """The id to ask S2 for, or None for a title-only seed."""
        if self.ids.get("arxiv"):
            return "ARXIV:" + self.ids["arxiv"]
        if self.ids.get("doi"):
            return "DOI:" + self.ids["doi"]
        if self.ids.get("s2"):
            return self.ids["s2"]
        if self.ids.get("corpusId"):
            return "CorpusId:" + str(self.ids["corpusId"])
        return None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Skipped:
    line: int
    text: str
    reason: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SeedList:
    papers: list[Seed]
    skipped: list[Skipped]
    title: str | None = None  # the post's front-matter title
    date: str | None = None  # the post's front-matter date (ISO, date part)
    source: str = ""
    links: int = 0  # links seen in the source (a post), papers or not

    def to_dict(self) -> dict:
        return {"papers": [p.to_dict() for p in self.papers], "skipped": [s.to_dict() for s in self.skipped]}


# --------------------------------------------------------------------------------------------------------------
# Ids: what a link target or a piece of text says about a paper
# --------------------------------------------------------------------------------------------------------------


_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z][a-z\-]+(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_ID = rf"(?:{_ARXIV_NEW}|{_ARXIV_OLD})"
_ARXIV_URL = re.compile(
    rf"^(?:[a-z]+\.)?arxiv\.org/(?:abs|pdf|html)/(?P<id>{_ARXIV_ID})(?:v\d+)?(?:\.pdf)?/?$", re.IGNORECASE
)
_ARXIV_TEXT = re.compile(rf"\barXiv\s*:\s*(?P<id>{_ARXIV_ID})(?:v\d+)?", re.IGNORECASE)
_ARXIV_URL_TEXT = re.compile(
    rf"(?:https?://)?(?:[a-z]+\.)?arxiv\.org/(?:abs|pdf|html)/(?P<id>{_ARXIV_ID})(?:v\d+)?", re.IGNORECASE
)
_DOI = r"10\.\d{4,9}/[^\s\"'<>]+"
_DOI_URL = re.compile(rf"^(?:dx\.)?doi\.org/(?P<doi>{_DOI})$", re.IGNORECASE)
_DOI_TEXT = re.compile(rf"(?:\bdoi\s*:\s*|(?:https?://)?(?:dx\.)?doi\.org/)(?P<doi>{_DOI})", re.IGNORECASE)
_CORR_TEXT = re.compile(rf"\bCoRR\b[^\n]*?\babs/(?P<id>{_ARXIV_ID})(?:v\d+)?", re.IGNORECASE)
_HEX40 = re.compile(r"^[0-9a-f]{40}$")
_S2_PAGE = re.compile(r"^(?:www\.)?semanticscholar\.org/paper/(?:[^/]+/)?(?P<id>[0-9a-f]{40})/?$")
_S2_PDF = re.compile(r"^pdfs\.semanticscholar\.org/(?P<a>[0-9a-f]{4})/(?P<b>[0-9a-f]{36})\.pdf$")
_CORPUS = re.compile(r"^corpus_?id\s*:\s*(?P<id>\d+)$", re.IGNORECASE)

# Hosts that never hold a paper by themselves: (host suffix, reason)
_NON_PAPER_HOSTS = [
    (("github.com", "gitlab.com", "bitbucket.org", "gitee.com", "huggingface.co", "paperswithcode.com"),
     "code repository"),
    (("zhihu.com", "csdn.net", "jianshu.com", "medium.com", "cnblogs.com", "juejin.cn", "segmentfault.com",
      "voidcn.com", "sohu.com", "jiqizhixin.com", "towardsdatascience.com", "wordpress.com", "blogspot.com",
      "weixin.qq.com", "mp.weixin.qq.com", "oschina.net", "reddit.com", "twitter.com", "x.com",
      "stackoverflow.com", "wikipedia.org"), "blog or article site"),
    (("youtube.com", "youtu.be", "bilibili.com", "vimeo.com", "youku.com"), "video"),
    (("kaggle.com",), "dataset page"),
]
_DATASET_HINT = re.compile(r"(dataset|datasets|/data/|ucf101|hmdb|kinetics|sports-1m|activity-?net)", re.IGNORECASE)
_HOMEPAGE_HINT = re.compile(r"(github\.io$|/~[\w.-]+/?$|/people/|/homepage)", re.IGNORECASE)


@dataclass
class _Link:
    href: str
    text: str
    kind: str  # "paper-id" | "anchor" | "non-paper" | "other" | "empty"
    ids: dict
    reason: str = ""


def classify_link(href: str) -> tuple[str, dict, str]:
    """What a link target says: ``(kind, ids, reason)``.

    ``kind`` is ``paper-id`` (ids found), ``anchor`` (``#…`` in the page), ``non-paper`` (code, blog, video,
    dataset, homepage — ``reason`` says which), ``empty`` or ``other`` (any other page: a title-only seed).

    >>> classify_link("http://cn.arxiv.org/abs/1608.00859v2.pdf")[:2]
    ('paper-id', {'arxiv': '1608.00859'})
    >>> classify_link("https://pdfs.semanticscholar.org/ecc2/3e5a7902460572d5144664acae27469cf79a.pdf?_ga=2")[1]
    {'s2': 'ecc23e5a7902460572d5144664acae27469cf79a'}
    >>> classify_link("https://github.com/yjxiong/tsn-pytorch")
    ('non-paper', {}, 'code repository')
    >>> classify_link("http://openaccess.thecvf.com/content_cvpr_2017/papers/x.pdf")[0]
    'other'
    """
    href = (href or "").strip()
    if not href:
        return "empty", {}, ""
    if href.startswith("#"):
        return "anchor", {}, ""
    ids = ids_in_text(href)
    if ids:
        return "paper-id", ids, ""
    parts = urlsplit(href if "//" in href or href.startswith("/") else "//" + href)
    host = (parts.hostname or "").lower()
    if not host:
        # a relative link: another page of the author's own blog
        return "non-paper", {}, "blog or article site"
    for hosts, reason in _NON_PAPER_HOSTS:
        if any(host == h or host.endswith("." + h) for h in hosts):
            return "non-paper", {}, reason
    path = parts.path or "/"
    if _DATASET_HINT.search(host + path):
        return "non-paper", {}, "dataset page"
    if _HOMEPAGE_HINT.search(host) or _HOMEPAGE_HINT.search(path) or (path in ("", "/") and not parts.query):
        return "non-paper", {}, "homepage"
    return "other", {}, ""


def _url_ids(href: str) -> dict:
    parts = urlsplit(href if "//" in href else "//" + href)
    host = (parts.hostname or "").lower()
    path = unquote(parts.path or "")
    hp = host + path
    m = _ARXIV_URL.match(hp)
    if m:
        return {"arxiv": m.group("id")}
    m = _DOI_URL.match(hp)
    if m:
        return {"doi": m.group("doi").rstrip(".,;)")}
    m = _S2_PAGE.match(hp)
    if m:
        return {"s2": m.group("id")}
    m = _S2_PDF.match(hp)
    if m:
        return {"s2": m.group("a") + m.group("b")}
    return {}


def ids_in_text(text: str) -> dict:
    """Paper ids in a URL or a piece of text (first of each kind).

    >>> ids_in_text("see arXiv:1811.08383v3 and https://doi.org/10.1109/CVPR.2016.213")
    {'arxiv': '1811.08383', 'doi': '10.1109/CVPR.2016.213'}
    >>> ids_in_text("https://arxiv.org/abs/hep-th/9901001v1")
    {'arxiv': 'hep-th/9901001'}
    """
    text = (text or "").strip()
    if not text:
        return {}
    if re.match(r"^(?:https?:)?//|^[\w.-]+\.[a-z]{2,}/", text, re.IGNORECASE) and " " not in text:
        found = _url_ids(text)
        if found:
            return found
    found: dict = {}
    for rx, name, group in ((_ARXIV_TEXT, "arxiv", "id"), (_ARXIV_URL_TEXT, "arxiv", "id"), (_CORR_TEXT, "arxiv", "id"),
                            (_DOI_TEXT, "doi", "doi")):
        m = rx.search(text)
        if m and name not in found:
            found[name] = m.group(group).rstrip(".,;)") if name == "doi" else m.group(group)
    for m in re.finditer(r"(?:https?://)?(?:www\.)?semanticscholar\.org/paper/\S+|pdfs\.semanticscholar\.org/\S+", text):
        s2 = _url_ids(m.group(0).split("?")[0].split("#")[0]).get("s2")
        if s2:
            found.setdefault("s2", s2)
            break
    return found


def id_line(line: str) -> dict:
    """One line of an id list: ``arXiv:…``, ``DOI:…``, a 40-hex paperId, ``CorpusId:…`` or a URL -> ids.

    >>> id_line("CorpusId:470667"), id_line("ecc23e5a7902460572d5144664acae27469cf79a")
    ({'corpusId': '470667'}, {'s2': 'ecc23e5a7902460572d5144664acae27469cf79a'})
    >>> id_line("10.1109/ICCV.2015.510")
    {'doi': '10.1109/ICCV.2015.510'}
    >>> id_line("doi:10.1002/(SICI)1097-0258(19980815/30)17:15/16<1661::AID-SIM968>3.0.CO;2-2")["doi"][-17:]
    'SIM968>3.0.CO;2-2'
    """
    s = line.strip()
    m = re.match(r"^(?:doi\s*:\s*|(?:https?://)?(?:dx\.)?doi\.org/)?(?P<doi>10\.\d{4,9}/\S+)$", s, re.IGNORECASE)
    if m:  # a whole line is one DOI, whatever it holds (SICI DOIs have <, >, ;): the client escapes it
        return {"doi": unquote(m.group("doi")) if "doi.org/" in s.lower() else m.group("doi")}
    m = _CORPUS.match(s)
    if m:
        return {"corpusId": m.group("id")}
    if _HEX40.match(s.lower()):
        return {"s2": s.lower()}
    if re.match(rf"^{_ARXIV_ID}(?:v\d+)?$", s):
        return {"arxiv": re.sub(r"v\d+$", "", s)}
    if re.match(rf"^{_DOI}$", s):
        return {"doi": s}
    return ids_in_text(s)


# --------------------------------------------------------------------------------------------------------------
# Titles and labels
# --------------------------------------------------------------------------------------------------------------
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff60]")


def normalise_title(title: str) -> str:
    """Case, punctuation, full-width characters and spacing folded away.

    >>> normalise_title("RPAN：An End-to-End  Network") == normalise_title("rpan: an end to end network")
    True
    """
    t = unicodedata.normalize("NFKC", title or "").casefold()
    t = re.sub(r"[^\w\s]|_", " ", t)
    return " ".join(t.split())


_NAME_TOKEN = r"[A-Za-z0-9][A-Za-z0-9\-+()^]*"
_ACRONYM_LINE = re.compile(rf"^\s*(?P<name>{_NAME_TOKEN})\s*(?:[:：,，;；]|$)")
_PAREN_ACRONYM = re.compile(r"\((?P<name>[A-Z][A-Za-z0-9\-+]*[A-Z0-9][A-Za-z0-9\-+]*)(?:\)|\s*[,;，；]\s*[^)]*\))")
_NAME_BEFORE = re.compile(rf"(?:^|[\s(])(?P<name>{_NAME_TOKEN})\s+(?:is|was|=|—|-|:)\s*$", re.IGNORECASE)
_NAME_IS = re.compile(rf"^(?P<name>{_NAME_TOKEN})\s+(?:is|was|=|—|-)\s*$", re.IGNORECASE)
_REPO_NAME = re.compile(r"^(?:pytorch|tf|tensorflow|keras|mxnet|caffe)?[-_.]?(?P<name>[A-Za-z][A-Za-z0-9+]*(?:-Net)?)"
                        r"(?:[-_.](?:pytorch|torch|tf|tensorflow|keras|mxnet|caffe2?|paddle|jax|official|release|code))?$",
                        re.IGNORECASE)


def _is_name(token: str) -> bool:
    """A method name looks like ``TSN``, ``I3D``, ``StNet``, ``DMC-Net``: a letter and a capital or digit past
    the first character."""
    return bool(re.search(r"[A-Za-z]", token)) and bool(re.search(r"[A-Z0-9]", token[1:])) and len(token) <= 24


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
    head = re.split(r"[:：]", t, maxsplit=1)
    if len(head) == 2:
        name = head[0].strip()
        words = name.split()
        if name and (len(words) == 1 or (len(words) <= 2 and all(_is_name(w) for w in words))) and len(name) <= 24:
            return name, 2
    m = _PAREN_ACRONYM.search(t)
    if m and _is_name(m.group("name")):
        return m.group("name"), 1
    if _is_name(t) and " " not in t and len(t) <= 16:  # the item is named by its method (a table's first cell)
        return t, 1
    after = unicodedata.normalize("NFKC", context or "")
    after = after.split(t, 1)[1] if t and t in after else after
    m = _PAREN_ACRONYM.match(after.lstrip(" \t,;—–-")) if after else None
    if m and _is_name(m.group("name")):
        return m.group("name"), 1
    for line in extra_lines:
        m = _ACRONYM_LINE.match(unicodedata.normalize("NFKC", line))
        if m and _is_name(m.group("name")) and not re.fullmatch(r"[\d\-]+", m.group("name")):
            return m.group("name"), 1
    words, out = t.split(), ""
    for w in words:
        if len(out) + len(w) + (1 if out else 0) > 24:
            break
        out = f"{out} {w}" if out else w
    return (out or t[:24]).rstrip(" ,:;-"), 0


_GENERIC_REPOS = {"models", "research", "code", "pytorch", "tensorflow", "mmaction", "mmaction2", "papers", "demo",
                  "official", "master", "main", "src", "paper", "release", "project", "github"}


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
    if len(t) < 10 or len(t) > 300 or _CJK.search(t) or not re.match(r"^[\"'“(\[]?[A-Za-z0-9]", t):
        return False
    return len(re.findall(r"[A-Za-z]{2,}", t)) >= 3


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


# --------------------------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------------------------
_APPENDIX = re.compile(r"^(?:[A-Z0-9]+[.)]?\s+)?(附录|appendix|appendices)\b", re.IGNORECASE)


class _HtmlBits(HTMLParser):
    """hrefs and ids in a piece of raw HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "href" and tag == "a" and v:
                self.hrefs.append(v)
            elif k in ("id", "name") and v:
                self.ids.append(v)


def _html_bits(fragment: str) -> _HtmlBits:
    p = _HtmlBits()
    p.feed(fragment)
    p.close()
    return p


@dataclass
class _Entry:
    """One list item or table row of the post, or one paper a paragraph links to, before merging."""

    line: int
    title: str
    links: list[_Link]
    text_ids: dict
    lines: list[str]  # the item's own text, one string per line (the title line first)
    path: list[str]
    anchor_ids: list[str]
    date: str | None
    venue: str | None
    in_appendix: bool
    first_is_link: bool
    raw: str
    prose: bool = False  # a link in a paragraph, a blockquote or a heading (a seed only if it is a paper's)
    name: str = ""  # the name the text gives a bare id ("TSM is arXiv:1811.08383")


def _inline_walk(inline) -> tuple[list[_Link], str, list[str], list[str], bool, list[str], str]:
    """From one inline token: links, title, text lines, ids of anchors, whether a link came first, em texts,
    and the item's raw text (for text-level id search)."""
    links: list[_Link] = []
    anchors: list[str] = []
    ems: list[str] = []
    lines = [""]
    plain = [""]  # the first line without emphasis: where a plain-text title sits
    title = None
    first_is_link = None
    cur_link: dict | None = None
    in_em = 0
    em_buf = ""
    for child in inline.children or []:
        t = child.type
        if t == "link_open":
            cur_link = {"href": child.attrGet("href") or "", "text": ""}
        elif t == "link_close" and cur_link is not None:
            kind, ids, reason = classify_link(cur_link["href"])
            links.append(_Link(cur_link["href"], cur_link["text"].strip(), kind, ids, reason))
            if first_is_link is None:
                first_is_link = True
                title = cur_link["text"].strip()
            cur_link = None
        elif t == "html_inline":
            bits = _html_bits(child.content)
            anchors.extend(bits.ids)
            for href in bits.hrefs:
                kind, ids, reason = classify_link(href)
                links.append(_Link(href, "", kind, ids, reason))
        elif t in ("softbreak", "hardbreak"):
            lines.append("")
            plain.append("")
        elif t == "em_open":
            in_em += 1
            em_buf = ""
        elif t == "em_close":
            in_em = max(0, in_em - 1)
            ems.append(em_buf.strip())
        elif t in ("text", "code_inline"):
            content = child.content
            if t == "text":
                if cur_link is not None:
                    cur_link["text"] += content
                if in_em:
                    em_buf += content
            elif cur_link is not None:
                cur_link["text"] += content
            if content.strip() and first_is_link is None and cur_link is None and t == "text":
                first_is_link = False
            if t == "text":
                lines[-1] += content
                if not in_em:
                    plain[-1] += content
    if title is None or first_is_link is False:
        title = _plain_title(plain[0])
    raw_text = "\n".join(lines)
    return links, title, lines, anchors, bool(first_is_link), ems, raw_text


_TITLE_END = re.compile(r"\s*(?:[,;(]\s*(?:see\s+)?)?(?:arXiv\s*:|doi\s*:|https?://)|\s+(?:—|--|–)\s", re.IGNORECASE)


def _plain_title(line: str) -> str:
    """A title written as plain text ends where an id mention or a dash-separated note begins."""
    m = _TITLE_END.search(line)
    return (line[: m.start()] if m else line).strip().rstrip(",;:")


def _strip_front_matter(text: str) -> tuple[dict, str]:
    """(front matter as a dict, text with the front matter blanked so line numbers stay true)."""
    if not text.startswith("---"):
        return {}, text
    first = text.find("\n")
    if (text if first < 0 else text[:first]).strip() != "---":
        return {}, text
    m = re.compile(r"^[^\S\n]*(?:---|\.\.\.)[^\S\n]*$", re.MULTILINE).search(text, first + 1) if first >= 0 else None
    if m is None:
        return {}, text
    import yaml

    try:
        meta = yaml.safe_load(text[first + 1 : m.start()]) or {}
    except yaml.YAMLError:
        meta = {}
    if not isinstance(meta, dict):
        meta = {}
    end = text.find("\n", m.end())
    rest = "" if end < 0 else text[end + 1 :]
    return meta, "\n" * (text.count("\n", 0, m.end()) + 1) + rest


def _front_date(meta: dict) -> str | None:
    d = meta.get("date")
    if d is None:
        return None
    m = re.match(r"\d{4}-\d{2}-\d{2}", str(d))
    return m.group(0) if m else None


# A post is parsed in pieces of at least this many characters, cut before top-level headings (see _token_pieces)
_PIECE = 1 << 19
_CUT = re.compile(r"^[ \t]*\n(?=#{1,6}(?:[ \t]|$))", re.MULTILINE)  # a blank line, then a column-0 ATX heading


def _token_pieces(text: str):
    """markdown-it's tokens of ``text`` as ``(tokens, line offset)`` pieces, so a huge post never holds all its
    tokens at once.

    A piece ends with a blank line before a column-0 ATX heading. CommonMark closes every block there except a
    fenced code block or an HTML block of kinds 1–5 (``<pre>``, ``<!--``…), which run on to their end marker: when
    a piece's parse leaves one open to its last line, the cut was not a boundary and the whole text is parsed at
    once instead. Reference-style links are defined for the whole text: the definitions of every piece holding
    ``]:`` are collected first (markdown-it keeps the first of duplicates, as it does in one parse).
    """
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    cuts = [0]
    for m in _CUT.finditer(text):
        if m.end() - cuts[-1] >= _PIECE and len(text) - m.end() >= _PIECE // 4:
            cuts.append(m.end())
    if len(cuts) == 1:
        yield md.parse(text), 0
        return
    spans = list(zip(cuts, [*cuts[1:], len(text)], strict=True))
    env: dict = {}
    blocks_only = MarkdownIt("commonmark", {"html": True}).enable("table").disable("inline")
    for a, b in spans:
        if text.find("]:", a, b) >= 0:
            blocks_only.parse(text[a:b], env)
    refs = env.get("references", {})
    offset = 0
    for k, (a, b) in enumerate(spans):
        tokens = md.parse(text[a:b], {"references": refs})
        n_lines = text.count("\n", a, b)
        if k < len(spans) - 1 and any(t.type in ("fence", "html_block") and t.map and t.map[1] >= n_lines
                                       for t in tokens):
            del tokens
            yield None, 0  # start over: what was handed out is void
            yield md.parse(text), 0
            return
        yield tokens, offset
        offset += n_lines


def _entries_from_markdown(text: str, keep: Callable[[_Entry], Any] = lambda e: e) -> list:
    """The entries of a post in order, each passed through ``keep`` as it is made (so a huge post's entries need
    not all be held: ``parse_markdown`` keeps only its verdict on each)."""
    heads: list[str] = []  # heading texts by level
    appendix_level: int | None = None
    entries: list = []
    for tokens, offset in _token_pieces(text):
        if tokens is None:  # a cut that was no boundary: the whole text follows
            heads, appendix_level, entries = [], None, []
            continue
        heads, appendix_level = _walk_tokens(tokens, offset, heads, appendix_level, entries, keep)
    return entries


def _walk_tokens(tokens, offset: int, heads: list[str], appendix_level: int | None, entries: list, keep):
    """Append the entries (list items, table rows) of one piece's tokens; return the heading state after it."""
    item_stack: list[dict] = []
    row: dict | None = None
    in_thead = False
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            level = int(tok.tag[1])
            inline = tokens[i + 1]
            htext = _heading_text(inline)
            heads = heads[: level - 1] + [""] * max(0, level - 1 - len(heads)) + [htext]
            if appendix_level is not None and level <= appendix_level:
                appendix_level = None
            if appendix_level is None and _APPENDIX.match(htext):
                appendix_level = level
            if appendix_level is None and not item_stack and row is None:
                line = tok.map[0] + 1 + offset if tok.map else 0
                entries.extend(keep(e) for e in _prose_entries(inline, line, heads[: level - 1]))
            i += 3
            continue
        if tok.type == "list_item_open":
            item_stack.append({"line": tok.map[0] + 1 + offset if tok.map else 0, "inlines": [], "level": tok.level})
        elif tok.type == "list_item_close":
            item = item_stack.pop()
            if item["inlines"]:
                entries.append(keep(_make_entry(item["line"], item["inlines"], heads, appendix_level)))
        elif tok.type == "thead_open":
            in_thead = True
        elif tok.type == "thead_close":
            in_thead = False
        elif tok.type == "tr_open" and not in_thead:
            row = {"line": tok.map[0] + 1 + offset if tok.map else 0, "inlines": []}
        elif tok.type == "tr_close" and row is not None:
            if row["inlines"]:
                entries.append(keep(_make_entry(row["line"], row["inlines"], heads, appendix_level)))
            row = None
        elif tok.type == "inline":
            if row is not None:
                row["inlines"].append(tok)
            elif (item_stack and tokens[i - 1].type == "paragraph_open"
                  and tokens[i - 1].level == item_stack[-1]["level"] + 1):  # the item's own text, not a nested item's
                item_stack[-1]["inlines"].append(tok)
            elif not item_stack and appendix_level is None and tokens[i - 1].type == "paragraph_open":
                line = tokens[i - 1].map[0] + 1 + offset if tokens[i - 1].map else 0
                entries.extend(keep(e) for e in _prose_entries(tok, line, [h for h in heads if h]))
        i += 1
    return heads, appendix_level


def _heading_text(inline) -> str:
    """A heading's text; a link to a paper in it names the paper, not the section (unless it is all there is)."""
    outside, everything, in_paper_link = [], [], False
    for c in inline.children or []:
        if c.type == "link_open":
            in_paper_link = classify_link(c.attrGet("href") or "")[0] == "paper-id"
        elif c.type == "link_close":
            in_paper_link = False
        elif c.type in ("text", "code_inline"):
            everything.append(c.content)
            if not in_paper_link:
                outside.append(c.content)
    text = " ".join("".join(outside).split())
    return text or " ".join("".join(everything).split())


def _prose_entries(inline, line: int, path: list[str]) -> list[_Entry]:
    """The papers a paragraph, a blockquote or a heading names: one entry per link to a paper id (its title is the
    link text when that reads as a title, else S2's will be) and per bare ``arXiv:ID`` in its text; every other
    link is an entry that only counts as seen."""
    links, _title, lines, _anchors, _first, _ems, raw = _inline_walk(inline)
    text = " ".join(" ".join(lines).split())
    out = []
    for lk in links:
        if lk.kind == "paper-id":
            title = lk.text if looks_like_title(lk.text) else ""
            out.append(_Entry(line, title, [lk], dict(lk.ids), [text], path, [], None, None, False, True, raw,
                              prose=True))
        else:
            out.append(_Entry(line, "", [lk], {}, [], path, [], None, None, False, True, "", prose=True))
    linked = {v for lk in links for v in lk.ids.values()}
    for m in _ARXIV_TEXT.finditer(text):
        if m.group("id") not in linked:
            linked.add(m.group("id"))
            lk = _Link("arXiv:" + m.group("id"), "", "paper-id", {"arxiv": m.group("id")})
            named = _NAME_BEFORE.search(text[: m.start()])
            name = named.group("name") if named and _is_name(named.group("name")) else ""
            out.append(_Entry(line, "", [lk], {"arxiv": m.group("id")}, [text], path, [], None, None, False, True,
                              raw, prose=True, name=name))
    return out


def _make_entry(line, inlines, heads, appendix_level) -> _Entry:
    links: list[_Link] = []
    anchors: list[str] = []
    ems: list[str] = []
    lines: list[str] = []
    title = ""
    first_is_link = False
    raw = []
    for k, inline in enumerate(inlines):
        lk, t, ls, an, fl, em, rt = _inline_walk(inline)
        if k == 0:
            title, first_is_link = t, fl
        elif not title and t:  # a table row whose first cell is empty
            title, first_is_link = t, fl
        links += lk
        anchors += an
        ems += em
        lines += ls
        raw.append(rt)
    raw_text = "\n".join(raw)
    text_ids = ids_in_text(raw_text)
    date = next((e for e in ems if _DATE.match(e)), None)
    if date is None:
        m = re.search(r"(?<![\d-])((?:19|20)\d{2}-\d{2}-\d{2})(?![\d-])", raw_text)
        date = m.group(1) if m else None
    venue = _venue_hint(raw_text.replace(title, " ", 1) if title else raw_text)
    path = [h for h in heads if h]
    return _Entry(
        line=line,
        title=" ".join(title.split()),
        links=links,
        text_ids=text_ids,
        lines=[ln.strip() for ln in lines],
        path=path,
        anchor_ids=anchors,
        date=date,
        venue=venue,
        in_appendix=appendix_level is not None,
        first_is_link=first_is_link,
        raw=raw_text,
    )


def _seed_key(ids: dict, title: str) -> str:
    if ids.get("arxiv"):
        return "arXiv:" + ids["arxiv"]
    if ids.get("doi"):
        return "DOI:" + ids["doi"]
    if ids.get("s2"):
        return ids["s2"]
    if ids.get("corpusId"):
        return "CorpusId:" + str(ids["corpusId"])
    return "title:" + title


def _short(text: str, n: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


@dataclass
class _Candidate:
    entry: _Entry
    ids: dict
    anchor_target: str | None
    label: str
    label_q: int
    names: list[str] = field(default_factory=list)


def _judge(entry: _Entry) -> tuple[_Candidate | None, Skipped | None]:
    """One entry -> a seed candidate, a skip with its reason, or neither (plain text in the appendix)."""
    links = [lk for lk in entry.links if lk.kind != "empty"]
    if entry.prose:  # a paper a paragraph names, or a link that is seen and passed over
        if not entry.text_ids:
            return None, None
        label, label_q = make_label(entry.title, context=entry.lines[0] if entry.lines else "")
        if entry.name and label_q < 2:
            label, label_q = entry.name, 2
        return _Candidate(entry, dict(entry.text_ids), None, label, label_q), None
    if entry.in_appendix:
        if not links:
            return None, None
        reason = next((lk.reason for lk in links if lk.kind == "non-paper"), "") or "in the appendix"
        return None, Skipped(entry.line, _short(entry.title or entry.raw), reason)
    title_link = entry.links[0] if entry.first_is_link and entry.links else None
    ids: dict = {}
    if title_link is not None and title_link.kind == "paper-id":
        ids = dict(title_link.ids)
    else:
        for lk in links:
            if lk.kind == "paper-id":
                ids = dict(lk.ids)
                break
        if not ids:
            ids = dict(entry.text_ids)
    label, label_q = make_label(entry.title, entry.lines[1:], context=entry.lines[0] if entry.lines else "")
    if label_q == 0:  # a code repository named after the method
        for lk in entry.links:
            name = repo_name(lk.href, entry.title) if lk.reason == "code repository" else None
            if name:
                label, label_q = name, 1
                break
    anchor = title_link.href[1:] if title_link is not None and title_link.kind == "anchor" else None
    if ids or anchor:
        return _Candidate(entry, ids, anchor, label, label_q), None
    if links and all(lk.kind == "non-paper" for lk in links):
        return None, Skipped(entry.line, _short(entry.title), links[0].reason)
    if title_link is not None and title_link.kind == "non-paper":
        return None, Skipped(entry.line, _short(entry.title), title_link.reason)
    if (title_link is not None and title_link.kind != "non-paper") or looks_like_title(entry.title):
        return _Candidate(entry, {}, None, label, label_q), None
    return None, Skipped(entry.line, _short(entry.title), "no link and not a paper title")


def _judge_slim(entry: _Entry) -> tuple[_Candidate | None, Skipped | None]:
    """:func:`_judge`, the candidate keeping only what merging needs of its entry (not its links and text)."""
    cand, skip = _judge(entry)
    if cand is not None:
        cand.entry = replace(entry, links=[], text_ids={}, lines=[], raw="")
    return cand, skip


def _merge(cands: list[_Candidate]) -> list[Seed]:
    """One paper is one seed: candidates sharing an id, an in-page anchor or a normalised title merge.

    Union–find over the candidates, in near-linear time: each id, anchor and normalised title points at the first
    candidate that carries it. Two candidates with the same title stay apart when their groups' ids conflict; each
    group keeps its ids (per id kind, the value of its earliest candidate), merged when groups merge.
    """
    from networkx.utils import UnionFind

    # resolve in-page anchors to the entry that carries the id
    by_anchor: dict[str, int] = {}
    for k, c in enumerate(cands):
        for a in c.entry.anchor_ids:
            by_anchor.setdefault(a, k)
    uf = UnionFind(range(len(cands)))
    group_ids: dict[int, dict[str, tuple[int, str]]] = {
        k: {n: (k, str(v).lower()) for n, v in c.ids.items()} for k, c in enumerate(cands)
    }

    def union(a: int, b: int) -> None:
        ra, rb = uf[a], uf[b]
        if ra == rb:
            return
        merged, other = group_ids.pop(ra), group_ids.pop(rb)
        for n, first in other.items():
            if n not in merged or first < merged[n]:
                merged[n] = first
        uf.union(ra, rb)
        group_ids[uf[ra]] = merged

    seen: dict[tuple, int] = {}
    for k, c in enumerate(cands):
        if c.anchor_target and c.anchor_target in by_anchor:
            union(k, by_anchor[c.anchor_target])
        for name in ("arxiv", "doi", "s2", "corpusId"):
            v = c.ids.get(name)
            if v:
                key = (name, str(v).lower())
                if key in seen:
                    union(k, seen[key])
                else:
                    seen[key] = k
    # titles: merge when normalised titles agree and the ids do not conflict
    by_title: dict[str, int] = {}
    for k, c in enumerate(cands):
        nt = normalise_title(c.entry.title)
        if not nt:
            continue
        if nt in by_title:
            ga, gb = group_ids[uf[by_title[nt]]], group_ids[uf[k]]
            if not any(n in ga and n in gb and ga[n][1] != gb[n][1] for n in ("arxiv", "doi", "s2", "corpusId")):
                union(by_title[nt], k)
        else:
            by_title[nt] = k
    groups: dict[int, list[_Candidate]] = {}
    for k, c in enumerate(cands):
        groups.setdefault(uf[k], []).append(c)
    seeds = []
    for members in groups.values():
        members.sort(key=lambda c: c.entry.line)
        ids: dict = {}
        for c in members:
            for n, v in c.ids.items():
                ids.setdefault(n, v)
        if not ids and all(c.anchor_target for c in members):
            continue  # an in-page link to something that is not a paper entry
        main = next((c for c in members if c.ids), members[0])
        best = max(members, key=lambda c: (c.label_q, -c.entry.line))
        sections: dict[str, None] = {}  # ordered sets
        paths: dict[tuple, list[str]] = {}
        for c in members:
            paths.setdefault(tuple(c.entry.path), c.entry.path)
            sections.update(dict.fromkeys(c.entry.path))
        title = main.entry.title or next((c.entry.title for c in members if c.entry.title), "")
        full_ids = {"arxiv": ids.get("arxiv"), "doi": ids.get("doi"), "s2": ids.get("s2")}
        if ids.get("corpusId"):
            full_ids["corpusId"] = ids["corpusId"]
        seeds.append(
            Seed(
                key=_seed_key(ids, title),
                title=title or None,
                ids=full_ids,
                sections=list(sections),
                line=main.entry.line,
                label=best.label if best.label_q > 0 else "",  # a name the list gives it, or none
                date=next((c.entry.date for c in [main, *members] if c.entry.date), None),
                venue=next((c.entry.venue for c in [main, *members] if c.entry.venue), None),
                paths=list(paths.values()),
                names=list(dict.fromkeys(n for c in members for n in c.names)),
            )
        )
    seeds.sort(key=lambda s: s.line)
    return seeds


def parse_markdown(text: str, source: str = "") -> SeedList:
    """Seeds of a reading-list post in Markdown (Jekyll front matter allowed).

    >>> post = '''---
    ... title: My list
    ... date: 2019-05-14
    ... ---
    ... # 1 Nets
    ... 1. [TSN: Temporal Segment Networks](https://arxiv.org/abs/1608.00859v1)
    ... *2016-08-02* ECCV 2016 [code](https://github.com/yjxiong/tsn-pytorch)
    ... 1. [Some code](https://github.com/x/y)
    ... '''
    >>> sl = parse_markdown(post)
    >>> [(p.key, p.label, p.sections, p.date, p.venue) for p in sl.papers]
    [('arXiv:1608.00859', 'TSN', ['1 Nets'], '2016-08-02', 'ECCV 2016')]
    >>> [(s.line, s.reason) for s in sl.skipped], sl.title, sl.date
    ([(8, 'code repository')], 'My list', '2019-05-14')
    """
    meta, body = _strip_front_matter(text)
    cands: list[_Candidate] = []
    skipped: list[Skipped] = []
    seen = [0]

    def judge(entry: _Entry):
        seen[0] += sum(1 for lk in entry.links if lk.kind != "empty")
        return _judge_slim(entry)

    for cand, skip in _entries_from_markdown(body, judge):
        if cand is not None:
            cands.append(cand)
        if skip is not None:
            skipped.append(skip)
    title = meta.get("title")
    return SeedList(
        papers=_merge(cands),
        skipped=skipped,
        title=str(title).strip() if title else None,
        date=_front_date(meta),
        source=source,
        links=seen[0],
    )


def parse_id_list(text: str, source: str = "") -> SeedList:
    """Seeds from a text file: one ``arXiv:…``, ``DOI:…``, 40-hex paperId, ``CorpusId:…`` or title a line.

    >>> sl = parse_id_list("# mine\\narXiv:1608.00859\\nCorpusId:470667\\nNon-local Neural Networks\\narXiv:1608.00859v2\\n")
    >>> [p.key for p in sl.papers]
    ['arXiv:1608.00859', 'CorpusId:470667', 'title:Non-local Neural Networks']
    """
    cands = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        ids = id_line(line)
        title = "" if ids else line
        entry = _Entry(n, title, [], ids, [title], [], [], None, None, False, False, line)
        label, q = make_label(title) if title else (line[:24], 0)
        cands.append(_Candidate(entry, ids, None, label, q))
    return SeedList(papers=_merge(cands), skipped=[], source=source)


_BIB_ARXIV_FIELDS = ("journal", "note", "howpublished", "booktitle", "volume", "url", "annote")


def bibtex_ids(fields: dict) -> dict:
    """A BibTeX entry's paper ids, as people export them: ``doi``; ``eprint`` with ``archivePrefix = arXiv`` (or no
    prefix); ``journal`` / ``note`` / ``howpublished`` saying ``arXiv preprint arXiv:…``, ``arXiv:…`` or
    ``CoRR abs/…``; a ``url`` to arXiv, doi.org or Semantic Scholar.

    >>> bibtex_ids({"journal": "arXiv preprint arXiv:1811.08383"}), bibtex_ids({"journal": "CoRR", "volume": "abs/1705.07750"})
    ({'arxiv': '1811.08383'}, {'arxiv': '1705.07750'})
    >>> bibtex_ids({"doi": "https://doi.org/10.1109/CVPR.2017.502", "eprint": "1705.07750", "archiveprefix": "arXiv"})
    {'arxiv': '1705.07750', 'doi': '10.1109/CVPR.2017.502'}
    """
    ids: dict = {}
    eprint = fields.get("eprint", "").strip()
    prefix = fields.get("archiveprefix", fields.get("eprinttype", "arxiv")).lower()
    if eprint and "arxiv" in prefix and id_line(eprint).get("arxiv"):
        ids["arxiv"] = id_line(eprint)["arxiv"]
    if fields.get("doi"):
        doi = id_line(fields["doi"].strip()).get("doi")
        if doi:
            ids["doi"] = doi
    corr = " ".join(fields.get(k, "") for k in ("journal", "volume", "number")).strip()
    if "arxiv" not in ids and re.search(r"\bCoRR\b", corr):
        m = re.search(rf"abs/(?P<id>{_ARXIV_ID})", corr)
        if m:
            ids["arxiv"] = m.group("id")
    for k in _BIB_ARXIV_FIELDS:
        found = ids_in_text(fields.get(k, ""))
        for name, value in found.items():
            ids.setdefault(name, value)
    return ids


def parse_bibtex(text: str, source: str = "") -> SeedList:
    """Seeds from BibTeX, parsed with bibtexparser (LaTeX in titles and authors decoded by its own middleware).
    Ids come from :func:`bibtex_ids`; each entry's key is a name of its seed, usable in lineage chains.

    >>> sl = parse_bibtex('@inproceedings{wang2016, title={{TSN}: Temporal Segment Networks}, '
    ...                   'eprint={1608.00859}, archivePrefix={arXiv}, year={2016}, booktitle={ECCV}}')
    >>> [(p.key, p.label, p.date, p.names) for p in sl.papers]
    [('arXiv:1608.00859', 'TSN', '2016', ['wang2016'])]
    >>> bib = '@article{u, title={{' + chr(92) + '"U}ber Netze}, journal={arXiv preprint arXiv:1811.08383}}'
    >>> parse_bibtex(bib).papers[0].title
    'Über Netze'
    """
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware

    with _quiet("bibtexparser"), _quiet("pylatexenc"):  # what does not parse is in `skipped`, not in log lines
        lib = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    cands, skipped = [], []
    for entry in lib.entries:
        f = {fld.key.lower(): str(fld.value) for fld in entry.fields}
        title = " ".join(re.sub(r"[{}]", "", f.get("title", "")).split())
        ids = bibtex_ids(f)
        line = getattr(entry, "start_line", 0) + 1
        if not ids and not title:
            skipped.append(Skipped(line, entry.key, "entry with neither id nor title"))
            continue
        venue = f.get("booktitle") or f.get("journal") or None
        if venue and re.match(r"^(arXiv|CoRR)\b", venue, re.IGNORECASE):
            venue = None
        e = _Entry(line, title, [], ids, [title], [], [], f.get("year"), venue, False, False, title)
        label, q = make_label(title)
        cands.append(_Candidate(e, ids, None, label, q, names=[entry.key] if entry.key else []))
    for block in lib.failed_blocks:
        skipped.append(Skipped(getattr(block, "start_line", 0) + 1, _short(block.raw), "BibTeX that does not parse"))
    return SeedList(papers=_merge(cands), skipped=skipped, source=source)


@contextmanager
def _quiet(logger_name: str):
    """Silence a library's logger (and its children) for the duration of the block."""
    log = logging.getLogger(logger_name)
    level = log.level
    log.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        log.setLevel(level)


def _read_source(source: str) -> tuple[str, str]:
    """(text, name) of a path or ``-`` (stdin); one-line SeedErrors for what cannot be read."""
    if source == "-":
        name = "<stdin>"
        try:
            if sys.stdin is None:  # file descriptor 0 was closed before Python started
                raise ValueError("closed")
            data = sys.stdin.buffer.read()
        except (OSError, ValueError) as e:
            why = "it is closed" if isinstance(e, ValueError) or e.errno == errno.EBADF else e.strerror
            raise SeedError(f"cannot read the source from stdin ({why}); pipe the post into `-` or give its path"
                            ) from None
    else:
        p = Path(source)
        name = str(p)
        if not p.exists():
            raise SeedError(f"{name}: no such file; give a Markdown post, an id list (.txt) or a BibTeX file (.bib)")
        if p.is_dir():
            raise SeedError(f"{name} is a directory; give the path of a post file inside it")
        try:
            data = p.read_bytes()
        except OSError as e:
            raise SeedError(f"{name}: cannot read ({e.strerror}); check the file's permissions") from e
    if b"\x00" in data[:8192]:
        raise SeedError(f"{name} looks binary (it holds NUL bytes); give a Markdown, text or BibTeX file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SeedError(
            f"{name} is not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); save it as UTF-8"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n"), name


def _kind_of(name: str, text: str) -> str:
    low = name.lower()
    if low.endswith(".bib") or low.endswith(".bibtex"):
        return "bibtex"
    if low.endswith((".md", ".markdown", ".mdown", ".mkd")):
        return "markdown"
    if low.endswith((".txt", ".ids", ".list")):
        return "ids"
    if re.search(r"^\s*@\w+\s*[{(]", text, re.MULTILINE) and not re.search(r"^\s*[#*-]\s", text, re.MULTILINE):
        return "bibtex"
    if re.search(r"^(#{1,6}\s|\s*(?:[-*+]|\d+[.)])\s|\|)|\]\(", text, re.MULTILINE) or text.startswith("---"):
        return "markdown"
    return "ids"


def parse_seeds(source: str) -> SeedList:
    """Read SOURCE (a Markdown post, ``-`` for stdin, an id list, or a BibTeX file) and return its seeds.

    Raises
    ------
    SeedError
        The file is missing, a directory, binary, or not UTF-8.
    """
    text, name = _read_source(source)
    kind = _kind_of(name, text)
    if kind == "bibtex":
        return parse_bibtex(text, name)
    if kind == "ids":
        return parse_id_list(text, name)
    return parse_markdown(text, name)


def summary_line(sl: SeedList) -> str:
    """``83 papers: 65 arXiv, 4 Semantic Scholar, 14 title only; 3 skipped``."""
    n_arxiv = sum(1 for p in sl.papers if p.ids.get("arxiv"))
    n_doi = sum(1 for p in sl.papers if not p.ids.get("arxiv") and p.ids.get("doi"))
    n_s2 = sum(1 for p in sl.papers if not p.ids.get("arxiv") and not p.ids.get("doi") and p.ids.get("s2"))
    n_corpus = sum(1 for p in sl.papers if p.api_id and p.api_id.startswith("CorpusId:"))
    n_title = sum(1 for p in sl.papers if p.api_id is None)
    parts = [f"{n_arxiv} arXiv"]
    if n_doi:
        parts.append(f"{n_doi} DOI")
    parts.append(f"{n_s2} Semantic Scholar")
    if n_corpus:
        parts.append(f"{n_corpus} CorpusId")
    parts.append(f"{n_title} title only")
    return f"{len(sl.papers)} papers: {', '.join(parts)}; {len(sl.skipped)} skipped"
