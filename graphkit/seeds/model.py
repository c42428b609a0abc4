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
    text: str = ""  # the entry's own text, for judging a title match (S2's title found in it)

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
    front_matter: dict = field(default_factory=dict)  # a post's Jekyll front matter, read once with the post

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
    """One list item, table row or paragraph of a post, one entry of an export, or one paper a paragraph links
    to, before merging."""

    line: int
    title: str
    links: list[_Link] = field(default_factory=list)
    text_ids: dict = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)  # the entry's own text, one string per line
    path: list[str] = field(default_factory=list)
    anchor_ids: list[str] = field(default_factory=list)
    date: str | None = None
    venue: str | None = None
    in_appendix: bool = False
    title_link: _Link | None = None  # the link whose text is the title
    raw: str = ""  # the entry's whole text: where ids are searched, and what a title match is checked against
    prose: bool = False  # a link in a paragraph, a blockquote or a heading (a seed only if it is a paper's)
    name: str = ""  # the name the entry gives its paper: a tag (``[TSN]``), a bullet above a citation
    cite: bool = False  # the title was read from a citation string
    owned: bool = False  # the title is a bold line's or heading's that the entry gives the links of


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
