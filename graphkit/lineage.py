"""Lineage: declared chains checked against the citation graph, and the lineage the data reveals. Pure.

Direction: a chain ``A -> B`` says B builds on A, so in the citation graph B cites A (edge B -> A). Results name
``from`` = the earlier paper and ``to`` = the later one, like the chain.

The seeds' citation DAG is the subgraph induced by the seeds. S2 data has cycles (preprints citing each other);
they are broken by date: an edge whose citing paper is dated strictly before the cited one is dropped; if cycles
remain (same dates, or no dates), the edges inside each strongly connected component that point from the earlier
to the later of (date, paperId) are dropped. The number dropped is reported.
"""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx

from .errors import LineageError
from .graph import build_graph, node_label, paper_date

_ARROW = re.compile(r"\s*(?:->|→|=>|⟶)\s*")


def parse_chain(text: str) -> list[str]:
    """``"TSN -> TRN -> TSM"`` -> ``["TSN", "TRN", "TSM"]``.

    >>> parse_chain("TSN -> arXiv:1711.08496 → TSM")
    ['TSN', 'arXiv:1711.08496', 'TSM']
    >>> parse_chain("TSN ->")
    Traceback (most recent call last):
    graphkit.errors.LineageError: malformed lineage 'TSN ->': write it as 'A -> B -> C' (B builds on A), naming papers by label, arXiv:ID, DOI:… or paperId
    """
    parts = _ARROW.split(text.strip())
    if len(parts) < 2 or any(not p.strip() for p in parts):
        raise LineageError(
            f"malformed lineage {text!r}: write it as 'A -> B -> C' (B builds on A), naming papers by label, "
            "arXiv:ID, DOI:… or paperId"
        )
    return [p.strip() for p in parts]


_ALIAS = re.compile(r"^(?P<name>[^=<>→]+?)\s*=\s*(?P<target>\S.*)$")


def parse_lineage_lines(lines, where: str = "") -> tuple[list[list[str]], dict[str, str]]:
    """Chains (``A -> B -> C``) and names (``TRN = arXiv:1711.08496``) from lines; ``#`` comments and blank lines
    ignored. ``where`` prefixes error messages (``file.txt:3: …``).

    >>> parse_lineage_lines(["TRN = arXiv:1711.08496  # the post calls it TRN", "", "TSN -> TRN -> TSM"])
    ([['TSN', 'TRN', 'TSM']], {'TRN': 'arXiv:1711.08496'})
    """
    chains, aliases = [], {}
    for n, raw in enumerate(lines, start=1):
        line = str(raw).split("#", 1)[0].strip()
        if not line:
            continue
        m = _ALIAS.match(line)
        try:
            if m and not _ARROW.search(line):
                aliases[m.group("name").strip()] = m.group("target").strip()
            else:
                chains.append(parse_chain(line))
        except LineageError as e:
            raise LineageError(f"{where}{n}: {e}" if where else str(e)) from None
    return chains, aliases


def read_lineages(path: str | Path, aliases: dict | None = None) -> list[list[str]]:
    """A lineages file: one chain a line (``A -> B -> C``), or a name for a paper (``TRN = arXiv:1711.08496``,
    put into ``aliases`` when given); ``#`` comments and blank lines ignored. Returns the chains."""
    from .files import read_small_text

    p = Path(path)
    if not p.exists():
        raise LineageError(f"{p}: no such lineages file; give a file with one 'A -> B -> C' a line")
    text = read_small_text(p, "lineages file", LineageError)
    chains, names = parse_lineage_lines(text.splitlines(), where=f"{p}:")
    if aliases is not None:
        aliases.update(names)
    return chains


def apply_aliases(G: nx.DiGraph, aliases: dict[str, str]) -> None:
    """Give papers the names a lineages file or the post's front matter declares (``TRN = arXiv:1711.08496``):
    the name becomes the paper's label on the map, in the report and in lineage paths, and names it in chains.

    Raises
    ------
    LineageError
        A target is not in the graph, or is ambiguous.

    >>> G = nx.DiGraph(); G.add_node("a" * 40, seed=True, key="arXiv:1711.08496", label="Temporal Relational")
    >>> apply_aliases(G, {"TRN": "arXiv:1711.08496"}); G.nodes["a" * 40]["label"]
    'TRN'
    """
    for name, target in aliases.items():
        try:
            n = resolve_name(G, target)
        except LineageError as e:
            raise LineageError(f"the name {name!r} = {target!r}: {e}") from None
        G.nodes[n]["label"] = name
        G.nodes[n]["alias"] = name


def _index(G: nx.DiGraph, seeds_only: bool = False) -> dict:
    idx: dict[str, set] = {}

    def put(name, n):
        if name:
            idx.setdefault(str(name).casefold(), set()).add(n)

    nodes = ((n, d) for n, d in G.nodes(data=True) if d.get("seed")) if seeds_only else G.nodes(data=True)
    for n, d in nodes:
        put(n, n)
        ext = d.get("externalIds") or {}
        if ext.get("ArXiv"):
            put("arxiv:" + str(ext["ArXiv"]), n)
        if ext.get("DOI"):
            put("doi:" + str(ext["DOI"]), n)
        if ext.get("CorpusId") is not None:
            put("corpusid:" + str(ext["CorpusId"]), n)
        if d.get("seed"):
            put(d.get("key"), n)
            put("label:" + (d.get("label") or ""), n)
            for name in d.get("names") or []:  # a BibTeX entry's key
                put("label:" + name, n)
            if not d.get("label"):  # the name the map gives it (SlowFast, Carreira '17)
                put("label:" + node_label(G, n), n)
    return idx


def resolve_name(G: nx.DiGraph, name: str, _idx: dict | None = None) -> str:
    """The node a chain's name stands for: ``arXiv:ID``, ``DOI:…``, a paperId, ``CorpusId:N``, a seed key, or
    a seed's label when exactly one seed has it (case-insensitive).

    >>> G = nx.DiGraph()
    >>> G.add_node("a" * 40, seed=True, key="arXiv:1608.00859", label="TSN", externalIds={"ArXiv": "1608.00859"})
    >>> resolve_name(G, "tsn") == resolve_name(G, "arXiv:1608.00859v2") == "a" * 40
    True
    """
    raw = name.strip()
    key = raw.casefold()
    key = re.sub(r"^(arxiv:\S+?)v\d+$", r"\1", key)
    indexes = [_idx] if _idx is not None else [_index(G, seeds_only=True), None]
    for idx in indexes:
        if idx is None:  # not a seed's name: look at every paper (built only when needed)
            idx = _index(G)
        for candidate in (key, "label:" + key):
            hits = idx.get(candidate)
            if hits and len(hits) == 1:
                return next(iter(hits))
            if hits and len(hits) > 1:
                keys = ", ".join(sorted(G.nodes[n].get("key") or n for n in hits))
                raise LineageError(f"{raw!r} is ambiguous: it names {keys}; use one of those instead")
    raise LineageError(
        f"{raw!r} is not in the graph: name a seed by its label (see `graphkit seeds`), arXiv:ID, DOI:… or paperId"
    )


def influence_cell(d: dict, none: str = "–") -> str:
    """A declared link's influence as a table shows it: ``yes`` / ``no`` (S2's ``isInfluential``), ``not fetched``
    for a direct link whose details were not fetched, else ``none`` (no citation to judge).

    >>> [influence_cell(d) for d in ({"influential": True}, {"status": "direct"}, {"status": "missing"})]
    ['yes', 'not fetched', '–']
    """
    if d.get("influential") is None:
        return "not fetched" if d.get("status") == "direct" else none
    return "yes" if d["influential"] else "no"


def chain_targets(chains: list[list[str]], seeds: list[dict], papers: dict) -> list[str]:
    """The resolved seeds each declared link ``A -> B`` ends at (B: the later paper), in chain order, from the
    seeds as the fetch plan has them (corpus rows and their papers, before any list is read): whose edge details
    the plan fetches. A name that does not resolve is left to :func:`check_declared`, which names it.

    >>> seeds = [{"key": "arXiv:1", "label": "TSN", "paperId": "a" * 40}, {"key": "arXiv:2", "label": "TRN",
    ...           "paperId": "b" * 40}]
    >>> chain_targets([["TSN", "TRN", "Nope"]], seeds, {"a" * 40: {"paperId": "a" * 40}, "b" * 40: {"paperId": "b" * 40}})
    ['bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb']
    """
    if not chains:
        return []
    G = build_graph({"seeds": seeds, "papers": papers})
    idx = _index(G, seeds_only=True)
    out: list[str] = []
    for chain in chains:
        for name in chain[1:]:
            try:
                n = resolve_name(G, name, idx)
            except LineageError:
                continue
            if n in papers and n not in out:
                out.append(n)
    return out


def seed_dag(G: nx.DiGraph) -> tuple[nx.DiGraph, int]:
    """The seeds' citation DAG (edges citing -> cited) with cycles broken by date, and how many edges were dropped.

    >>> G = nx.DiGraph()
    >>> G.add_node("a", seed=True, year=2016); G.add_node("b", seed=True, year=2017)
    >>> G.add_edges_from([("b", "a"), ("a", "b")])  # a 2016 paper "citing" a 2017 preprint
    >>> D, dropped = seed_dag(G); sorted(D.edges), dropped
    ([('b', 'a')], 1)
    """
    seeds = [n for n, d in G.nodes(data=True) if d.get("seed")]
    D = nx.DiGraph()
    D.add_nodes_from(seeds)
    D.add_edges_from((u, v) for u, v in G.subgraph(seeds).edges)
    dates = {n: paper_date(G.nodes[n]) for n in seeds}
    dropped = 0
    backward = [(u, v) for u, v in D.edges if dates[u] and dates[v] and dates[u] < dates[v]]
    D.remove_edges_from(backward)
    dropped += len(backward)
    if not nx.is_directed_acyclic_graph(D):
        order = {n: (dates[n] or "9999", n) for n in seeds}
        for comp in nx.strongly_connected_components(D):
            if len(comp) < 2:
                continue
            bad = [(u, v) for u, v in D.subgraph(comp).edges if order[u] < order[v]]
            D.remove_edges_from(bad)
            dropped += len(bad)
    return D, dropped


def check_declared(G: nx.DiGraph, chains: list[list[str]]) -> list[dict]:
    """Check each consecutive pair A -> B of each chain.

    Returns dicts ``{"from", "to", "status", "path", "influential", "intents", "contexts"}``: ``status`` is
    ``direct`` (B cites A), ``indirect`` (B reaches A through the citation graph; ``path`` is the shortest such
    path from B to A, preferring paths through seeds) or ``missing``. ``influential``, ``intents`` and up to three
    ``contexts`` come from the direct edge (None / empty otherwise; ``influential`` None on a direct edge: its
    details were not fetched).

    Raises
    ------
    LineageError
        A name is not in the graph, or is ambiguous.

    >>> G = nx.DiGraph()
    >>> for n in "abcx": G.add_node(n, seed=n != "x", key=n, label=n.upper())
    >>> G.add_edge("b", "a", isInfluential=True, intents=["methodology"], contexts=["builds on A"])
    >>> G.add_edge("c", "x", isInfluential=False, intents=[], contexts=[]); G.add_edge("x", "b", isInfluential=False)
    >>> [(d["status"], d["path"]) for d in check_declared(G, [["A", "B", "C"], ["C", "A"]])]
    [('direct', ['b', 'a']), ('indirect', ['c', 'x', 'b']), ('missing', [])]
    """

    def weight(u, v, d):  # hops first; through seeds when hops tie
        return 1.0 if G.nodes[v].get("seed") else 1.001

    out = []
    seed_idx = _index(G, seeds_only=True) if chains else {}
    full_idx: dict | None = None
    nodes_of = {}
    for chain in chains:
        for name in chain:
            if name in nodes_of:
                continue
            try:
                nodes_of[name] = resolve_name(G, name, seed_idx)
            except LineageError as e:
                if "ambiguous" in str(e):
                    raise
                full_idx = full_idx if full_idx is not None else _index(G)
                nodes_of[name] = resolve_name(G, name, full_idx)
    for chain in chains:
        nodes = [nodes_of[name] for name in chain]
        for a, b in zip(nodes, nodes[1:], strict=False):
            rec = {
                "from": a,
                "to": b,
                "status": "missing",
                "path": [],
                "influential": None,
                "intents": [],
                "contexts": [],
            }
            if G.has_edge(b, a):
                e = G.edges[b, a]
                infl = e.get("isInfluential")  # None: the link's details were not fetched
                rec.update(
                    status="direct",
                    path=[b, a],
                    influential=None if infl is None else bool(infl),
                    intents=list(e.get("intents") or []),
                    contexts=list(e.get("contexts") or [])[:3],
                )
            elif a != b:
                try:
                    rec.update(status="indirect", path=nx.dijkstra_path(G, b, a, weight=weight))
                except nx.NetworkXNoPath:
                    pass
            out.append(rec)
    return out


def _by_date(G: nx.DiGraph):
    return lambda n: (paper_date(G.nodes[n]) or "9999", n)


def backbone(G: nx.DiGraph) -> list[tuple[str, str]]:
    """Each seed's direct ancestors among the seeds once links implied by longer chains are removed
    (the transitive reduction of the seeds' citation DAG). Pairs ``(earlier, later)``, oldest first.

    >>> G = nx.DiGraph()
    >>> for n, y in zip("abc", (2014, 2016, 2018)): G.add_node(n, seed=True, year=y)
    >>> G.add_edges_from([("b", "a"), ("c", "b"), ("c", "a")])  # c -> a is implied by c -> b -> a
    >>> backbone(G)
    [('a', 'b'), ('b', 'c')]
    """
    D, _ = seed_dag(G)
    R = nx.transitive_reduction(D)
    key = _by_date(G)
    return sorted(((v, u) for u, v in R.edges), key=lambda e: (key(e[0]), key(e[1])))


def main_path(G: nx.DiGraph, max_paths: int = 3) -> dict:
    """The key-route main path by search path count (SPC) over the seeds' citation DAG.

    Knowledge flows from a cited paper to the citing one. For each flow edge u -> v, SPC = N⁻(u) × N⁺(v), where
    N⁻(u) counts paths from any source to u and N⁺(v) paths from v to any sink — both by dynamic programming in
    topological order, never by enumerating paths. The key route is the edge with the highest SPC; the path
    extends from its head forward along the highest-SPC outgoing edge until a sink, and from its tail backward
    along the highest-SPC incoming edge until a source (ties: the earlier (date, paperId)). When several edges tie
    for the highest SPC, one path per key route is returned (at most ``max_paths``, duplicates removed).

    Returns ``{"paths": [[node, …] oldest first], "spc": the key route's SPC, "dropped_edges": int}``.

    >>> G = nx.DiGraph()
    >>> for n, y in zip("abcde", (2010, 2012, 2013, 2014, 2016)): G.add_node(n, seed=True, year=y)
    >>> G.add_edges_from([("b", "a"), ("c", "a"), ("d", "b"), ("d", "c"), ("e", "d"), ("e", "c")])
    >>> main_path(G)["paths"]  # a -> c and d -> e tie at SPC 2: one path per key route
    [['a', 'c', 'd', 'e'], ['a', 'b', 'd', 'e']]
    """
    D, dropped = seed_dag(G)
    F = D.reverse(copy=False)  # flow: cited -> citing
    if F.number_of_edges() == 0:
        return {"paths": [], "spc": 0, "dropped_edges": dropped}
    order = list(nx.topological_sort(F))
    n_minus = {}
    for n in order:
        preds = list(F.predecessors(n))
        n_minus[n] = sum(n_minus[p] for p in preds) if preds else 1
    n_plus = {}
    for n in reversed(order):
        succs = list(F.successors(n))
        n_plus[n] = sum(n_plus[s] for s in succs) if succs else 1
    spc = {(u, v): n_minus[u] * n_plus[v] for u, v in F.edges}
    key = _by_date(G)
    best = max(spc.values())
    routes = sorted((e for e, s in spc.items() if s == best), key=lambda e: (key(e[0]), key(e[1])))
    paths: list[list[str]] = []
    for u, v in routes:
        path = [u, v]
        while True:
            succs = list(F.successors(path[-1]))
            if not succs:
                break
            path.append(min(succs, key=lambda s: (-spc[(path[-1], s)], key(s))))
        while True:
            preds = list(F.predecessors(path[0]))
            if not preds:
                break
            path.insert(0, min(preds, key=lambda p: (-spc[(p, path[0])], key(p))))
        if path not in paths:
            paths.append(path)
        if len(paths) >= max_paths:
            break
    return {"paths": paths, "spc": best, "dropped_edges": dropped}
