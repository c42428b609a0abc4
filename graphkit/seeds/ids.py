"""Paper ids: what a link, a line or a piece of text says about a paper, and the one order in which ids are
preferred (arXiv, DOI, Semantic Scholar paperId, CorpusId). The client (``graphkit.s2``) escapes whatever id it is
given into its URL, so these rules only decide what an id *is*. Pure."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote

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
_CORPUS_TEXT = re.compile(r"\bcorpus_?id\s*:\s*(?P<id>\d{1,12})(?!\d)", re.IGNORECASE)
# a DOI in the path of a publisher's page (dl.acm.org/doi/abs/10.1145/…, link.springer.com/chapter/10.1007/…)
_DOI_PATH = re.compile(
    rf"^(?:dl\.acm\.org/doi(?:/(?:abs|full|pdf|epdf|fullHtml))?|link\.springer\.com/(?:chapter|article|content/pdf)"
    rf"|onlinelibrary\.wiley\.com/doi(?:/(?:abs|full|pdf|epdf))?|www\.tandfonline\.com/doi(?:/(?:abs|full|pdf))?)"
    rf"/(?P<doi>{_DOI})$",
    re.IGNORECASE,
)

# Hosts of pages that are a paper's own (proceedings, publishers, review sites): a link there is a paper link even
# without an id in it (a title-only seed)
_PAPER_HOSTS = (
    "thecvf.com",
    "aclanthology.org",
    "aclweb.org",
    "papers.nips.cc",
    "proceedings.neurips.cc",
    "neurips.cc",
    "nips.cc",
    "proceedings.mlr.press",
    "jmlr.org",
    "openreview.net",
    "dl.acm.org",
    "ieeexplore.ieee.org",
    "link.springer.com",
    "springer.com",
    "sciencedirect.com",
    "ecva.net",
    "bmva.org",
    "aaai.org",
    "ijcai.org",
    "nature.com",
    "science.org",
    "biorxiv.org",
    "medrxiv.org",
    "researchgate.net",
    "hal.science",
    "hal.inria.fr",
    "citeseerx.ist.psu.edu",
    "academic.oup.com",
    "onlinelibrary.wiley.com",
    "mdpi.com",
    "frontiersin.org",
    "plos.org",
    "pnas.org",
    "cell.com",
    "iopscience.iop.org",
    "tandfonline.com",
)

# Hosts that never hold a paper by themselves: (host suffix, reason)
_NON_PAPER_HOSTS = [
    (
        ("github.com", "gitlab.com", "bitbucket.org", "gitee.com", "huggingface.co", "paperswithcode.com"),
        "code repository",
    ),
    (
        (
            "zhihu.com",
            "csdn.net",
            "jianshu.com",
            "medium.com",
            "cnblogs.com",
            "juejin.cn",
            "segmentfault.com",
            "voidcn.com",
            "sohu.com",
            "jiqizhixin.com",
            "towardsdatascience.com",
            "wordpress.com",
            "blogspot.com",
            "weixin.qq.com",
            "mp.weixin.qq.com",
            "oschina.net",
            "reddit.com",
            "twitter.com",
            "x.com",
            "stackoverflow.com",
            "wikipedia.org",
        ),
        "blog or article site",
    ),
    (("youtube.com", "youtu.be", "bilibili.com", "vimeo.com", "youku.com"), "video"),
    (("kaggle.com",), "dataset page"),
]
_NON_PAPER_REASON = {h: reason for hosts, reason in _NON_PAPER_HOSTS for h in hosts}
_DATASET_HINT = re.compile(
    r"(dataset|datasets|/data/|ucf101|hmdb|kinetics|sports-1m|activity-?net)", re.IGNORECASE
)
_HOMEPAGE_HINT = re.compile(r"(github\.io$|/~[\w.-]+/?$|/people/|/homepage)", re.IGNORECASE)


def classify_link(href: str) -> tuple[str, dict, str]:
    """What a link target says: ``(kind, ids, reason)``.

    ``kind`` is ``paper-id`` (ids found), ``paper-page`` (a paper without an id in its link: a PDF anywhere, a
    proceedings or publisher page), ``anchor`` (``#…`` in the page), ``non-paper`` (code, blog, video, dataset,
    homepage — ``reason`` says which), ``empty`` or ``other`` (any other page).

    >>> classify_link("http://cn.arxiv.org/abs/1608.00859v2.pdf")[:2]
    ('paper-id', {'arxiv': '1608.00859'})
    >>> classify_link("https://pdfs.semanticscholar.org/ecc2/3e5a7902460572d5144664acae27469cf79a.pdf?_ga=2")[1]
    {'s2': 'ecc23e5a7902460572d5144664acae27469cf79a'}
    >>> classify_link("https://github.com/yjxiong/tsn-pytorch")
    ('non-paper', {}, 'code repository')
    >>> classify_link("http://openaccess.thecvf.com/content_cvpr_2017/papers/x.pdf")[0]
    'paper-page'
    >>> classify_link("https://someone.github.io/pub/paper.pdf")[0], classify_link("https://someone.github.io/")[2]
    ('paper-page', 'homepage')
    >>> classify_link("https://www.semanticscholar.org/CorpusID:1629541")[:2]
    ('paper-id', {'corpusId': '1629541'})
    >>> classify_link("https://dl.acm.org/doi/abs/10.1145/3343031.3350876")[:2]
    ('paper-id', {'doi': '10.1145/3343031.3350876'})
    """
    kind, ids, reason = _classify(href)
    return kind, dict(ids), reason


@lru_cache(maxsize=1 << 16)
def _classify(href: str) -> tuple[str, dict, str]:
    """:func:`classify_link`, remembered: a post links to the same pages again and again (callers get a copy)."""
    href = (href or "").strip()
    if not href:
        return "empty", {}, ""
    if href.startswith("#"):
        return "anchor", {}, ""
    ids = ids_in_text(href)
    if ids:
        return "paper-id", ids, ""
    host, path, query = _split(href if "//" in href or href.startswith("/") else "//" + href)
    if not host:
        # a relative link: another page of the author's own blog
        return "non-paper", {}, "blog or article site"
    labels = host.split(".")
    for k in range(len(labels) - 1):  # the host and each domain it is under: a.b.github.com, b.github.com, …
        reason = _NON_PAPER_REASON.get(".".join(labels[k:]))
        if reason:
            return "non-paper", {}, reason
    path = path or "/"
    if (
        path.lower().endswith(".pdf")
        or "/pdf/" in path.lower()
        or any(host == h or host.endswith("." + h) for h in _PAPER_HOSTS)
    ):
        return "paper-page", {}, ""
    if _DATASET_HINT.search(host + path):
        return "non-paper", {}, "dataset page"
    if _HOMEPAGE_HINT.search(host) or _HOMEPAGE_HINT.search(path) or (path in ("", "/") and not query):
        return "non-paper", {}, "homepage"
    return "other", {}, ""


_URL_PARTS = re.compile(
    r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?//(?P<netloc>[^/?#]*)(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?"
)


def _split(url: str) -> tuple[str, str, str]:
    """``(host, path, query)`` of a URL, the host lower-cased without user or port (what ``urlsplit`` gives, at a
    fraction of its cost on a post's hundred thousand links).

    >>> _split("HTTPS://user:pw@Arxiv.org:443/abs/1608.00859?x=1#f"), _split("//[::1]:8080/p"), _split("/rel")
    (('arxiv.org', '/abs/1608.00859', 'x=1'), ('::1', '/p', ''), ('', '/rel', ''))
    """
    url = url.strip().replace("\t", "").replace("\n", "").replace("\r", "")
    m = _URL_PARTS.match(url)
    if m is None:
        path = url.split("#", 1)[0]
        path, _, query = path.partition("?")
        return "", path if ":" not in path.split("/", 1)[0] else path.split(":", 1)[1], query
    netloc = m.group("netloc").rpartition("@")[2]
    if netloc.startswith("["):
        host = netloc[1 : netloc.find("]")] if "]" in netloc else netloc[1:]
    else:
        host = netloc.partition(":")[0]
    return host.lower(), m.group("path"), m.group("query") or ""


def _url_ids(href: str) -> dict:
    host, path, _query = _split(href if "//" in href else "//" + href)
    hp = host + unquote(path)
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
    m = _DOI_PATH.match(hp)
    if m:
        return {"doi": m.group("doi").rstrip(".,;)")}
    if "semanticscholar.org" in host:
        m = _CORPUS_TEXT.search(hp)
        if m:
            return {"corpusId": m.group("id")}
    return {}


_URL_START = re.compile(r"^(?:https?:)?//|^[\w.-]+\.[a-z]{2,}/", re.IGNORECASE)
_S2_URL_TEXT = re.compile(
    r"(?:https?://)?(?:www\.)?semanticscholar\.org/paper/\S+|pdfs\.semanticscholar\.org/\S+"
)
# (pattern, id name, group, a lower-case string every match holds)
_TEXT_IDS = (
    (_ARXIV_TEXT, "arxiv", "id", "arxiv"),
    (_ARXIV_URL_TEXT, "arxiv", "id", "arxiv"),
    (_CORR_TEXT, "arxiv", "id", "abs/"),
    (_DOI_TEXT, "doi", "doi", "doi"),
)


def ids_in_text(text: str) -> dict:
    """Paper ids in a URL or a piece of text (first of each kind).

    >>> ids_in_text("see arXiv:1811.08383v3 and https://doi.org/10.1109/CVPR.2016.213")
    {'arxiv': '1811.08383', 'doi': '10.1109/CVPR.2016.213'}
    >>> ids_in_text("https://arxiv.org/abs/hep-th/9901001v1"), ids_in_text("see CorpusID:1629541")
    ({'arxiv': 'hep-th/9901001'}, {'corpusId': '1629541'})
    """
    text = (text or "").strip()
    if not text:
        return {}
    low = text.lower()
    if (
        "arxiv" not in low
        and "doi" not in low
        and "abs/" not in low
        and "semanticscholar" not in low
        and "corpus" not in low
        and "/10." not in low
    ):
        return {}  # none of the patterns below can match: most text of a post
    if _URL_START.match(text) and " " not in text:
        found = _url_ids(text)
        if found:
            return found
    found: dict = {}
    for rx, name, group, needs in _TEXT_IDS:
        if name not in found and needs in low:
            m = rx.search(text)
            if m:
                found[name] = m.group(group).rstrip(".,;)") if name == "doi" else m.group(group)
    if "corpus" in low and "corpusId" not in found:
        m = _CORPUS_TEXT.search(text)
        if m:
            found["corpusId"] = m.group("id")
    if "semanticscholar" not in low:
        return found
    for m in _S2_URL_TEXT.finditer(text):
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
    m = re.match(
        r"^(?:doi\s*:\s*|(?:https?://)?(?:dx\.)?doi\.org/)?(?P<doi>10\.\d{4,9}/\S+)$", s, re.IGNORECASE
    )
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


ID_ORDER = (
    ("arxiv", "arXiv:", "ARXIV:"),
    ("doi", "DOI:", "DOI:"),
    ("s2", "", ""),
    ("corpusId", "CorpusId:", "CorpusId:"),
)
"""The one order in which a paper's ids are preferred: ``(name, prefix in a seed key, prefix S2 takes)``."""


def preferred_id(ids: dict) -> tuple[str, str] | None:
    """The id a paper is named and asked for by: ``(name, value)`` of the first id in :data:`ID_ORDER`.

    >>> preferred_id({"doi": "10.1/x", "arxiv": "1608.00859"}), preferred_id({})
    (('arxiv', '1608.00859'), None)
    """
    for name, _key, _api in ID_ORDER:
        if ids.get(name):
            return name, str(ids[name])
    return None


def seed_key(ids: dict, title: str) -> str:
    """How a seed is named everywhere: ``arXiv:…``, ``DOI:…``, a paperId, ``CorpusId:…``, else ``title:…``.

    >>> seed_key({"doi": "10.1/x", "s2": "a" * 40}, "T"), seed_key({}, "Non-local Neural Networks")
    ('DOI:10.1/x', 'title:Non-local Neural Networks')
    """
    found = preferred_id(ids)
    if found is None:
        return "title:" + title
    prefix = dict((n, k) for n, k, _ in ID_ORDER)[found[0]]
    return prefix + found[1]


def api_id(ids: dict) -> str | None:
    """The id to ask S2 for (``ARXIV:…``, ``DOI:…``, a paperId, ``CorpusId:…``), or None for a title-only seed.

    >>> api_id({"arxiv": "1608.00859", "doi": "10.1/x"}), api_id({"corpusId": 470667}), api_id({})
    ('ARXIV:1608.00859', 'CorpusId:470667', None)
    """
    found = preferred_id(ids)
    if found is None:
        return None
    prefix = dict((n, a) for n, _, a in ID_ORDER)[found[0]]
    return prefix + found[1]
