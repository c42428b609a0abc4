"""Citation strings -> the paper's title, year and venue: GB/T 7714, APA, MLA, IEEE, ACM, Chicago and the
``Author et al. "Title." Venue (Year)`` of many reading lists. Pure.

A string is read as a citation only when it carries both the marks of one (a year, and authors before the title)
and a title of its shape; prose that merely quotes a phrase is not one.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .names import _VENUES, _venue_hint, clean_title


class Citation(NamedTuple):
    title: str
    year: str | None
    venue: str | None
    style: str


_VENUE_NAME = re.compile(rf"(?<![A-Za-z])(?:{_VENUES})(?![A-Za-z])")
_YEAR = re.compile(r"(?<![\d.])(?:19|20)\d{2}(?![\d])")
# GB/T 7714: "Authors. Title[J]. Journal, 2014." / "Title[C]//Proceedings. Publisher, 2016: 20-36."
_GBT = re.compile(
    r"(?P<head>.*?)\s*\[(?P<type>J|C|M|D|A|R|S|P|N|G|Z|EB|DB|CP|J/OL|C/OL|M/OL|EB/OL|DB/OL|R/OL)\]"
    r"\s*(?://)?\s*(?P<rest>.*)$"
)
# APA: "Wang, H., & Schmid, C. (2013). Title. Venue." ; "(2013, June)" ; "(2013a)"
_APA = re.compile(
    r"^(?P<authors>.{2,400}?)\s*\((?P<year>(?:19|20)\d{2})[a-z]?(?:,[^)]{0,30})?\)\.?\s+"
    r"(?P<title>[^\s].{3,400}?[^\s.?!])(?P<end>[.?!])(?:\s+(?P<rest>.*))?$"
)
# ACM: "Heng Wang and Cordelia Schmid. 2013. Title. In Proceedings …"
_ACM = re.compile(
    r"^(?P<authors>.{2,400}?)\.\s+(?P<year>(?:19|20)\d{2})[a-z]?\.\s+"
    r"(?P<title>[^\s].{3,400}?[^\s.?!])(?P<end>[.?!])(?:\s+(?P<rest>.*))?$"
)
# a quoted title: IEEE ("Title," in Proc.), MLA (“Title.” Venue), Chicago ("Title." In …), the roadmap's
# "**Title**." — the quotes straight or curly
_QUOTED = re.compile(r"(?P<q>[\"“”])(?P<title>[^\"“”]{6,400}?)[\"“”]")
_AUTHORISH = re.compile(
    r"(?:\bet\s+al\b|\band\b|&|,|\b[A-Z]\.|\b[A-Z][a-z]+\s+[A-Z]\b|[\u4e00-\u9fff]{2,4}[,，])", re.UNICODE
)


def _authors_ok(head: str) -> bool:
    """Text before a title reads as an author list: names with commas, initials, ``and`` or ``et al``."""
    head = head.strip()
    if not head or len(head) > 400 or head.count(" ") > 60:
        return False
    if re.search(r"[。？！]|https?://", head):
        return False
    return bool(_AUTHORISH.search(head)) and bool(re.search(r"[A-Za-z\u4e00-\u9fff]{2}", head))


def _finish(title: str, rest: str, full: str, style: str, year: str | None = None) -> Citation | None:
    title = clean_title(title.replace("**", "").replace("__", ""))
    if len(title) < 4 or not re.search(r"[A-Za-z\u4e00-\u9fff]{2}", title):
        return None
    if year is None:
        years = _YEAR.findall(rest or full)
        year = years[-1] if years else None
    venue = _venue_hint(rest or "")
    if venue is None and year:
        named = _VENUE_NAME.search((rest or "")[:40])  # the venue stands right after the title
        venue = f"{named.group(0)} {year}" if named else None
    return Citation(title, year, venue, style)


def parse_citation(text: str) -> Citation | None:
    """The title (and year, venue hint and style) of a citation string, or None when ``text`` is not one.

    >>> parse_citation("Simonyan K, Zisserman A. Two-stream convolutional networks for action recognition in "
    ...                "videos[J]. Advances in neural information processing systems, 2014, 27.")[:2]
    ('Two-stream convolutional networks for action recognition in videos', '2014')
    >>> parse_citation("Wang L, Xiong Y, Wang Z, et al. Temporal segment networks: Towards good practices for deep "
    ...                "action recognition[C]//European conference on computer vision. Springer, 2016: 20-36.").title
    'Temporal segment networks: Towards good practices for deep action recognition'
    >>> parse_citation("Wang, H., & Schmid, C. (2013). Action Recognition with Improved Trajectories. ICCV.")[:3]
    ('Action Recognition with Improved Trajectories', '2013', 'ICCV 2013')
    >>> parse_citation('Heng Wang et al. “Dense Trajectories and Motion Boundary Descriptors for Action '
    ...                'Recognition” IJCV (2013): n. pag.').title
    'Dense Trajectories and Motion Boundary Descriptors for Action Recognition'
    >>> parse_citation('H. Wang and C. Schmid, "Action recognition with improved trajectories," in Proc. ICCV, '
    ...                '2013, pp. 3551-3558.')[:3]
    ('Action recognition with improved trajectories', '2013', 'ICCV 2013')
    >>> parse_citation("Heng Wang and Cordelia Schmid. 2013. Action Recognition with Improved Trajectories. In "
    ...                "Proceedings of the IEEE ICCV. 3551-3558.").style
    'ACM'
    >>> parse_citation('He, Kaiming, et al. "**Deep residual learning for image recognition**." CVPR (2016).')[:3]
    ('Deep residual learning for image recognition', '2016', 'CVPR 2016')
    >>> parse_citation('作者认为"two-stream"的光流不是表示运动信息') is None
    True
    >>> parse_citation("Temporal Segment Networks (2016)") is None
    True
    """
    t = " ".join((text or "").split())
    if len(t) < 20 or len(t) > 2000 or not _YEAR.search(t):
        return None
    t = t.replace("**", "").replace("__", "")
    m = _GBT.match(t)
    if m:
        head = m.group("head")
        cut = max(head.rfind(". "), head.rfind("."), -1)
        if "et al." in head:
            cut = max(cut, head.rfind("et al.") + 5)
        authors, title = head[: cut + 1], head[cut + 1 :]
        if _authors_ok(authors):
            return _finish(title, m.group("rest"), t, "GB/T 7714")
    q = _QUOTED.search(t)
    if q and _authors_ok(t[: q.start()]) and len(q.group("title").split()) >= 1:
        rest = t[q.end() :]
        if q.start() == 0 or t[q.start() - 1] in " .,:\"“”'":
            style = (
                "IEEE"
                if re.match(r"\s*,?\s*in\b", rest) or q.group("title").rstrip().endswith(",")
                else "quoted"
            )
            return _finish(q.group("title"), rest, t, style)
    m = _APA.match(t)
    if m and _authors_ok(m.group("authors")):
        return _finish(m.group("title"), m.group("rest") or "", t, "APA", m.group("year"))
    m = _ACM.match(t)
    if m and _authors_ok(m.group("authors")):
        return _finish(m.group("title"), m.group("rest") or "", t, "ACM", m.group("year"))
    return None
