"""Layer 1: lineage, missing papers and exports on hand-made graphs whose answers are known."""

from __future__ import annotations

import csv

import networkx as nx
import pytest

from graphkit.discover import find_missing
from graphkit.errors import GraphkitError, LineageError
from graphkit.export import write_all, write_bibtex, write_csv
from graphkit.graph import node_label
from graphkit.lineage import (
    backbone,
    check_declared,
    main_path,
    parse_chain,
    read_lineages,
    resolve_name,
    seed_dag,
)


def seed_graph(years: dict, edges: list, dates: dict | None = None) -> nx.DiGraph:
    G = nx.DiGraph()
    for n, y in years.items():
        G.add_node(
            n,
            seed=True,
            year=y,
            key=f"arXiv:{n}",
            label=n.upper(),
            title=f"Paper {n}",
            publicationDate=(dates or {}).get(n),
        )
    for u, v in edges:  # u cites v
        G.add_edge(u, v, isInfluential=False, intents=[], contexts=[])
    return G


def test_backbone_drops_the_shortcut():
    G = seed_graph(
        {"a": 2010, "b": 2012, "c": 2014, "d": 2016},
        [("b", "a"), ("c", "b"), ("d", "c"), ("d", "a"), ("c", "a")],
    )
    assert backbone(G) == [("a", "b"), ("b", "c"), ("c", "d")]


def test_cycle_broken_by_date_and_counted():
    G = seed_graph(
        {"a": 2017, "b": 2017, "c": 2018},
        [("a", "b"), ("b", "a"), ("c", "a")],
        dates={"a": "2017-03-01", "b": "2017-06-01", "c": "2018-01-01"},
    )
    D, dropped = seed_dag(G)
    assert dropped == 1 and sorted(D.edges) == [("b", "a"), ("c", "a")]  # a (March) cannot cite b (June)
    assert main_path(G)["dropped_edges"] == 1
    same = seed_graph({"x": 2017, "y": 2017}, [("x", "y"), ("y", "x")])  # same year, no dates: a stable rule
    D, dropped = seed_dag(same)
    assert dropped == 1 and nx.is_directed_acyclic_graph(D)


def test_main_path_known_by_hand():
    # flow a -> b -> d -> e and a -> c -> d; e and f are sinks; a is the only source
    G = seed_graph(
        {"a": 2010, "b": 2011, "c": 2011, "d": 2012, "e": 2013, "f": 2013},
        [("b", "a"), ("c", "a"), ("d", "b"), ("d", "c"), ("e", "d"), ("f", "d")],
    )
    # N-: a1 b1 c1 d2 e2 f2 ; N+: e1 f1 d2 b2 c2 a4 ; SPC: ab 2, ac 2, bd 2, cd 2, de 2, df 2 -> all tie
    mp = main_path(G)
    assert mp["spc"] == 2
    assert mp["paths"][0] == ["a", "b", "d", "e"]  # ties broken by the earlier (date, id)
    G.add_node("g", seed=True, year=2009)
    G.add_edge("c", "g")  # c also builds on g: a second source flows through c
    # N-: a1 g1 b1 c2 d3 e3 f3 ; N+: e1 f1 d2 b2 c2 a4 g2 ; SPC: c->d 4 is the key route; d->e, d->f 3 tie (e first);
    # back from c: a->c and g->c tie at 2, g is older
    mp = main_path(G)
    assert mp["spc"] == 4 and mp["paths"] == [["g", "c", "d", "e"]]


def test_main_path_scales_without_enumerating_paths():
    # a ladder of 60 rungs has 2**60 source-sink paths: DP handles it at once
    G = nx.DiGraph()
    prev = None
    for i in range(60):
        for side in "lr":
            G.add_node(f"{side}{i}", seed=True, year=1900 + i)
            if prev:
                for p in prev:
                    G.add_edge(f"{side}{i}", p)
        prev = [f"l{i}", f"r{i}"]
    mp = main_path(G)
    assert len(mp["paths"][0]) == 60 and mp["spc"] == 2**58


def test_declared_direct_indirect_missing():
    G = seed_graph({"a": 2010, "b": 2012, "c": 2014, "z": 2015}, [])
    G.add_node("x", seed=False, year=2013, title="not a seed")
    G.add_node("s", seed=True, year=2013, key="arXiv:s", label="S", title="seed s")
    G.add_edge("b", "a", isInfluential=True, intents=["methodology"], contexts=["c1", "c2", "c3", "c4"])
    G.add_edge("c", "x", isInfluential=False, intents=[], contexts=[])
    G.add_edge("x", "b", isInfluential=False, intents=[], contexts=[])
    G.add_edge("c", "s", isInfluential=False, intents=[], contexts=[])
    G.add_edge("s", "b", isInfluential=False, intents=[], contexts=[])
    got = check_declared(G, [["A", "B", "C"], ["arXiv:a", "Z"]])
    assert got[0] == {
        "from": "a",
        "to": "b",
        "status": "direct",
        "path": ["b", "a"],
        "influential": True,
        "intents": ["methodology"],
        "contexts": ["c1", "c2", "c3"],
    }
    assert got[1]["status"] == "indirect" and got[1]["path"] == ["c", "s", "b"]  # through the seed, not x
    assert got[1]["influential"] is None
    assert got[2]["status"] == "missing" and got[2]["path"] == []


def test_names_and_chains(tmp_path):
    G = seed_graph({"a": 2010, "b": 2012}, [])
    G.nodes["a"]["label"] = G.nodes["b"]["label"] = "TSN"  # now the label TSN is ambiguous
    G.nodes["a"]["externalIds"] = {"ArXiv": "1608.00859", "DOI": "10.1/X"}
    assert resolve_name(G, "arXiv:1608.00859v3") == "a" and resolve_name(G, "doi:10.1/x") == "a"
    with pytest.raises(LineageError, match="ambiguous: it names arXiv:a, arXiv:b"):
        resolve_name(G, "tsn ")
    with pytest.raises(LineageError, match="'Nope' is not in the graph"):
        resolve_name(G, "Nope")
    for bad in ["", "A", "A ->", "-> B", "A -> -> B"]:
        with pytest.raises(LineageError, match="malformed lineage"):
            parse_chain(bad)
    f = tmp_path / "l.txt"
    f.write_text("# comment\nA -> B  # trailing\n\nB => C\nbroken ->\n", encoding="utf-8")
    with pytest.raises(LineageError, match=r"l.txt:5: malformed"):
        read_lineages(f)


def planted() -> nx.DiGraph:
    G = nx.DiGraph(date="2019-05-14")
    seeds = [f"s{i}" for i in range(10)]
    for i, s in enumerate(seeds):
        G.add_node(s, seed=True, year=2015 + i % 4, title=s)
    G.add_node("F1", title="Foundation one", year=2012, citationCount=900)
    G.add_node("F2", title="Foundation two", year=2014, citationCount=50000)
    G.add_node("F3", title="cited once", year=2013)
    G.add_node("U1", title="Follow-up", year=2020, publicationDate="2020-02-01")
    G.add_node("U0", title="Too early", year=2019, publicationDate="2019-01-01")
    for s in seeds[:8]:
        G.add_edge(s, "F1", isInfluential=s in ("s0", "s1", "s2"))
    for s in seeds[:8]:
        G.add_edge(s, "F2", isInfluential=False)
    G.add_edge("s0", "F3", isInfluential=True)
    for s in seeds[:4]:  # 40 % of the seeds: follow-ups, not surveys
        G.add_edge("U1", s, isInfluential=False)
        G.add_edge("U0", s, isInfluential=False)
    return G


def test_missing_ranks_and_reasons():
    G = planted()
    f = find_missing(G, kind="foundations", top=5)
    # F3 is cited by one seed only; F2 (cited 50,000 times) outranks F1 (900) though fewer seeds cite it influentially
    assert [m["paperId"] for m in f] == ["F2", "F1"]
    assert (
        f[1]["reason"] == "cited by 8 of 10 seeds (3 influential) · cited 900 times"
        and f[1]["score"] == 13.12
    )
    assert f[1]["citationsPerYear"] is None and f[1]["coverage"] == 0.8
    u = find_missing(G, kind="followups", top=5)
    assert [(m["paperId"], m["reason"]) for m in u] == [
        ("U1", "cites 4 of 10 seeds (0 influential) · citations unknown")
    ]
    assert [m["paperId"] for m in find_missing(G, kind="followups", since="2018-01-01")] == [
        "U0",
        "U1",
    ]  # a tie: by id
    both = find_missing(G, top=1)
    assert [m["paperId"] for m in both] == ["F2", "U1"]
    for bad in (0, -3):
        with pytest.raises(GraphkitError, match="positive"):
            find_missing(G, top=bad)
    with pytest.raises(GraphkitError, match="use foundations, followups, surveys or all"):
        find_missing(G, kind="reviews")


def listed(n_seeds: int, *, now: int = 2024) -> nx.DiGraph:
    """``n_seeds`` seeds from 2015 and a newest paper of year ``now``; add candidates with :func:`candidate`."""
    G = nx.DiGraph(date="2018-01-01")
    for i in range(n_seeds):
        G.add_node(f"s{i:03d}", seed=True, year=2015, title=f"seed {i}")
    G.add_node("newest", year=now, title="sets the reference year")
    return G


def candidate(G, pid, n_cited, *, year=2020, cites=0, infl_cites=0, title=None, infl_links=0):
    """A paper citing the first ``n_cited`` seeds (the first ``infl_links`` of them influentially)."""
    G.add_node(
        pid,
        title=title or f"paper {pid}",
        year=year,
        publicationDate=f"{year}-06-01",
        citationCount=cites,
        influentialCitationCount=infl_cites,
        externalIds={"ArXiv": "2001.00001", "DOI": "10.1/" + pid},
        url=f"https://www.semanticscholar.org/paper/{pid}",
    )
    seeds = sorted(n for n, d in G.nodes(data=True) if d.get("seed"))
    for k, s in enumerate(seeds[:n_cited]):
        G.add_edge(pid, s, isInfluential=k < infl_links)


def ids(rows):
    return [m["paperId"] for m in rows]


def test_cited_paper_outranks_an_uncited_one_citing_twice_the_seeds():
    G = listed(82)
    candidate(G, "many", 30)  # cites 30 seeds, cited by nobody
    candidate(G, "cited", 15, cites=1000, year=2015)  # cites 15 seeds, cited 1,000 times over ten years
    got = find_missing(G, kind="followups", since="2010-01-01")
    assert ids(got) == ["cited", "many"] and got[0]["score"] > got[1]["score"]
    assert got[0]["reason"] == "cites 15 of 82 seeds (0 influential) · cited 1,000 times (100 a year)"
    assert got[1]["reason"] == "cites 30 of 82 seeds (0 influential) · cited 0 times (0 a year)"


def test_recent_paper_is_not_buried_under_an_older_one():
    G = listed(40, now=2024)
    candidate(G, "old", 12, year=2014, cites=600)  # ten years old
    candidate(G, "new", 12, year=2022, cites=400)  # two years old
    got = find_missing(G, kind="followups", since="2010-01-01")
    assert ids(got) == ["new", "old"]
    assert got[0]["citationsPerYear"] == round(400 / 3, 1) and got[1]["citationsPerYear"] == round(
        600 / 11, 1
    )
    assert (
        find_missing(G, kind="followups", since="2010-01-01", now=2024) == got
    )  # the newest year in the graph


def test_surveys_by_coverage_or_title_are_never_follow_ups():
    G = listed(50)
    candidate(G, "wide", 30, cites=5000)  # 60 % of the seeds: a survey, however much it is cited
    candidate(G, "titled", 4, title="Video Networks: A Survey", cites=10)
    candidate(G, "review", 3, title="Deep learning for action recognition: a review")
    candidate(G, "method", 20, cites=300)
    candidate(G, "early", 40, year=2016)  # before the post, but it still covers the list
    assert ids(find_missing(G, kind="followups", top=50)) == ["method"]
    surveys = find_missing(G, kind="surveys", top=50)
    assert ids(surveys) == ["wide", "early", "titled", "review"]
    assert [m["coverage"] for m in surveys] == [0.6, 0.8, 0.08, 0.06]
    assert surveys[0]["reason"].startswith("covers 60% of the list: cites 30 of 50 seeds")
    every = find_missing(G, top=50)
    assert {m["kind"] for m in every if m["paperId"] in ("wide", "titled", "review", "early")} == {"survey"}
    assert [m["kind"] for m in every].count("followup") == 1


def test_ties_break_deterministically():
    orders = []
    for names in (["b", "a", "c"], ["c", "a", "b"]):
        G = listed(20)
        for n in names:
            candidate(G, n, 5, cites=50)
        candidate(G, "d", 5, cites=50, infl_links=0)
        orders.append(ids(find_missing(G, kind="followups")))
    assert orders[0] == orders[1] == ["a", "b", "c", "d"]
    G = listed(20)
    candidate(G, "z", 6, infl_links=0)
    candidate(G, "y", 5, infl_links=1)  # the same score (6 links): more seeds first
    assert [m["score"] for m in find_missing(G, kind="followups")] == [2.45, 2.45]
    assert ids(find_missing(G, kind="followups")) == ["z", "y"]


def test_missing_rows_carry_ids_and_links():
    G = listed(10)
    candidate(G, "p", 4, cites=12)
    m = find_missing(G, kind="followups")[0]
    assert (m["arxiv"], m["doi"], m["url"]) == (
        "2001.00001",
        "10.1/p",
        "https://www.semanticscholar.org/paper/p",
    )
    G.add_node("bare", year=2021, title="no ids")
    G.add_edges_from([("bare", "s000"), ("bare", "s001")])
    m = next(m for m in find_missing(G, kind="followups") if m["paperId"] == "bare")
    assert (m["arxiv"], m["doi"], m["url"]) == (None, None, "https://www.semanticscholar.org/paper/bare")


def test_exports_escape_hostile_strings(tmp_path):
    G = planted()
    G.nodes["F1"].update(
        title="=cmd|' /C calc'!A0 {unbalanced",
        venue="<script>alert(1)</script>",
        authors=["Mallory O'Neil"],
        externalIds={"ArXiv": "1234.5678"},
    )
    G.nodes["s0"].update(
        title="@SUM(1+1) | <img src=x onerror=alert(1)>\ufffe",
        sections=["5 基本网络", "5.4 双流法"],
        key="arXiv:s0",
    )
    G.graph["unresolved"] = [{"key": "title:x", "title": "a | b <b>", "reason": "no title match"}]
    missing = find_missing(G)
    files = write_all(G, tmp_path, declared=[], main={"paths": [["s0", "F1"]]}, missing=missing)
    assert [p.name for p in files] == [
        "graph.graphml",
        "graph.gexf",
        "papers.csv",
        "missing.bib",
        "report.md",
    ]
    with (tmp_path / "papers.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_id = {r["paperId"]: r for r in rows}
    assert by_id["F1"]["title"].startswith("'=") and by_id["s0"]["title"].startswith("'@")
    assert by_id["F1"]["missing_kind"] == "foundation" and by_id["s0"]["sections"] == "5 基本网络; 5.4 双流法"
    import bibtexparser

    lib = bibtexparser.parse_string((tmp_path / "missing.bib").read_text(encoding="utf-8"))
    assert not lib.failed_blocks and len(lib.entries) == len(missing)
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "<script>" not in report and "<img" not in report and "a \\| b &lt;b&gt;" in report
    # written by networkx, read back by networkx: the same nodes, edges and scalar attributes in both formats
    for H in (nx.read_graphml(tmp_path / "graph.graphml"), nx.read_gexf(tmp_path / "graph.gexf")):
        assert set(H) == set(G) and set(H.edges) == set(G.edges)
        assert H.nodes["F1"]["venue"] == "<script>alert(1)</script>" and H.nodes["s0"]["seed"] is True
        assert (
            H.nodes["s0"]["sections"] == "5 基本网络; 5.4 双流法"
            and H.nodes["s0"]["title"] == "@SUM(1+1) | <img src=x onerror=alert(1)>"
        )
        assert H.nodes["F1"]["missing_kind"] == "foundation" and isinstance(H.nodes["s0"]["year"], int)
        assert H.nodes["s0"]["label"] == node_label(G, "s0")
        assert all(
            not isinstance(v, (list, dict)) and v is not None
            for _, d in H.nodes(data=True)
            for v in d.values()
        )
    assert 'version="1.2"' in (tmp_path / "graph.gexf").read_text(encoding="utf-8")[:400]  # Gephi's 1.2draft


def test_csv_and_bib_write_errors_are_output_errors(tmp_path):
    from graphkit.errors import OutputError

    G = planted()
    with pytest.raises(OutputError, match="cannot write"):
        write_csv(G, tmp_path / "no" / "dir" / "papers.csv")
    with pytest.raises(OutputError):
        write_bibtex(G, tmp_path / "no" / "x.bib", [])


def test_report_bib_and_csv_carry_surveys_ids_and_scores(tmp_path):
    G = listed(10)
    candidate(G, "wide", 6, cites=40)  # a survey by coverage
    candidate(G, "method", 3, cites=50)
    missing = find_missing(G)
    write_all(G, tmp_path, declared=[], main={"paths": []}, missing=missing)
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    surveys = report.split("## Surveys that cover this list", 1)[1]
    assert "| # | paper | year | covers | why |" in surveys and "| 60% of the seeds |" in surveys
    assert "[arXiv:2001.00001](https://arxiv.org/abs/2001.00001)" in surveys
    assert "[DOI](https://doi.org/10.1/wide)" in surveys and "method" not in surveys
    follow = report.split("## Follow-ups the list is missing", 1)[1].split("## Surveys", 1)[0]
    assert "paper method" in follow and "cites 3 of 10 seeds (0 influential) · cited 50 times" in follow
    import bibtexparser

    lib = bibtexparser.parse_string((tmp_path / "missing.bib").read_text(encoding="utf-8"))
    by_note = {e["note"].split(":")[0]: e for e in lib.entries}
    assert set(by_note) == {"graphkit survey", "graphkit followup"}
    e = by_note["graphkit survey"]
    assert (e["eprint"], e["archivePrefix"], e["doi"], e["url"]) == (
        "2001.00001",
        "arXiv",
        "10.1/wide",
        "https://www.semanticscholar.org/paper/wide",
    )
    with (tmp_path / "papers.csv").open(encoding="utf-8", newline="") as f:
        rows = {r["paperId"]: r for r in csv.DictReader(f)}
    assert (rows["wide"]["missing_kind"], float(rows["wide"]["missing_score"])) == (
        "survey",
        missing[0]["score"],
    )
    assert rows["s000"]["missing_kind"] == rows["s000"]["missing_score"] == ""
