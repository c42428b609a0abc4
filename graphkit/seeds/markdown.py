"""A reading-list post in Markdown -> seeds: markdown-it-py's token stream, read piece by piece so that a huge post
never holds all its tokens. Pure."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

from .ids import _ARXIV_TEXT, classify_link, ids_in_text
from .merge import merge
from .model import SeedList, Skipped, _Candidate, _Entry, _Link, _short
from .names import _DATE, _NAME_BEFORE, _is_name, _venue_hint, looks_like_title, make_label, repo_name

_ISO_DATE = re.compile(r"(?<![\d-])((?:19|20)\d{2}-\d{2}-\d{2})(?![\d-])")
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


_NO_BITS = _HtmlBits()


def _html_bits(fragment: str) -> _HtmlBits:
    if fragment.startswith("</") or "=" not in fragment:  # a closing tag, or a tag with no attributes
        return _NO_BITS
    p = _HtmlBits()
    p.feed(fragment)
    p.close()
    return p


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
    for t, value in inline.children:
        if t == "link_open":
            cur_link = {"href": value, "text": ""}
        elif t == "link_close" and cur_link is not None:
            kind, ids, reason = classify_link(cur_link["href"])
            links.append(_Link(cur_link["href"], cur_link["text"].strip(), kind, ids, reason))
            if first_is_link is None:
                first_is_link = True
                title = cur_link["text"].strip()
            cur_link = None
        elif t == "html_inline":
            bits = _html_bits(value)
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
            content = value
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


_TITLE_END = re.compile(
    r"\s*(?:[,;(]\s*(?:see\s+)?)?(?:arXiv\s*:|doi\s*:|https?://)|\s+(?:—|--|–)\s", re.IGNORECASE
)


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
    m = (
        re.compile(r"^[^\S\n]*(?:---|\.\.\.)[^\S\n]*$", re.MULTILINE).search(text, first + 1)
        if first >= 0
        else None
    )
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


# A post is parsed in pieces of at least this many characters, cut before top-level headings (see _tree_pieces)
_PIECE = 1 << 19
_CUT = re.compile(
    r"^[ \t]*\n(?=#{1,6}(?:[ \t]|$))", re.MULTILINE
)  # a blank line, then a column-0 ATX heading

# A one-line link reference definition (``[label]: destination "title"``) and a column-0..3 code fence
_DEF_LINE = re.compile(
    r"""^ {0,3}\[(?P<label>(?:[^\[\]\\\n]|\\.){0,999}[^\s\[\]\\](?:[^\[\]\\\n]|\\.){0,999})\]:"""
    r"""[ \t]*(?:<[^<>\n]*>|[^\s<]\S*)(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*$""",
    re.MULTILINE,
)
_FENCE_LINE = re.compile(r"^ {0,3}(?P<fence>`{3,}(?!.*`)|~{3,})(?P<rest>.*)$", re.MULTILINE)
_LABEL_USE = re.compile(r"\[((?:[^\[\]\\\n]|\\.){1,999})\]")


def _ref_key(label: str) -> str:
    """A reference label as CommonMark matches it: case-folded, inner whitespace collapsed."""
    return " ".join(label.split()).casefold()


def _lift_definitions(text: str) -> tuple[str, dict[str, str]]:
    r"""``text`` with its one-line link reference definitions lifted out, and the definitions by label (the first
    of duplicates wins, as in CommonMark). Each lifted line becomes an empty HTML comment at the same indent, which
    closes a list as the definition did and keeps the line numbers.

    A definition is a line of that shape after a blank line or another definition, outside a code fence; the rare
    multi-line ones stay in the text for the parser. Lifting them lets every piece of a huge post use a definition
    made in another (only the ones it names are given back to it), and keeps a long run of definitions away from
    the parser, which is slow on them.

    >>> body, refs = _lift_definitions("See [TSN][t].\n\n[t]: https://arxiv.org/abs/1608.00859\n[T]: x\n")
    >>> body, refs
    ('See [TSN][t].\n\n<!-- -->\n<!-- -->\n', {'t': '[t]: https://arxiv.org/abs/1608.00859'})
    >>> _lift_definitions("para\n[t]: http://a\n")[1], _lift_definitions("```\n\n[t]: http://a\n```\n")[1]
    ({}, {})
    >>> _lift_definitions("```\n```python\n\n[t]: http://a\n```\n")[1]  # a line with an info string closes no fence
    {}
    """
    if "]:" not in text:
        return text, {}
    fences = [(m.start(), m.group("fence"), m.group("rest")) for m in _FENCE_LINE.finditer(text)]
    closed: list[tuple[int, int]] = []  # spans of fenced code
    open_at, marker = -1, ""
    for pos, f, rest in fences:
        if open_at < 0:
            open_at, marker = pos, f
        elif f[0] == marker[0] and len(f) >= len(marker) and not rest.strip():  # a closing fence has no info
            closed.append((open_at, pos))
            open_at = -1
    if open_at >= 0:
        closed.append((open_at, len(text)))
    refs: dict[str, str] = {}
    keep: list[str] = []
    last = 0
    prev_def_end = -2
    k = 0
    for m in _DEF_LINE.finditer(text):
        a = m.start()
        while k < len(closed) and closed[k][1] < a:
            k += 1
        if k < len(closed) and closed[k][0] <= a:
            continue
        before = text.rfind("\n", 0, max(a - 1, 0)) + 1 if a else 0
        if a and a - 1 != prev_def_end and text[before : a - 1].strip():
            continue  # it continues a paragraph
        line = m.group(0)
        refs.setdefault(_ref_key(m.group("label")), line.strip())
        keep.append(text[last:a])
        keep.append(line[: len(line) - len(line.lstrip())] + "<!-- -->")
        last = m.end()
        prev_def_end = m.end()
    if not keep:
        return text, refs
    keep.append(text[last:])
    return "".join(keep), refs


def _with_definitions(piece: str, refs: dict[str, str]) -> str:
    """``piece`` followed by the lifted definitions it names, each after a blank line."""
    if not refs or "[" not in piece:
        return piece
    wanted = {_ref_key(m.group(1)) for m in _LABEL_USE.finditer(piece)}
    lines = [refs[k] for k in wanted if k in refs]
    if not lines:
        return piece
    return piece + ("\n" if piece.endswith("\n") else "\n\n") + "\n" + "\n\n".join(lines) + "\n"


class _Inline:
    """The inline content of one paragraph, heading or table cell, flattened into ``(kind, value)`` pairs:
    ``link_open`` (value: its href) … ``link_close``, ``em_open`` … ``em_close``, ``text``, ``code_inline`` and
    ``html_inline`` (value: their text), ``softbreak``, ``hardbreak``."""

    __slots__ = ("children",)

    def __init__(self, nodes) -> None:
        self.children: list[tuple[str, str]] = []
        _flatten(nodes, self.children)


_LINK_CLOSE, _EM_OPEN, _EM_CLOSE = ("link_close", ""), ("em_open", ""), ("em_close", "")


def _flatten(nodes, out: list[tuple[str, str]]) -> None:
    for n in nodes:
        name = n.name
        if name == "text" or name == "text_special":
            out.append(("text", n.meta["content"]))
        elif name == "link" or name == "autolink":
            out.append(("link_open", n.meta.get("url", "")))
            _flatten(n.children, out)
            out.append(_LINK_CLOSE)
        elif name == "em":
            out.append(_EM_OPEN)
            _flatten(n.children, out)
            out.append(_EM_CLOSE)
        elif name == "code_inline":
            out.append(("code_inline", "".join(c.meta.get("content", "") for c in n.children)))
        elif name == "softbreak" or name == "hardbreak":
            out.append((name, ""))
        elif name == "html_inline":
            out.append(("html_inline", n.meta.get("content", "")))
        elif name != "image":  # strong, strikethrough, …: their text counts; an image's alt text does not
            _flatten(n.children, out)


# the node names of inline content (in a tight list, an item's text sits in the item with no paragraph around it)
_INLINE_NODES = frozenset(
    "text text_special link autolink em strong code_inline image softbreak hardbreak html_inline "
    "strikethrough".split()
)
_OPEN_TO_END = frozenset(("fence", "html_block", "code_block"))
_HEADINGS = frozenset(("heading", "lheading"))  # ATX (``# …``) and setext (underlined)


def _parser():
    import markdown_it_pyrs

    return markdown_it_pyrs.MarkdownIt("commonmark").enable("table")


def _tree_pieces(text: str):
    """The syntax trees of ``text`` (markdown-it.rs, through markdown-it-pyrs) as ``(tree, line_of)`` pieces, so a
    huge post never holds its whole tree; ``line_of(node)`` is the node's 1-based line in ``text``.

    A piece ends with a blank line before a column-0 ATX heading. CommonMark closes every block there except a
    fenced code block or an HTML block of kinds 1–5 (``<pre>``, ``<!--``…), which run on to their end marker: when
    a piece's parse leaves one open to its last line, the cut was not a boundary and the whole text is parsed at
    once instead (yielding ``(None, None)`` first: what was handed out is void). Reference definitions are lifted
    out of the text first (:func:`_lift_definitions`) and each piece gets back those it names.
    """
    md = _parser()
    text, refs = _lift_definitions(text)
    cuts = [0]
    for m in _CUT.finditer(text):
        if m.end() - cuts[-1] >= _PIECE and len(text) - m.end() >= _PIECE // 4:
            cuts.append(m.end())
    spans = list(zip(cuts, [*cuts[1:], len(text)], strict=True))
    first_line = 0
    for k, (a, b) in enumerate(spans):
        piece = text[a:b]
        raw = piece.encode()
        tree = md.tree(_with_definitions(piece, refs))
        if k < len(spans) - 1:
            last_line = raw.rfind(b"\n", 0, len(raw) - 1) + 1
            if _open_to_end(tree, last_line):
                del tree
                yield None, None
                yield md.tree(_with_definitions(text, refs)), _line_index(text.encode(), 0)
                return
        yield tree, _line_index(raw, first_line)
        first_line += piece.count("\n")


def _open_to_end(tree, last_line: int) -> bool:
    """Whether a block that runs on to its end marker (a fence, an HTML block) is still open on the piece's last
    line: only the last block at each depth can be."""
    node = tree
    while node.children:
        node = node.children[-1]
        if node.name in _OPEN_TO_END and node.srcmap and node.srcmap[1] >= last_line:
            return True
    return False


def _line_index(raw: bytes, first_line: int):
    """``line_of(node)``: the 1-based line of a node of a tree parsed from ``raw`` (whose first line is line
    ``first_line + 1`` of the post), from the byte offset where the node starts."""
    from bisect import bisect_right

    newlines = [m.start() for m in re.finditer(b"\n", raw)]

    def line_of(node) -> int:
        return bisect_right(newlines, node.srcmap[0] - 1) + 1 + first_line if node.srcmap else 0

    return line_of


def _entries_from_markdown(text: str, keep: Callable[[_Entry], Any] = lambda e: e) -> list:
    """The entries of a post in order, each passed through ``keep`` as it is made (so a huge post's entries need
    not all be held: ``parse_markdown`` keeps only its verdict on each)."""
    walk = _Walk(keep)
    for tree, line_of in _tree_pieces(text):
        if tree is None:  # a cut that was no boundary: the whole text follows
            walk = _Walk(keep)
            continue
        walk.line_of = line_of
        walk.block(tree)
    return walk.entries


class _Walk:
    """The entries (list items, table rows, papers named in prose) of a post's trees, in order; the heading state
    carries from one piece to the next."""

    def __init__(self, keep) -> None:
        self.keep = keep
        self.entries: list = []
        self.heads: list[str] = []  # heading texts by level
        self.appendix_level: int | None = None
        self.items = 0  # how many list items we are in
        self.line_of: Callable = lambda n: 0

    def block(self, node) -> None:
        for child in node.children:
            name = child.name
            if name in _HEADINGS:
                self.heading(child)
            elif name == "list_item":
                self.item(child)
            elif name == "table":
                self.table(child)
            elif name == "paragraph":
                if not self.items and self.appendix_level is None:
                    self.prose(_Inline(child.children), self.line_of(child), [h for h in self.heads if h])
            elif name in ("bullet_list", "ordered_list", "blockquote"):
                self.block(child)

    def heading(self, node) -> None:
        level = int(node.meta.get("level", 1))
        inline = _Inline(node.children)
        htext = _heading_text(inline)
        heads = self.heads
        self.heads = heads[: level - 1] + [""] * max(0, level - 1 - len(heads)) + [htext]
        if self.appendix_level is not None and level <= self.appendix_level:
            self.appendix_level = None
        if self.appendix_level is None and _APPENDIX.match(htext):
            self.appendix_level = level
        if self.appendix_level is None and not self.items:
            self.prose(inline, self.line_of(node), self.heads[: level - 1])

    def prose(self, inline: _Inline, line: int, path: list[str]) -> None:
        self.entries.extend(self.keep(e) for e in _prose_entries(inline, line, path))

    def item(self, node) -> None:
        """A list item: its own text (paragraphs right in it, or the bare text of a tight list) makes its entry,
        after the entries of the items nested in it."""
        line = self.line_of(node)
        inlines: list[_Inline] = []
        run: list = []
        self.items += 1
        for child in node.children:
            name = child.name
            if name in _INLINE_NODES:
                run.append(child)
                continue
            if run:
                inlines.append(_Inline(run))
                run = []
            if name == "paragraph":
                inlines.append(_Inline(child.children))
            elif name in _HEADINGS:
                self.heading(child)
            elif name == "table":
                self.table(child)
            elif name in ("bullet_list", "ordered_list", "blockquote"):
                self.block(child)
        if run:
            inlines.append(_Inline(run))
        self.items -= 1
        if inlines:
            self.entries.append(self.keep(_make_entry(line, inlines, self.heads, self.appendix_level)))

    def table(self, node) -> None:
        """Each body row is an entry, its cells read in order (a header row is not)."""
        for part in node.children:
            if part.name != "tbody":
                continue
            for row in part.children:
                cells = [_Inline(cell.children) for cell in row.children]
                if cells:
                    self.entries.append(
                        self.keep(_make_entry(self.line_of(row), cells, self.heads, self.appendix_level))
                    )


def _heading_text(inline) -> str:
    """A heading's text; a link to a paper in it names the paper, not the section (unless it is all there is)."""
    outside, everything, in_paper_link = [], [], False
    for t, value in inline.children:
        if t == "link_open":
            in_paper_link = classify_link(value)[0] == "paper-id"
        elif t == "link_close":
            in_paper_link = False
        elif t in ("text", "code_inline"):
            everything.append(value)
            if not in_paper_link:
                outside.append(value)
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
            out.append(_prose_entry(line, title, lk, dict(lk.ids), [text], path, raw))
        else:
            out.append(_prose_entry(line, "", lk, {}, [], path, ""))
    linked = {v for lk in links for v in lk.ids.values()}
    for m in _ARXIV_TEXT.finditer(text):
        if m.group("id") not in linked:
            linked.add(m.group("id"))
            lk = _Link("arXiv:" + m.group("id"), "", "paper-id", {"arxiv": m.group("id")})
            named = _NAME_BEFORE.search(text[: m.start()])
            name = named.group("name") if named and _is_name(named.group("name")) else ""
            out.append(_prose_entry(line, "", lk, {"arxiv": m.group("id")}, [text], path, raw, name=name))
    return out


def _prose_entry(line, title, link, ids, lines, path, raw, name="") -> _Entry:
    """One paper (or one link seen) that prose names: no anchors, date, venue or appendix of its own."""
    return _Entry(
        line, title, [link], ids, lines, path, [], None, None, False, True, raw, prose=True, name=name
    )


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
        m = _ISO_DATE.search(raw_text)
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
    """:func:`_judge`, the candidate keeping only what merging needs of its entry (not its links and text): the
    entry itself is slimmed, so it must not be used after (parsing hands each entry here once, as it is made)."""
    cand, skip = _judge(entry)
    if cand is not None:
        entry.links, entry.text_ids, entry.lines, entry.raw = [], {}, [], ""
    return cand, skip


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
        papers=merge(cands),
        skipped=skipped,
        title=str(title).strip() if title else None,
        date=_front_date(meta),
        source=source,
        links=seen[0],
    )
