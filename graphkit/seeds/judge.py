"""Judging a post's entries: each becomes a seed candidate (ids, an in-page anchor, or a title worth matching) or
a skip with its reason (a data set, a tool, a code repository, a link to no paper, text that is not a title).
Pure."""

from __future__ import annotations

import re

from .model import Skipped, _Candidate, _Entry, _Link, _short
from .names import looks_like_title, make_label, repo_name

# an item whose words say it is a data set or a tool, not a paper
_DATASET_WORDS = re.compile(
    r"\b(?:data\s?sets?|benchmarks?|database|corpus|\d[\d,.]*\s*[kKmM]?\s*(?:hours|videos|clips|classes|"
    r"categories|images|frames|subjects|actions|sequences))\b|数据集|数据库",
    re.IGNORECASE,
)
_TOOL_WORDS = re.compile(
    r"\b(?:toolkit|toolbox|library|libraries|pipelines?|framework|codebase|sdk|api|package|plugin|"
    r"implementation|reimplementation|tutorial|course|lecture|slides)\b|工具|代码库|教程|课程",
    re.IGNORECASE,
)
_DATASET_SECTION = re.compile(r"data\s?sets?|benchmarks?|数据集|数据库", re.IGNORECASE)
_TOOL_SECTION = re.compile(
    r"\btools?\b|toolkits?|libraries|frameworks?|codebases?|software|implementations?|tutorials?|courses?|"
    r"工具|代码|框架|教程|课程",
    re.IGNORECASE,
)
_PAPER_WORDS = frozenset(("paper", "pdf", "arxiv", "论文", "abs", "openreview", "cvf", "doi"))


def section_kind(path: list[str]) -> str | None:
    for h in reversed(path):
        if _DATASET_SECTION.search(h):
            return "dataset page"
        if _TOOL_SECTION.search(h):
            return "tool page"
    return None


def _is_paper_link(lk: _Link) -> bool:
    """A link to a paper without an id: a PDF, a proceedings page, or any page whose text says it is the paper
    (``[[Paper]](https://…github.io/Project/)``)."""
    if lk.kind == "paper-page":
        return True
    if lk.kind in ("other", "non-paper") and lk.reason not in (
        "code repository",
        "video",
        "blog or article site",
    ):
        words = {w for w in re.split(r"[\W\d_]+", lk.text.casefold()) if w}
        return bool(words) and words <= _PAPER_WORDS | {"project", "page"} and bool(words & _PAPER_WORDS)
    return False


def judge(entry: _Entry) -> tuple[_Candidate | None, Skipped | None]:
    """One entry -> a seed candidate, a skip with its reason, or neither (plain text in the appendix)."""
    links = [lk for lk in entry.links if lk.kind != "empty"]
    shown = _short(entry.title or entry.raw, 160)
    if entry.prose:
        if not entry.text_ids and not any(lk.kind == "paper-page" for lk in links):
            return None, Skipped(entry.line, _short(entry.raw, 160), _link_reason(links))
        label, label_q = make_label(entry.title, context=entry.lines[0] if entry.lines else "")
        if entry.name and label_q < 2:
            label, label_q = entry.name, 2
        return _Candidate(
            entry=entry, ids=dict(entry.text_ids), anchor_target=None, label=label, label_q=label_q
        ), None
    if entry.in_appendix:
        if not links:
            return None, None
        reason = next((lk.reason for lk in links if lk.kind == "non-paper"), "") or "in the appendix"
        return None, Skipped(entry.line, shown, reason)
    title_link = entry.title_link
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
    if entry.name:
        label, label_q = entry.name, 2
    if label_q == 0:  # a code repository named after the method
        for lk in links:
            name = repo_name(lk.href, entry.title) if lk.reason == "code repository" else None
            if name:
                label, label_q = name, 1
                break
    anchor = title_link.href[1:] if title_link is not None and title_link.kind == "anchor" else None
    if (
        not anchor
        and not ids
        and links
        and links[0].kind == "anchor"
        and entry.lines
        and entry.lines[0].startswith(links[0].text[:1] or "\0")
    ):
        anchor = links[0].href[1:]
    if ids or anchor:
        return _Candidate(entry=entry, ids=ids, anchor_target=anchor, label=label, label_q=label_q), None
    paper_link = any(_is_paper_link(lk) for lk in links)
    if title_link is not None and title_link.kind == "non-paper" and not paper_link:
        return None, Skipped(entry.line, shown, title_link.reason)
    if not paper_link and not entry.cite:
        kind = _words_kind(entry) or (section_kind(entry.path) if title_link is not None or links else None)
        if kind:
            return None, Skipped(entry.line, shown, kind)
    if not entry.title:
        if links:
            return None, Skipped(entry.line, shown, _link_reason(links))
        return None, Skipped(entry.line, shown, "no link and not a paper title")
    if paper_link or entry.cite or entry.owned:
        return _Candidate(entry=entry, ids={}, anchor_target=None, label=label, label_q=label_q), None
    if title_link is not None and title_link.kind == "other" and (looks_like_title(entry.title) or label_q):
        return _Candidate(entry=entry, ids={}, anchor_target=None, label=label, label_q=label_q), None
    if links and all(lk.kind == "non-paper" for lk in links) and not looks_like_title(entry.title):
        return None, Skipped(entry.line, shown, links[0].reason)
    if looks_like_title(entry.title):
        return _Candidate(entry=entry, ids={}, anchor_target=None, label=label, label_q=label_q), None
    if links:
        return None, Skipped(entry.line, shown, _link_reason(links))
    return None, Skipped(entry.line, shown, "no link and not a paper title")


def _link_reason(links: list[_Link]) -> str:
    """Why links name no paper: the first non-paper link's reason, an in-page link, or a page of no kind."""
    reason = next((lk.reason for lk in links if lk.kind == "non-paper"), "")
    return reason or ("in-page link" if all(lk.kind == "anchor" for lk in links) else "a link to no paper")


def _words_kind(entry: _Entry) -> str | None:
    """ "dataset page" or "tool page" when the item's own words say so (``- 413 hours of video``)."""
    text = entry.raw
    if entry.title and len(entry.title.split()) >= 6:  # a long title is a paper's, whatever words it holds
        text = text.replace(entry.title, " ")
    if _DATASET_WORDS.search(text):
        return "dataset page"
    if _TOOL_WORDS.search(text):
        return "tool page"
    return None


_NAME_ONLY = re.compile(r"^[A-Za-z0-9][\w+\-. /]{0,38}$")


def method_names(entries: list[_Entry]) -> list[_Entry]:
    """A short bullet naming a method directly above a citation (``- TSN`` then ``> Wang L, … [C]//…``) names
    that citation's paper; it is not a paper of its own."""
    by_line = sorted(entries, key=lambda e: e.line)
    drop: set[int] = set()
    for k, e in enumerate(by_line):
        if e.prose or e.links or e.text_ids or e.cite or len(e.lines) != 1:
            continue
        name = e.lines[0].strip().rstrip(":：")
        if not _NAME_ONLY.match(name) or len(name.split()) > 4:
            continue
        for nxt in by_line[k + 1 : k + 4]:
            if nxt.line > e.line + 3:
                break
            if nxt.cite and not nxt.name:
                nxt.name = name
                drop.add(id(e))
                break
    return [e for e in entries if id(e) not in drop]
