"""A reading-list post in Markdown -> seeds: markdown-it-py's syntax tree, walked once. Pure.

What an entry is: a list item's own text, a table row, or a paragraph (a blockquote's too) that names a paper — by
a link, an id in its text, a citation string, or a bold or quoted title. Each becomes a seed or a skip with its
reason; nothing that holds a link is passed over without a word.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ..clean import clean_text
from .cite import parse_citation
from .ids import _ARXIV_TEXT, classify_link, ids_in_text
from .judge import judge, method_names
from .merge import merge
from .model import SeedList, Skipped, _Candidate, _Entry, _Link
from .names import (
    _DATE,
    _NAME_BEFORE,
    _venue_hint,
    clean_title,
    is_link_word,
    is_method_name,
    looks_like_title,
    split_tag,
)

_ISO_DATE = re.compile(r"(?<![\d-])((?:19|20)\d{2}-\d{2}-\d{2})(?![\d-])")
_APPENDIX = re.compile(r"^(?:[A-Z0-9]+[.)]?\s+)?(附录|appendix|appendices)\b", re.IGNORECASE)
_URL_IN_TEXT = re.compile(r"(?:https?://|www\.)\S+|\b(?:arXiv|doi|CorpusId)\s*[:：]\s*\S+", re.IGNORECASE)
_NO_TITLE = re.compile(r"^[\W\d_]*$|^(?:19|20)\d{2}(?:[-/.]\d{1,2}){0,2}$")


def _parser():
    """CommonMark with tables. Link targets are kept as written (not percent-encoded: the id rules read them as
    the post has them), which also saves a third of the parse on a post of many links."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    md.normalizeLink = md.normalizeLinkText = lambda url: url
    return md


class _HtmlBits(HTMLParser):
    """hrefs and ids in a piece of raw HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.ids: list[str] = []
        self.br = False

    def handle_starttag(self, tag, attrs):
        self.br = self.br or tag == "br"
        for k, v in attrs:
            if k == "href" and tag == "a" and v:
                self.hrefs.append(v)
            elif k in ("id", "name") and v:
                self.ids.append(v)


def _html_bits(fragment: str) -> _HtmlBits:
    p = _HtmlBits()
    if not fragment.startswith("</"):
        p.feed(fragment)
        p.close()
    return p


class _Text:
    """What one block's inline content says: its links, its text line by line (``lines``: everything;
    ``plain``: without the texts of links that only say what they are, such as ``[pdf]``), bold spans, in-page
    anchors, whether a link comes first, and the link the first line starts with."""

    def __init__(self) -> None:
        self.links: list[_Link] = []
        self.lines = [""]
        self.plain = [""]
        self.strongs: list[tuple[int, str, bool]] = []  # (line, text, whether it starts its line)
        self.ems: list[str] = []
        self.anchors: list[str] = []
        self.first_link: _Link | None = None  # the link the first line starts with, if it does

    def extend(self, nodes) -> None:
        self._walk(nodes, link=None, strong=None, em=None)

    def _walk(self, nodes, link, strong, em) -> None:
        for n in nodes:
            kind = n.type
            if kind == "text":
                self._text(n.content, link, strong, em)
            elif kind == "code_inline":  # code is no text of the item's (an id in it is no id), but a link's
                if link is not None:
                    link[0] += n.content
            elif kind == "link":
                href = n.attrs.get("href", "") or ""
                buf = [""]
                start = not self.lines[-1].strip() and len(self.lines) == 1
                self._walk(n.children, buf, strong, em)
                text = " ".join(buf[0].split())
                kind_, ids, reason = classify_link(str(href))
                lk = _Link(str(href), text, kind_, ids, reason)
                self.links.append(lk)
                if start and self.first_link is None and text:
                    self.first_link = lk
                if not is_link_word(text):
                    self.plain[-1] += text
                if strong is not None:
                    strong[0] += text
            elif kind == "strong":
                buf = [""]
                start = not self.lines[-1].strip()
                line = len(self.lines) - 1
                self._walk(n.children, link, buf, em)
                if buf[0].strip():
                    self.strongs.append((line, " ".join(buf[0].split()), start))
                if strong is not None:
                    strong[0] += buf[0]
            elif kind == "em":
                buf = [""]
                self._walk(n.children, link, strong, buf)
                self.ems.append(buf[0].strip())
                if em is not None:
                    em[0] += buf[0]
            elif kind in ("softbreak", "hardbreak"):
                self._break()
            elif kind == "html_inline":
                bits = _html_bits(n.content)
                self.anchors.extend(bits.ids)
                for href in bits.hrefs:
                    kind_, ids, reason = classify_link(href)
                    self.links.append(_Link(href, "", kind_, ids, reason))
                if bits.br:
                    self._break()
            elif kind != "image":
                # strikethrough and the like: their text counts; an image's alt text does not
                self._walk(n.children, link, strong, em)

    def _text(self, content: str, link, strong, em) -> None:
        content = clean_text(content)
        self.lines[-1] += content
        if link is not None:
            link[0] += content
        else:
            self.plain[-1] += content
        if strong is not None:
            strong[0] += content
        if em is not None:
            em[0] += content

    def _break(self) -> None:
        self.lines.append("")
        self.plain.append("")

    @property
    def text(self) -> str:
        return "\n".join(ln.strip() for ln in self.lines if ln.strip())


def _read(*inlines) -> _Text:
    t = _Text()
    for k, inline in enumerate(inlines):
        if k:
            t._break()
        t.extend(inline.children if inline is not None else [])
    return t


# --------------------------------------------------------------------------------------------------------------
# The title of an entry
# --------------------------------------------------------------------------------------------------------------
_TITLE_END = re.compile(
    r"\s*(?:[,;(]\s*(?:see\s+)?)?(?:arXiv\s*[:：]|doi\s*:|https?://)|\s+(?:—|--|–|-)\s|\s+\|\s"
    r"|\s+\((?:19|20)\d{2}[a-z]?\)\s*[,.;]\s*\S",  # "Title (2017), J. Gehring et al"
    re.IGNORECASE,
)


def _plain_title(line: str) -> str:
    """A title written as plain text ends where an id mention or a dash-separated note begins."""
    m = _TITLE_END.search(line)
    return (line[: m.start()] if m else line).strip()


class _Title:
    __slots__ = ("title", "name", "venue", "link", "cite", "from_bold")

    def __init__(self, title="", name=None, venue=None, link=None, cite=None, from_bold=False):
        self.title, self.name, self.venue, self.link, self.cite = title, name, venue, link, cite
        self.from_bold = from_bold


def _title_of(t: _Text) -> _Title:
    """The paper's title in a block's text, with the name and venue its tags give, the link whose text it is, and
    the citation it was read from (if it was)."""
    first = t.lines[0].strip()
    plain0 = t.plain[0].strip()
    rest, name, venue = split_tag(plain0)
    if name and is_link_word(name):
        name = None
    lead_strong = next((s for ln, s, start in t.strongs if ln == 0 and start), None)
    untagged = split_tag(lead_strong)[0] if lead_strong else ""
    if lead_strong and untagged != lead_strong and len(untagged.split()) < 2:
        # **[TSN]** or **[12]**: a tag in bold; the title is what follows it
        lead_strong = next((s for ln, s, start in t.strongs[1:] if ln == 0), None)
        if lead_strong and not rest.lstrip(' *_"“').startswith(lead_strong[:10]):
            lead_strong = None
    lk = t.first_link
    if lk is not None and not is_link_word(lk.text) and first.startswith(lk.text[:1] or "\0"):
        text, tag_name, tag_venue = split_tag(lk.text)
        return _Title(clean_title(text), name or tag_name, venue or tag_venue or _venue_hint(plain0), lk)
    cite = parse_citation(" ".join(ln for ln in t.plain if ln.strip())) or parse_citation(rest)
    if cite is not None:
        return _Title(cite.title, name, venue or cite.venue, None, cite)
    if lead_strong and len(clean_title(lead_strong).split()) >= 2:
        return _Title(clean_title(split_tag(lead_strong.strip("《》"))[0]), name, venue, None, None, True)
    title = clean_title(_plain_title(rest))
    return _Title("" if is_link_word(title) else title, name, venue, None)


def _link_line(t: _Text) -> bool:
    """Whether a block only gives links for a paper named elsewhere: ``Paper: https://arxiv.org/…``,
    ``[📄 Paper](…) | [💻 Code](…)``, ``arXiv：https://…``."""
    if not t.links and not _URL_IN_TEXT.search(t.text):
        return False
    rest = _URL_IN_TEXT.sub(" ", "\n".join(t.plain))
    words = [w for w in re.split(r"[\s|:：,;/·•\[\]()]+", rest) if w and not re.fullmatch(r"\W+", w)]
    return all(is_link_word(w) or _venue_hint(w + " 2000") for w in words) and len(words) <= 6


# --------------------------------------------------------------------------------------------------------------
# The walk
# --------------------------------------------------------------------------------------------------------------
class _Walk:
    """The entries (list items, table rows, paragraphs that name papers) of a post's tree, in order."""

    def __init__(self) -> None:
        self.entries: list[_Entry] = []
        self.heads: list[str] = []  # heading texts by level
        self.appendix_level: int | None = None
        self.items = 0  # how many list items we are in
        self.owner: tuple[str, int] | None = None  # a bold line or heading that titles the links after it
        self.links = 0  # links seen, papers or not

    def read(self, *inlines) -> _Text:
        t = _read(*inlines)
        self.links += sum(1 for lk in t.links if lk.kind != "empty")
        return t

    def path(self) -> list[str]:
        return [h for h in self.heads if h]

    def block(self, node) -> None:
        for child in node.children:
            kind = child.type
            if kind == "heading":
                self.heading(child)
            elif kind == "list_item":
                self.item(child)
            elif kind == "table":
                self.table(child)
            elif kind == "paragraph":
                self.paragraph(child)
            elif kind in ("bullet_list", "ordered_list", "blockquote"):
                self.block(child)

    def heading(self, node) -> None:
        level = int(node.tag[1:]) if node.tag[1:].isdigit() else 1
        inline = node.children[0] if node.children else None
        t = self.read(inline)
        htext = _heading_text(t)
        heads = self.heads
        self.heads = heads[: level - 1] + [""] * max(0, level - 1 - len(heads)) + [htext]
        if self.appendix_level is not None and level <= self.appendix_level:
            self.appendix_level = None
        if self.appendix_level is None and _APPENDIX.match(htext):
            self.appendix_level = level
        self.owner = None
        if self.appendix_level is None and not self.items:
            if t.links:
                self.prose(t, _line(node), self.heads[: level - 1])
            else:
                title = clean_title(split_tag(re.sub(r"^\s*\d+(?:\.\d+)*[.)]?\s+", "", t.lines[0]))[0])
                if looks_like_title(title):
                    self.owner = (title, level)

    def paragraph(self, node) -> None:
        if self.items or self.appendix_level is not None:
            return  # a list item reads its own paragraphs; the appendix is not read
        inline = node.children[0] if node.children else None
        t = self.read(inline)
        line = _line(node)
        if _link_line(t) and self.owner is not None:
            self.entries.append(self.entry(line, t, owner=self.owner))
            return
        head = _title_of(t)
        if head.cite is not None or (
            (head.from_bold or split_tag(t.plain[0].strip())[0] != t.plain[0].strip())
            and (t.links or ids_in_text(t.text))
        ):
            self.entries.append(self.entry(line, t, head=head))
            self.owner = None
            return
        if head.from_bold and not t.links:
            self.owner = (head.title, 0)
            return
        self.prose(t, line, self.path())

    def prose(self, t: _Text, line: int, path: list[str]) -> None:
        self.entries.extend(_prose_entries(t, line, path))

    def item(self, node) -> None:
        """A list item: its own paragraphs make its entry; the blocks nested in it are read with it as their
        owner (``- **Title**`` then ``  - Paper: …``)."""
        line = _line(node)
        own = [c for c in node.children if c.type == "paragraph"]
        t = self.read(*(p.children[0] if p.children else None for p in own))
        if self.appendix_level is not None:
            if t.links:
                self.entries.append(self.entry(line, t))
            return
        outer = self.owner
        link_line = _link_line(t) and outer is not None
        e = self.entry(line, t, owner=outer if link_line else None)
        self.entries.append(e)
        self.owner = (e.title, -1) if e.title and not e.links and not e.text_ids else outer
        self.items += 1
        for child in node.children:
            kind = child.type
            if kind == "heading":
                self.heading(child)
            elif kind == "table":
                self.table(child)
            elif kind in ("bullet_list", "ordered_list", "blockquote"):
                self.block(child)
        self.items -= 1
        self.owner = outer

    def table(self, node) -> None:
        """Each body row is an entry, its cells read in order (a header row is not)."""
        for part in node.children:
            if part.type != "tbody":
                continue
            for row in part.children:
                cells = [cell.children[0] if cell.children else None for cell in row.children]
                if cells:
                    self.entries.append(self.entry(_line(row), self.read(*cells), row=True))

    def entry(self, line: int, t: _Text, *, head: _Title | None = None, owner=None, row=False) -> _Entry:
        if row:
            head = _row_title(t)
        head = head or _title_of(t)
        title, path = head.title, self.path()
        if owner is not None:
            title = owner[0]
            if owner[1] > 0:  # a heading titles it: a paper's title, not a section
                if owner[1] <= len(self.heads):
                    self.heads[owner[1] - 1] = ""
                path = self.path()
        raw = t.text
        text_ids = ids_in_text(raw)
        date = next((e for e in t.ems if _DATE.match(e)), None)
        if date is None:
            m = _ISO_DATE.search(raw)
            date = m.group(1) if m else None
        venue = head.venue or _venue_hint(raw.replace(head.title, " ", 1) if head.title else raw)
        return _Entry(
            line=line,
            title=title,
            links=t.links,
            text_ids=text_ids,
            lines=[ln.strip() for ln in t.lines],
            path=path,
            anchor_ids=t.anchors,
            date=date,
            venue=venue,
            in_appendix=self.appendix_level is not None,
            title_link=head.link,
            raw=raw,
            name=head.name or "",
            cite=head.cite is not None,
            owned=owner is not None,
        )


def _row_title(t: _Text) -> _Title:
    """A table row's title: the first cell that names something (a check mark, a year or an empty cell does
    not)."""
    for k in range(len(t.lines)):
        cell = _Text()
        cell.lines, cell.plain = [t.lines[k]], [t.plain[k]]
        cell.strongs = [(0, s, st) for ln, s, st in t.strongs if ln == k]
        cell.first_link = next(
            (
                lk
                for lk in t.links
                if lk.text and t.lines[k].strip().startswith(lk.text[:1]) and lk.text in t.lines[k]
            ),
            None,
        )
        head = _title_of(cell)
        if head.title and not _NO_TITLE.match(head.title):
            return head
    return _Title()


def _line(node) -> int:
    return node.map[0] + 1 if node.map else 0


def _heading_text(t: _Text) -> str:
    """A heading's text; a link to a paper in it names the paper, not the section (unless it is all there is)."""
    text = " ".join(t.lines[0].split())
    outside = text
    for lk in t.links:
        if lk.kind == "paper-id" and lk.text:
            outside = outside.replace(lk.text, " ")
    outside = " ".join(outside.split())
    return outside or text


def _prose_entries(t: _Text, line: int, path: list[str]) -> list[_Entry]:
    """The papers a paragraph, a blockquote or a heading names: one entry per link to a paper (its title is the
    link text when that reads as a title, else S2's will be) and per bare ``arXiv:ID`` in its text; a paragraph
    whose links name no paper is one entry that is skipped with the reason."""
    text = " ".join(t.text.split())
    out = []
    others = []
    for lk in t.links:
        if lk.kind == "paper-id" or (lk.kind == "paper-page" and looks_like_title(lk.text)):
            title = clean_title(lk.text) if looks_like_title(lk.text) else ""
            out.append(_prose_entry(line, title, lk, dict(lk.ids), text, path))
        elif lk.kind != "empty":
            others.append(lk)
    linked = {v for lk in t.links for v in lk.ids.values()}
    for m in _ARXIV_TEXT.finditer(text):
        if m.group("id") not in linked:
            linked.add(m.group("id"))
            lk = _Link("arXiv:" + m.group("id"), "", "paper-id", {"arxiv": m.group("id")})
            named = _NAME_BEFORE.search(text[: m.start()])
            name = named.group("name") if named and is_method_name(named.group("name")) else ""
            out.append(_prose_entry(line, "", lk, {"arxiv": m.group("id")}, text, path, name=name))
    if not out and others:
        out.append(_prose_entry(line, "", others[0], {}, text, path, links=others))
    return out


def _prose_entry(line, title, link, ids, text, path, name="", links=None) -> _Entry:
    """One paper (or the links seen) that prose names: no anchors, date, venue or appendix of its own."""
    return _Entry(
        line=line,
        title=title,
        links=links or [link],
        text_ids=ids,
        lines=[text],
        path=path,
        raw=text,
        prose=True,
        name=name,
        title_link=link if title else None,
    )


def parse_markdown(text: str, source: str = "", meta: dict | None = None) -> SeedList:
    """Seeds of a reading-list post in Markdown (front matter, if any, already taken off and given as ``meta``).

    >>> post = '''# 1 Nets
    ... 1. [TSN: Temporal Segment Networks](https://arxiv.org/abs/1608.00859v1)
    ... *2016-08-02* ECCV 2016 [code](https://github.com/yjxiong/tsn-pytorch)
    ... 1. [Some code](https://github.com/x/y)
    ... '''
    >>> sl = parse_markdown(post, meta={"title": "My list", "date": "2019-05-14"})
    >>> [(p.key, p.label, p.sections, p.date, p.venue) for p in sl.papers]
    [('arXiv:1608.00859', 'TSN', ['1 Nets'], '2016-08-02', 'ECCV 2016')]
    >>> [(s.line, s.reason) for s in sl.skipped], sl.title, sl.date
    ([(4, 'code repository')], 'My list', '2019-05-14')
    """
    from markdown_it.tree import SyntaxTreeNode

    meta = meta or {}
    walk = _Walk()
    walk.block(SyntaxTreeNode(_parser().parse(text)))
    entries = method_names(walk.entries)
    entries.sort(key=lambda e: e.line)
    cands: list[_Candidate] = []
    skipped: list[Skipped] = []
    for e in entries:
        cand, skip = judge(e)
        if cand is not None:
            cands.append(cand)
        if skip is not None:
            skipped.append(skip)
    title = meta.get("title")
    return SeedList(
        papers=merge(cands),
        skipped=skipped,
        title=str(title).strip() if title else None,
        date=_front_date(meta),
        source=source,
        links=walk.links,
        front_matter=dict(meta or {}),
    )


def _front_date(meta: dict) -> str | None:
    d = meta.get("date")
    if d is None:
        return None
    m = re.match(r"\d{4}-\d{2}-\d{2}", str(d))
    if not m:
        return None
    import datetime

    try:  # 2019-13-45 is no date
        return datetime.date.fromisoformat(m.group(0)).isoformat()
    except ValueError:
        return None
