"""The citation graph: S2 JSON dicts (a *corpus*) -> ``networkx.DiGraph``. Pure.

The corpus is what :func:`graphkit.fetch.fetch_corpus` returns — plain JSON-able dicts, exactly as S2 sent
them, so the same cache always gives the same graph::

    {
      "seeds": [ {<Seed.to_dict()>, "paperId": "…" | None, "status": "resolved" | "unresolved",
                  "reason": None | "not found in S2" | "no title match" | "doubtful title match: …"} ],
      "papers": {paperId: {paper fields}},               # the resolved seeds' own metadata
      "references": {paperId: [{"citedPaper": {…}, "isInfluential", "intents", "contexts"}]},
      "citations": {paperId: [{"citingPaper": {…}, "isInfluential", "intents", "contexts"}]},
                                                         # details None where not fetched (fetch's batch plan)
      "citations_cut": {paperId: citationCount},         # citation lists cut at S2's 10,000 cap
      "short": [{"paperId", "list", "expected", "got"}], # lists that came back short of their counts
      "meta": {"title": post title, "date": post date},
      "fetched": {"oldest", "newest", "undated"}        # when the answers used were fetched (optional)
    }

The graph:

* a node per paper seen (seeds, what they cite, what cites them), keyed by S2 ``paperId``, with
  ``title`` (str), ``year`` (int | None), ``publicationDate`` (str | None), ``venue`` (str), ``authors``
  (list of names), ``citationCount``, ``influentialCitationCount``, ``referenceCount`` (int | None),
  ``externalIds`` (dict), ``url`` (str | None), ``seed`` (bool);
* seeds also carry ``key``, ``label``, ``sections`` (list of heading texts), ``paths`` (one heading chain
  per place the post lists it), ``line``, ``unmatched_refs`` (references S2 gave with ``paperId: null``)
  and ``citations_cut`` (bool);
* an edge citing -> cited with ``isInfluential`` (bool, or None: not fetched), ``intents`` (list) and
  ``contexts`` (list; empty when not fetched);
* ``G.graph``: ``title``, ``date`` (the post's), ``seeds`` (number resolved), ``unresolved`` (list of
  ``{"key", "title", "reason"}``) and, when the corpus says, ``fetched`` (``{"oldest", "newest", "undated"}``: when
  the S2 answers it was built from were fetched, UTC ISO times).
"""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx

from .clean import clean_text, http_url
from .files import atomic_write
from .seeds.names import is_method_name

YEARS = range(1600, 2101)  # the plausible years of a paper S2 knows
S2_PAPER = "https://www.semanticscholar.org/paper/"  # a paper's page on Semantic Scholar: S2_PAPER + paperId


def paper_year(d: dict) -> int | None:
    """A paper's year: ``year``, else the year of its ``publicationDate``; a year outside :data:`YEARS` (3000,
    2**63 - 1, 0) is unknown, so no score or layout rests on it.

    >>> paper_year({"year": 2016}), paper_year({"publicationDate": "2019-12-10"}), paper_year({})
    (2016, 2019, None)
    >>> paper_year({"year": 3000}), paper_year({"year": 2**63 - 1, "publicationDate": "0001-01-01"})
    (None, None)
    """
    y = d.get("year")
    if isinstance(y, int) and not isinstance(y, bool):
        return y if y in YEARS else None
    pd = str(d.get("publicationDate") or "")
    return int(pd[:4]) if pd[:4].isdigit() and int(pd[:4]) in YEARS else None


def paper_date(d: dict) -> str | None:
    """A comparable date (ISO): the publication date, else 1 January of the year — so a paper known only by its
    year counts as "after" a date only when its year is after it. The one rule for ordering papers in time.

    >>> paper_date({"publicationDate": "2019-12-10T00:00:00"}), paper_date({"year": 2017}), paper_date({})
    ('2019-12-10', '2017-01-01', None)
    """
    if d.get("publicationDate"):
        return str(d["publicationDate"])[:10]
    y = paper_year(d)
    return f"{y:04d}-01-01" if y is not None else None


def _paper_attrs(paper: dict) -> dict:
    """S2 paper dict -> node attributes (nulls made friendly where a type is promised)."""
    get = paper.get
    year = get("year")
    authors = get("authors") or ()
    ids = get("externalIds") or {}
    return {
        "title": clean_text(get("title") or ""),
        "year": year if type(year) is int and year in YEARS else None,
        "publicationDate": _plausible_date(get("publicationDate")),
        "venue": clean_text(get("venue") or ""),
        "authors": [clean_text(a.get("name") or "") for a in authors if type(a) is dict] if authors else [],
        "citationCount": get("citationCount"),
        "influentialCitationCount": get("influentialCitationCount"),
        "referenceCount": get("referenceCount"),
        "externalIds": {clean_text(k): clean_text(v) for k, v in dict(ids).items()} if ids else {},
        "url": http_url(get("url")),
    }


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _plausible_date(value) -> str | None:
    """An ISO date S2 gave, if it is one and its year is plausible (see :data:`YEARS`).

    >>> _plausible_date("2016-10-08"), _plausible_date("3000-01-01"), _plausible_date("08/10/2016")
    ('2016-10-08', None, None)
    """
    if isinstance(value, str) and _ISO_DATE.match(value) and int(value[:4]) in YEARS:
        return value
    return None


_EMPTY = (None, "", [], {})


def _add_paper(nodes: dict[str, dict], paper: dict) -> str | None:
    """Add (or complete) a paper's node attributes in ``nodes``; its paperId, or None when it has none."""
    pid = paper.get("paperId")
    if not pid:
        return None
    node = nodes.get(pid)
    if node is None:
        nodes[pid] = {"seed": False, **_paper_attrs(paper)}
    else:
        for k, v in _paper_attrs(paper).items():  # keep what is known; fill what is missing
            if node.get(k) in _EMPTY and v not in _EMPTY:
                node[k] = v
    return pid


def _add_edge(edges: dict[tuple[str, str], dict], citing: str, cited: str, item: dict) -> None:
    """Add (or merge into) an edge of ``edges``. ``isInfluential`` None means "not fetched": a fetched answer wins.

    >>> E = {}; _add_edge(E, "b", "a", {"isInfluential": None}); E["b", "a"]["isInfluential"] is None
    True
    >>> _add_edge(E, "b", "a", {"isInfluential": False, "intents": ["background"]}); E["b", "a"]["isInfluential"]
    False
    """
    if citing == cited:
        return
    raw = item.get("isInfluential")
    infl = None if raw is None else bool(raw)
    intents = [clean_text(i) for i in item.get("intents") or [] if isinstance(i, str)]
    contexts = [clean_text(c) for c in item.get("contexts") or [] if isinstance(c, str)]
    e = edges.get((citing, cited))
    if e is not None:
        if infl is not None:
            e["isInfluential"] = bool(e["isInfluential"]) or infl
        e["intents"] = e["intents"] + [i for i in intents if i not in e["intents"]]
        e["contexts"] = e["contexts"] + [c for c in contexts if c not in e["contexts"]]
    else:
        edges[citing, cited] = {"isInfluential": infl, "intents": intents, "contexts": contexts}


def _add_seeds(nodes: dict[str, dict], corpus: dict) -> tuple[list[dict], int]:
    """The seeds' nodes, in the list's order (two entries of one paper merged); the unresolved ones, and how many
    resolved."""
    papers = corpus.get("papers") or {}
    cut = corpus.get("citations_cut") or {}
    unresolved: list[dict] = []
    n_seeds = 0
    for s in corpus.get("seeds") or []:
        pid = s.get("paperId")
        if not pid:
            unresolved.append({"key": s.get("key"), "title": s.get("title"), "reason": s.get("reason")})
            continue
        _add_paper(nodes, papers.get(pid) or {"paperId": pid, "title": s.get("title")})
        node = nodes[pid]
        if node.get("seed"):  # two list entries resolved to one paper: merge their places
            node["sections"].extend(sec for sec in s.get("sections") or [] if sec not in node["sections"])
            node["paths"].extend(p for p in (s.get("paths") or []) if p not in node["paths"])
            node["names"].extend(n for n in (s.get("names") or []) if n not in node["names"])
            node["label"] = node["label"] or s.get("label") or ""
            continue
        n_seeds += 1
        node.update(
            seed=True,
            key=s.get("key") or pid,
            label=s.get("label") or "",  # a name the list gives it; else node_label names it
            names=list(s.get("names") or []),
            sections=list(s.get("sections") or []),
            paths=[list(p) for p in (s.get("paths") or [])],
            line=s.get("line") or 0,
            unmatched_refs=0,
            citations_cut=pid in cut,
        )
    return unresolved, n_seeds


def build_graph(corpus: dict) -> nx.DiGraph:
    """Build the citation graph from a corpus (see the module docstring).

    >>> corpus = {
    ...     "seeds": [{"key": "arXiv:1", "title": "A", "label": "A", "sections": ["1 S"], "paths": [["1 S"]],
    ...                "line": 3, "paperId": "a" * 40, "status": "resolved", "reason": None}],
    ...     "papers": {"a" * 40: {"paperId": "a" * 40, "title": "A", "year": 2016}},
    ...     "references": {"a" * 40: [{"citedPaper": {"paperId": "b" * 40, "title": "B", "year": 2014},
    ...                                "isInfluential": True, "intents": ["methodology"], "contexts": []},
    ...                               {"citedPaper": {"paperId": None, "title": "Lost"}}]},
    ...     "citations": {"a" * 40: []},
    ... }
    >>> G = build_graph(corpus)
    >>> sorted(G.nodes[n]["title"] for n in G)
    ['A', 'B']
    >>> G.edges["a" * 40, "b" * 40]["isInfluential"], G.nodes["a" * 40]["unmatched_refs"]
    (True, 1)
    """
    # nodes and edges are gathered in plain dicts, in the order met, and added to the graph at once (the same
    # graph, node and edge order as adding them one by one, in a fraction of the time)
    nodes: dict[str, dict] = {}
    edges: dict[tuple[str, str], dict] = {}
    meta = corpus.get("meta") or {}
    unresolved, n_seeds = _add_seeds(nodes, corpus)
    for pid, items in sorted((corpus.get("references") or {}).items()):
        if pid not in nodes:
            continue
        for item in items:
            cited = item.get("citedPaper") or {}
            if not cited.get("paperId"):
                nodes[pid]["unmatched_refs"] = nodes[pid].get("unmatched_refs", 0) + 1
                continue
            _add_edge(edges, pid, _add_paper(nodes, cited), item)
    for pid, items in sorted((corpus.get("citations") or {}).items()):
        if pid not in nodes:
            continue
        for item in items:
            citing = item.get("citingPaper") or {}
            if citing.get("paperId"):
                _add_edge(edges, _add_paper(nodes, citing), pid, item)
    G = nx.DiGraph()
    G.add_nodes_from(nodes.items())
    G.add_edges_from((u, v, d) for (u, v), d in edges.items())
    _name_seeds(G)
    G.graph.update(title=meta.get("title"), date=meta.get("date"), seeds=n_seeds, unresolved=unresolved)
    if meta.get("api"):
        G.graph.update(api=meta["api"], api_official=bool(meta.get("api_official")))
    if corpus.get("fetched"):
        G.graph["fetched"] = dict(corpus["fetched"])
    return G


def _name_seeds(G: nx.DiGraph) -> None:
    """Every seed gets its name once the graph knows its authors and year (:func:`node_label`), made unique among
    the seeds (:func:`unique_labels`: two "TSN"s, two "Wang '16"s are told apart by year, then a letter), so that
    each name names one paper on the map, in the report and in chains."""
    seeds = seed_nodes(G)
    for n, name in unique_labels(G, seeds).items():
        G.nodes[n]["label"] = name


def fetched_dates(G: nx.DiGraph) -> str | None:
    """The day (or the span of days, oldest to newest) the data in ``G`` was fetched from S2; None if unknown.

    >>> G = nx.DiGraph(fetched={"oldest": "2026-10-01T08:00:00Z", "newest": "2026-11-26T19:00:00Z", "undated": 0})
    >>> fetched_dates(G)
    '2026-10-01 – 2026-11-26'
    >>> G.graph["fetched"]["oldest"] = "2026-11-26T01:00:00Z"; fetched_dates(G)
    '2026-11-26'
    >>> fetched_dates(nx.DiGraph()) is None
    True
    """
    f = G.graph.get("fetched") or {}
    lo, hi = (f.get("oldest") or "")[:10], (f.get("newest") or "")[:10]
    if not hi:
        return None
    return hi if lo in ("", hi) else f"{lo} – {hi}"


def seed_nodes(G: nx.DiGraph) -> list[str]:
    """The seeds' node ids, in the order of the post (by line).

    >>> G = nx.DiGraph(); G.add_node("x", seed=True, line=9); G.add_node("y", seed=True, line=2)
    >>> G.add_node("z", seed=False); seed_nodes(G)
    ['y', 'x']
    """
    return sorted(
        (n for n, d in G.nodes(data=True) if d.get("seed")), key=lambda n: (G.nodes[n].get("line", 0), n)
    )


def node_key(G: nx.DiGraph, n: str) -> str:
    """A seed's key (``arXiv:1608.00859``), else the paperId."""
    return G.nodes[n].get("key") or n


_METHOD = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9\-+]*[A-Za-z0-9+])(?:[:：,]|\s|$)")


def _given_name(label: str, title: str) -> bool:
    """Whether a seed's label is a name its list gives it (``TSN: …``, ``(I3D)``, a note line), rather than the
    first words of its title."""
    label, title = label.strip(), (title or "").strip()
    if not label:
        return False
    if not title.casefold().startswith(label.casefold()):
        return True
    rest = title[len(label) :].lstrip()
    if rest[:1] in (":", "："):
        return len(label.split()) <= 3
    return all(is_method_name(w, from_title=True) for w in label.split()) and len(label.split()) <= 2


def author_year(d: dict) -> str | None:
    """``Carreira '17``: the first author's surname and the two-digit year (None without an author).

    >>> author_year({"authors": ["João Carreira", "Andrew Zisserman"], "year": 2017})
    "Carreira '17"
    >>> author_year({"authors": ["Wang"], "year": None})
    'Wang'
    """
    authors = d.get("authors") or []
    first = str(authors[0]).strip() if authors else ""
    if not first:
        return None
    surname = first.split()[-1].strip(".,") or first
    year = d.get("year")
    return f"{surname} '{int(year) % 100:02d}" if isinstance(year, int) else surname


def node_label(G: nx.DiGraph, n: str) -> str:
    """A paper's name, the way its readers name it: a name the user declared for it (``alias``), else the name the
    list gives a seed (``TSN``), else the method name its title starts with (``SlowFast Networks for …`` →
    ``SlowFast``), else first author and two-digit year (``Carreira '17``), else the first words of the title (never
    cut inside a word).

    >>> G = nx.DiGraph()
    >>> G.add_node("s", seed=True, label="TSN", title="Temporal Segment Networks", authors=["Limin Wang"], year=2016)
    >>> G.add_node("t", seed=True, label="Temporal Relational", title="Temporal Relational Reasoning in Videos",
    ...            authors=["Bolei Zhou"], year=2017)
    >>> G.add_node("f", title="SlowFast Networks for Video Recognition", authors=["C. Feichtenhofer"], year=2019)
    >>> G.add_node("u", title="Untitled: a study", authors=[], year=None)
    >>> [node_label(G, n) for n in "stfu"]
    ['TSN', "Zhou '17", 'SlowFast', 'Untitled: a study']
    """
    d = G.nodes[n]
    if d.get("alias"):  # a name the user gave it (lineages file, front matter)
        return d["alias"]
    title = d.get("title") or ""
    label = d.get("label") or ""
    if label and _given_name(label, title):
        return label
    m = _METHOD.match(title)
    if m and is_method_name(m.group("name"), from_title=True):
        return m.group("name")
    ay = author_year(d)
    if ay:
        return ay
    if label:
        return label
    if not title:
        return n[:8]
    out = ""
    for w in title.split():
        if len(out) + len(w) + 1 > 24:
            break
        out = f"{out} {w}" if out else w
    return (out or title[:23]) + ("…" if len(out) < len(title) else "")


def unique_labels(G: nx.DiGraph, nodes) -> dict[str, str]:
    """:func:`node_label` for ``nodes``, made unique: where two papers share a name, the year is added, then a
    letter (``Wang '16a``, ``Wang '16b``), in the order of the nodes given.

    >>> G = nx.DiGraph()
    >>> G.add_node("a", label="Net", title="Net: one", year=2016); G.add_node("b", label="Net", title="Net: two", year=2018)
    >>> G.add_node("c", title="x", authors=["L. Wang"], year=2016); G.add_node("d", title="y", authors=["M. Wang"], year=2016)
    >>> unique_labels(G, "abcd")
    {'a': "Net '16", 'b': "Net '18", 'c': "Wang '16a", 'd': "Wang '16b"}
    """
    nodes = list(nodes)
    base = {n: node_label(G, n) for n in nodes}
    count: dict[str, int] = {}
    for lab in base.values():
        count[lab] = count.get(lab, 0) + 1
    out = {}
    for n in nodes:
        lab = base[n]
        y = G.nodes[n].get("year")
        if count[lab] > 1 and "'" not in lab and isinstance(y, int):
            lab = f"{lab} '{y % 100:02d}"
        out[n] = lab
    count = {}
    for lab in out.values():
        count[lab] = count.get(lab, 0) + 1
    seen: dict[str, int] = {}
    for n in nodes:
        lab = out[n]
        if count[lab] > 1:
            seen[lab] = seen.get(lab, 0) + 1
            out[n] = lab + "abcdefghijklmnopqrstuvwxyz"[(seen[lab] - 1) % 26] * (1 + (seen[lab] - 1) // 26)
    return out


def save_graph(G: nx.DiGraph, path: str | Path) -> None:
    """Write ``G`` as networkx node-link JSON (``nx.node_link_data(G, edges="edges")``: ``{"directed", "edges",
    "graph", "multigraph", "nodes"}``), keys sorted, compact, UTF-8 (encoded with orjson), without
    ``G.graph["fetched"]`` and the API's origin (when and where the data was fetched is in the build summary,
    report.md and the map, so two caches of the same answers give the same file)."""
    import orjson

    data = nx.node_link_data(G, edges="edges")
    data["graph"] = {k: v for k, v in G.graph.items() if k not in ("fetched", "api", "api_official")}
    with atomic_write(path, "wb") as f:
        f.write(orjson.dumps(data, option=orjson.OPT_SORT_KEYS))
