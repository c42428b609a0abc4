"""Layer 1: the graph from corpus dicts (shapes as S2 sends them; small hand-written fixtures)."""

from __future__ import annotations

import json
from pathlib import Path

from graphkit.graph import build_graph, node_key, node_label, save_graph, seed_nodes
from tests.helpers import load_graph

A, B, C, D, E = ("a" * 40, "b" * 40, "c" * 40, "d" * 40, "e" * 40)
RECORDED = Path(__file__).resolve().parent / "fixtures" / "s2"


def paper(pid, title, year, **kw):
    return {
        "paperId": pid,
        "title": title,
        "year": year,
        "authors": [{"authorId": "1", "name": "X. Y"}],
        **kw,
    }


def corpus():
    return {
        "seeds": [
            {
                "key": "arXiv:1",
                "title": "A",
                "label": "A",
                "sections": ["1 S"],
                "paths": [["1 S"]],
                "line": 3,
                "paperId": A,
                "status": "resolved",
                "reason": None,
            },
            {
                "key": "arXiv:2",
                "title": "B",
                "label": "B",
                "sections": ["2 T"],
                "paths": [["2 T"]],
                "line": 9,
                "paperId": B,
                "status": "resolved",
                "reason": None,
            },
            # the same paper listed again under another key (e.g. a DOI and an arXiv id): one node
            {
                "key": "DOI:10.1/b",
                "title": "B",
                "label": "B2",
                "sections": ["3 U"],
                "paths": [["3 U"]],
                "line": 20,
                "paperId": B,
                "status": "resolved",
                "reason": None,
            },
            {
                "key": "title:Nowhere",
                "title": "Nowhere",
                "paperId": None,
                "status": "unresolved",
                "reason": "no title match",
            },
        ],
        "papers": {A: paper(A, "A", 2016, citationCount=10), B: paper(B, "B", 2018, venue=None)},
        "references": {
            B: [
                {
                    "citedPaper": paper(A, "A", 2016),
                    "isInfluential": True,
                    "intents": ["methodology"],
                    "contexts": ["we build on A"],
                },
                {"citedPaper": paper(C, "C", 2012), "isInfluential": False, "intents": [], "contexts": []},
                {
                    "citedPaper": {"paperId": None, "title": "an unmatched reference"},
                    "isInfluential": False,
                    "intents": [],
                    "contexts": [],
                },
            ],
            A: [
                {"citedPaper": paper(C, "C", 2012), "isInfluential": False, "intents": None, "contexts": None}
            ],
        },
        "citations": {
            A: [
                {
                    "citingPaper": paper(B, "B", 2018),
                    "isInfluential": False,
                    "intents": ["background"],
                    "contexts": ["as in A"],
                },
                {"citingPaper": paper(D, "D", 2020), "isInfluential": False, "intents": [], "contexts": []},
            ],
            B: [{"citingPaper": paper(E, None, None), "isInfluential": False, "intents": [], "contexts": []}],
        },
        "citations_cut": {A: 12000},
        "meta": {"title": "My post", "date": "2019-05-14"},
    }


def test_nodes_edges_and_attributes():
    G = build_graph(corpus())
    assert set(G) == {A, B, C, D, E}
    assert set(G.edges) == {(B, A), (B, C), (A, C), (D, A), (E, B)}
    assert seed_nodes(G) == [A, B]
    assert G.nodes[C]["seed"] is False and G.nodes[C]["year"] == 2012
    assert G.nodes[E]["title"] == ""  # a null title becomes "", never None
    assert G.nodes[B]["venue"] == "" and G.nodes[B]["authors"] == ["X. Y"]
    # the edge seen from both sides merges its attributes
    e = G.edges[B, A]
    assert e["isInfluential"] is True
    assert e["intents"] == ["methodology", "background"]
    assert e["contexts"] == ["we build on A", "as in A"]
    assert G.edges[A, C]["intents"] == [] and G.edges[A, C]["contexts"] == []


def test_seeds_merge_unmatched_and_unresolved():
    G = build_graph(corpus())
    b = G.nodes[B]
    assert (
        b["key"] == "arXiv:2" and b["label"] == "Y '18"
    )  # 'B' only repeats the title: first author and year
    assert b["sections"] == ["2 T", "3 U"] and b["paths"] == [["2 T"], ["3 U"]]
    assert b["unmatched_refs"] == 1 and G.nodes[A]["unmatched_refs"] == 0
    assert G.nodes[A]["citations_cut"] is True and b["citations_cut"] is False
    assert G.graph["seeds"] == 2
    assert G.graph["unresolved"] == [{"key": "title:Nowhere", "title": "Nowhere", "reason": "no title match"}]
    assert G.graph["title"] == "My post" and G.graph["date"] == "2019-05-14"
    assert node_key(G, A) == "arXiv:1" and node_key(G, C) == C
    assert node_label(G, C) == "Y '12"  # a paper outside the list: first author and year


def test_same_corpus_same_graph_and_roundtrip(tmp_path):
    G1, G2 = build_graph(corpus()), build_graph(json.loads(json.dumps(corpus())))
    save_graph(G1, tmp_path / "g1.json")
    save_graph(G2, tmp_path / "g2.json")
    assert (tmp_path / "g1.json").read_bytes() == (tmp_path / "g2.json").read_bytes()
    G3 = load_graph(tmp_path / "g1.json")
    assert set(G3.edges) == set(G1.edges)
    assert G3.nodes[B]["sections"] == ["2 T", "3 U"]
    doc = json.loads((tmp_path / "g1.json").read_text(encoding="utf-8"))
    assert {"nodes", "edges", "directed"} <= set(doc)


def test_real_recorded_shapes_parse():
    """Real S2 objects (with their nulls) become nodes without errors."""
    full = json.loads((RECORDED / "Paper.json").read_text(encoding="utf-8"))
    nulls = json.loads((RECORDED / "PaperWithNullValues.json").read_text(encoding="utf-8"))
    refs = json.loads((RECORDED / "get_paper_references-1.json").read_text(encoding="utf-8"))["response"][
        "data"
    ]
    pid = full["paperId"]
    G = build_graph(
        {
            "seeds": [{"key": pid, "title": full["title"], "paperId": pid, "status": "resolved"}],
            "papers": {pid: full},
            "references": {pid: refs + [{"citedPaper": nulls}]},
            "citations": {},
        }
    )
    assert G.nodes[pid]["seed"] and G.nodes[pid]["title"] == full["title"]
    assert G.out_degree(pid) == len(
        {r["citedPaper"]["paperId"] for r in refs + [{"citedPaper": nulls}] if r["citedPaper"].get("paperId")}
        - {pid}
    )
    for n in G:
        assert isinstance(G.nodes[n]["title"], str) and isinstance(G.nodes[n]["authors"], list)
