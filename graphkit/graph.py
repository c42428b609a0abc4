"""The citation graph: S2 JSON dicts (a *corpus*) -> ``networkx.DiGraph``. Pure.

The corpus is what :func:`graphkit.fetch.fetch_corpus` returns — plain JSON-able dicts, exactly as S2 sent
them, so the same cache always gives the same graph::

    {
      "seeds": [ {<Seed.to_dict()>, "paperId": "…" | None, "status": "resolved" | "unresolved",
                  "reason": None | "not found in S2" | "no title match" | "doubtful title match: …"} ],
      "papers": {paperId: {paper fields}},               # the resolved seeds' own metadata
      "references": {paperId: [{"citedPaper": {…}, "isInfluential", "intents", "contexts"}]},
      "citations": {paperId: [{"citingPaper": {…}, "isInfluential", "intents", "contexts"}]},
      "citations_cut": {paperId: citationCount},         # citation lists cut at S2's 10,000 cap
      "short": [{"paperId", "list", "expected", "got"}], # lists that came back short of their counts
      "meta": {"title": post title, "date": post date}
    }

The graph:

* a node per paper seen (seeds, what they cite, what cites them), keyed by S2 ``paperId``, with
  ``title`` (str), ``year`` (int | None), ``publicationDate`` (str | None), ``venue`` (str), ``authors``
  (list of names), ``citationCount``, ``influentialCitationCount``, ``referenceCount`` (int | None),
  ``externalIds`` (dict), ``url`` (str | None), ``seed`` (bool);
* seeds also carry ``key``, ``label``, ``sections`` (list of heading texts), ``paths`` (one heading chain
  per place the post lists it), ``line``, ``unmatched_refs`` (references S2 gave with ``paperId: null``)
  and ``citations_cut`` (bool);
* an edge citing -> cited with ``isInfluential`` (bool), ``intents`` (list) and ``contexts`` (list);
* ``G.graph``: ``title``, ``date`` (the post's), ``seeds`` (number resolved), ``unresolved`` (list of
  ``{"key", "title", "reason"}``).
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from .files import atomic_write

PAPER_ATTRS = (
    "title",
    "year",
    "publicationDate",
    "venue",
    "authors",
    "citationCount",
    "influentialCitationCount",
    "referenceCount",
    "externalIds",
    "url",
)


def _paper_attrs(paper: dict) -> dict:
    """S2 paper dict -> node attributes (nulls made friendly where a type is promised)."""
    return {
        "title": paper.get("title") or "",
        "year": paper.get("year"),
        "publicationDate": paper.get("publicationDate"),
        "venue": paper.get("venue") or "",
        "authors": [a.get("name") or "" for a in (paper.get("authors") or []) if isinstance(a, dict)],
        "citationCount": paper.get("citationCount"),
        "influentialCitationCount": paper.get("influentialCitationCount"),
        "referenceCount": paper.get("referenceCount"),
        "externalIds": dict(paper.get("externalIds") or {}),
        "url": paper.get("url"),
    }


def _add_paper(G: nx.DiGraph, paper: dict) -> str | None:
    pid = paper.get("paperId")
    if not pid:
        return None
    attrs = _paper_attrs(paper)
    if pid in G:
        node = G.nodes[pid]
        for k, v in attrs.items():  # keep what is known; fill what is missing
            if node.get(k) in (None, "", [], {}) and v not in (None, "", [], {}):
                node[k] = v
    else:
        G.add_node(pid, seed=False, **attrs)
    return pid


def _add_edge(G: nx.DiGraph, citing: str, cited: str, item: dict) -> None:
    if citing == cited:
        return
    infl = bool(item.get("isInfluential"))
    intents = list(item.get("intents") or [])
    contexts = list(item.get("contexts") or [])
    if G.has_edge(citing, cited):
        e = G.edges[citing, cited]
        e["isInfluential"] = e["isInfluential"] or infl
        e["intents"] = e["intents"] + [i for i in intents if i not in e["intents"]]
        e["contexts"] = e["contexts"] + [c for c in contexts if c not in e["contexts"]]
    else:
        G.add_edge(citing, cited, isInfluential=infl, intents=intents, contexts=contexts)


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
    G = nx.DiGraph()
    meta = corpus.get("meta") or {}
    papers = corpus.get("papers") or {}
    cut = corpus.get("citations_cut") or {}
    unresolved = []
    n_seeds = 0
    for s in corpus.get("seeds") or []:
        pid = s.get("paperId")
        if not pid:
            unresolved.append({"key": s.get("key"), "title": s.get("title"), "reason": s.get("reason")})
            continue
        paper = papers.get(pid) or {"paperId": pid, "title": s.get("title")}
        _add_paper(G, paper)
        node = G.nodes[pid]
        if node.get("seed"):  # two list entries resolved to one paper: merge their places
            for sec in s.get("sections") or []:
                if sec not in node["sections"]:
                    node["sections"].append(sec)
            node["paths"].extend(p for p in (s.get("paths") or []) if p not in node["paths"])
            continue
        n_seeds += 1
        node.update(
            seed=True,
            key=s.get("key") or pid,
            label=s.get("label") or (node["title"][:24]),
            sections=list(s.get("sections") or []),
            paths=[list(p) for p in (s.get("paths") or [])],
            line=s.get("line") or 0,
            unmatched_refs=0,
            citations_cut=pid in cut,
        )
    for pid, items in sorted((corpus.get("references") or {}).items()):
        if pid not in G:
            continue
        for item in items:
            cited = item.get("citedPaper") or {}
            if not cited.get("paperId"):
                G.nodes[pid]["unmatched_refs"] = G.nodes[pid].get("unmatched_refs", 0) + 1
                continue
            _add_edge(G, pid, _add_paper(G, cited), item)
    for pid, items in sorted((corpus.get("citations") or {}).items()):
        if pid not in G:
            continue
        for item in items:
            citing = item.get("citingPaper") or {}
            if not citing.get("paperId"):
                continue
            _add_edge(G, _add_paper(G, citing), pid, item)
    G.graph.update(title=meta.get("title"), date=meta.get("date"), seeds=n_seeds, unresolved=unresolved)
    return G


def seed_nodes(G: nx.DiGraph) -> list[str]:
    """The seeds' node ids, in the order of the post (by line).

    >>> G = nx.DiGraph(); G.add_node("x", seed=True, line=9); G.add_node("y", seed=True, line=2)
    >>> G.add_node("z", seed=False); seed_nodes(G)
    ['y', 'x']
    """
    return sorted((n for n, d in G.nodes(data=True) if d.get("seed")), key=lambda n: (G.nodes[n].get("line", 0), n))


def node_key(G: nx.DiGraph, n: str) -> str:
    """A seed's key (``arXiv:1608.00859``), else the paperId."""
    return G.nodes[n].get("key") or n


def node_label(G: nx.DiGraph, n: str) -> str:
    """A short display name: the seed's label, else the first words of the title (≤ 24 characters)."""
    d = G.nodes[n]
    if d.get("label"):
        return d["label"]
    title = d.get("title") or n[:8]
    return title if len(title) <= 24 else title[:23].rstrip() + "…"


def save_graph(G: nx.DiGraph, path: str | Path) -> None:
    """Write ``G`` as networkx node-link JSON (``{"directed", "edges", "graph", "multigraph", "nodes"}``).

    The document is what ``json.dumps(nx.node_link_data(G, edges="edges"), sort_keys=True)`` gives, written in
    chunks so that a million-edge graph is never held twice in memory.
    """
    def dump(obj) -> str:
        return json.dumps(obj, ensure_ascii=False, sort_keys=True)

    def chunks(items):
        batch = []
        for item in items:
            batch.append(dump(item))
            if len(batch) >= 20_000:
                yield ", ".join(batch)
                batch = []
        if batch:
            yield ", ".join(batch)

    with atomic_write(path) as f:
        f.write('{"directed": true, "edges": [')
        for i, part in enumerate(chunks({**d, "source": u, "target": v} for u, v, d in G.edges(data=True))):
            f.write((", " if i else "") + part)
        f.write('], "graph": ' + dump(G.graph) + ', "multigraph": false, "nodes": [')
        for i, part in enumerate(chunks({**d, "id": n} for n, d in G.nodes(data=True))):
            f.write((", " if i else "") + part)
        f.write("]}")


def load_graph(path: str | Path) -> nx.DiGraph:
    """Read a graph written by :func:`save_graph`."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return nx.node_link_graph(data, directed=True, edges="edges")
