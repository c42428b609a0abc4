"""One paper is one seed: list entries that share an id, an in-page anchor or a normalised title merge. Pure."""

from __future__ import annotations

from .ids import seed_key
from .model import Seed, _Candidate
from .names import normalise_title


def merge(cands: list[_Candidate]) -> list[Seed]:
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
            if not any(
                n in ga and n in gb and ga[n][1] != gb[n][1] for n in ("arxiv", "doi", "s2", "corpusId")
            ):
                union(by_title[nt], k)
        else:
            by_title[nt] = k
    groups: dict[int, list[_Candidate]] = {}
    for k, c in enumerate(cands):
        groups.setdefault(uf[k], []).append(c)
    seeds: list[Seed] = []
    quality: list[int] = []
    for members in groups.values():
        got = _seed_of(sorted(members, key=lambda c: c.entry.line))
        if got is not None:
            seeds.append(got[0])
            quality.append(got[1])
    _unique_labels(seeds, quality)
    seeds.sort(key=lambda s: s.line)
    return seeds


def _seed_of(members: list[_Candidate]) -> tuple[Seed, int] | None:
    """One group of merged candidates (in the list's order) as a seed, and how well founded its label is; None for
    an in-page link to something that is not a paper entry."""
    ids: dict = {}
    for c in members:
        for n, v in c.ids.items():
            ids.setdefault(n, v)
    if not ids and all(c.anchor_target for c in members):
        return None
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
    seed = Seed(
        key=seed_key(ids, title),
        title=title or None,
        ids=full_ids,
        sections=list(sections),
        line=main.entry.line,
        label=best.label if best.label_q > 0 else "",  # a name the list gives it, or none
        date=next((c.entry.date for c in [main, *members] if c.entry.date), None),
        venue=next((c.entry.venue for c in [main, *members] if c.entry.venue), None),
        paths=list(paths.values()),
        names=list(dict.fromkeys(n for c in members for n in c.names)),
        text=_clip(main.entry.raw or title, 600),
    )
    return seed, best.label_q


def _clip(text: str, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[:n]


def _unique_labels(seeds: list[Seed], quality: list[int]) -> None:
    """A name names one paper: where seeds share a label (or a label is another seed's key or BibTeX name), the
    best-founded keeps it (a name the list states before one read off a code repository; then the first), the
    others go without."""
    taken: dict[str, int] = {}
    for k in sorted(range(len(seeds)), key=lambda k: (-quality[k], seeds[k].line)):
        label = seeds[k].label.casefold()
        if not label:
            continue
        if label in taken:
            seeds[k].label = ""
        else:
            taken[label] = k
