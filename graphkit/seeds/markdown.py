"""A reading-list post in Markdown -> seeds: markdown-it-py's token stream, read piece by piece so that a huge post
never holds all its tokens. Pure."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from html.parser import HTMLParser
from typing import Any

from .ids import _ARXIV_TEXT, classify_link, ids_in_text
from .merge import merge
from .model import SeedList, Skipped, _Candidate, _Entry, _Link, _short
from .names import _DATE, _NAME_BEFORE, _is_name, _venue_hint, looks_like_title, make_label, repo_name

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


# A post is parsed in pieces of at least this many characters, cut before top-level headings (see _token_pieces)
_PIECE = 1 << 19
_CUT = re.compile(
    r"^[ \t]*\n(?=#{1,6}(?:[ \t]|$))", re.MULTILINE
)  # a blank line, then a column-0 ATX heading


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
        if k < len(spans) - 1 and any(
            t.type in ("fence", "html_block") and t.map and t.map[1] >= n_lines for t in tokens
        ):
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
            item_stack.append(
                {"line": tok.map[0] + 1 + offset if tok.map else 0, "inlines": [], "level": tok.level}
            )
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
            elif (
                item_stack
                and tokens[i - 1].type == "paragraph_open"
                and tokens[i - 1].level == item_stack[-1]["level"] + 1
            ):  # the item's own text, not a nested item's
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
            out.append(
                _Entry(
                    line,
                    title,
                    [lk],
                    dict(lk.ids),
                    [text],
                    path,
                    [],
                    None,
                    None,
                    False,
                    True,
                    raw,
                    prose=True,
                )
            )
        else:
            out.append(_Entry(line, "", [lk], {}, [], path, [], None, None, False, True, "", prose=True))
    linked = {v for lk in links for v in lk.ids.values()}
    for m in _ARXIV_TEXT.finditer(text):
        if m.group("id") not in linked:
            linked.add(m.group("id"))
            lk = _Link("arXiv:" + m.group("id"), "", "paper-id", {"arxiv": m.group("id")})
            named = _NAME_BEFORE.search(text[: m.start()])
            name = named.group("name") if named and _is_name(named.group("name")) else ""
            out.append(
                _Entry(
                    line,
                    "",
                    [lk],
                    {"arxiv": m.group("id")},
                    [text],
                    path,
                    [],
                    None,
                    None,
                    False,
                    True,
                    raw,
                    prose=True,
                    name=name,
                )
            )
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
