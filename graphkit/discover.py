"""The influential papers a reading list is missing. Pure.

* **foundations**: papers not in the list that many seeds cite. Score = seeds citing it + seeds citing it
  influentially (an influential citation counts twice). At least two seeds must cite it.
* **follow-ups**: papers not in the list that cite many seeds, published after the post (front-matter ``date``) or
  after ``since``. Score = seeds it cites + seeds it cites influentially. At least two seeds.

Counting walks only the seeds' own edges (out-edges for foundations, in-edges for follow-ups): linear in the edges
that touch seeds, whatever the size of the graph. Ties: higher score, more seeds, higher S2 citation count, then
paperId.
"""

from __future__ import annotations

import networkx as nx

from .errors import GraphkitError

KINDS = ("foundation", "followup")
MIN_SEEDS = 2


def _published(d: dict) -> str | None:
    """A comparable date: the publication date, else 1 January of the year (so a year alone counts as 'after'
    only when the year itself is after)."""
    if d.get("publicationDate"):
        return str(d["publicationDate"])[:10]
    if d.get("year"):
        return f"{int(d['year']):04d}-01-01"
    return None


def _rank(G: nx.DiGraph, counts: dict, infl: dict, kind: str, n_seeds: int, top: int) -> list[dict]:
    rows = []
    for n, c in counts.items():
        if c < MIN_SEEDS:
            continue
        d = G.nodes[n]
        i = infl.get(n, 0)
        if kind == "foundation":
            reason = f"cited by {c} of {n_seeds} seeds ({i} influential)"
        else:
            reason = f"cites {c} of {n_seeds} seeds" + (f" ({i} influential)" if i else "")
        rows.append({"paperId": n, "title": d.get("title") or "", "year": d.get("year"), "kind": kind,
                     "score": c + i, "seeds": c, "influential": i, "reason": reason,
                     "_sort": (-(c + i), -c, -(d.get("citationCount") or 0), n)})
    rows.sort(key=lambda r: r["_sort"])
    for r in rows:
        del r["_sort"]
    return rows[:top]


def find_missing(G: nx.DiGraph, kind: str = "all", top: int = 20, since: str | None = None) -> list[dict]:
    """Rank the papers the list lacks.

    Parameters
    ----------
    G : the citation graph (seeds carry ``seed=True``).
    kind : ``"foundation"``, ``"followup"`` or ``"all"`` (the top ``top`` of each kind, merged best first).
    top : how many of each kind (≥ 1).
    since : ISO date; follow-ups must be published after it. Default: the post's date (``G.graph["date"]``);
        no date at all means no filter.

    Returns
    -------
    list of ``{"paperId", "title", "year", "kind", "score", "seeds", "influential", "reason"}``, best first.

    >>> G = nx.DiGraph()
    >>> for s in "abc": G.add_node(s, seed=True, year=2016)
    >>> G.add_node("f", seed=False, title="Found", year=2012); G.add_node("u", seed=False, title="Up", year=2020)
    >>> G.add_edges_from([(s, "f", {"isInfluential": s == "a"}) for s in "abc"])
    >>> G.add_edges_from([("u", s, {"isInfluential": False}) for s in "ab"])
    >>> [(m["paperId"], m["kind"], m["score"], m["reason"]) for m in find_missing(G, since="2019-01-01")]
    [('f', 'foundation', 4, 'cited by 3 of 3 seeds (1 influential)'), ('u', 'followup', 2, 'cites 2 of 3 seeds')]
    """
    if not isinstance(top, int) or top < 1:
        raise GraphkitError(f"top must be a positive number, not {top!r}; give --top 1 or more")
    if kind in ("foundations", "followups"):
        kind = kind[:-1]
    if kind not in (*KINDS, "all"):
        raise GraphkitError(f"unknown kind {kind!r}; use foundations, followups or all")
    seeds = [n for n, d in G.nodes(data=True) if d.get("seed")]
    seedset = set(seeds)
    n_seeds = len(seeds)
    out: list[dict] = []
    if kind in ("foundation", "all"):
        cnt: dict = {}
        infl: dict = {}
        for s in seeds:
            for _, v, e in G.out_edges(s, data=True):
                if v not in seedset:
                    cnt[v] = cnt.get(v, 0) + 1
                    if e.get("isInfluential"):
                        infl[v] = infl.get(v, 0) + 1
        out += _rank(G, cnt, infl, "foundation", n_seeds, top)
    if kind in ("followup", "all"):
        after = since if since is not None else G.graph.get("date")
        cnt, infl = {}, {}
        for s in seeds:
            for u, _, e in G.in_edges(s, data=True):
                if u in seedset:
                    continue
                cnt[u] = cnt.get(u, 0) + 1
                if e.get("isInfluential"):
                    infl[u] = infl.get(u, 0) + 1
        if after:
            cnt = {u: c for u, c in cnt.items() if (_published(G.nodes[u]) or "") > str(after)[:10]}
        out += _rank(G, cnt, infl, "followup", n_seeds, top)
    if kind == "all":
        out.sort(key=lambda r: (-r["score"], -r["seeds"], KINDS.index(r["kind"]), r["paperId"]))
    return out
