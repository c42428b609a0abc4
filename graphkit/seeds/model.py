"""The seed list's types: a paper of the list (:class:`Seed`), an entry passed over (:class:`Skipped`), the list
(:class:`SeedList`), and the parser's own intermediate records. Pure."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .ids import api_id


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
        """The id to ask S2 for, or None for a title-only seed (see :func:`graphkit.seeds.ids.api_id`)."""
        return api_id(self.ids)

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


@dataclass
class _Link:
    href: str
    text: str
    kind: str  # "paper-id" | "anchor" | "non-paper" | "other" | "empty"
    ids: dict
    reason: str = ""


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


@dataclass
class _Candidate:
    entry: _Entry
    ids: dict
    anchor_target: str | None
    label: str
    label_q: int
    names: list[str] = field(default_factory=list)


def _short(text: str, n: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"
