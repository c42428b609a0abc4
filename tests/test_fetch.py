"""Layer 2: seeds -> corpus -> graph against the loopback S2 server holding the example post's FIXTURE corpus."""

from __future__ import annotations

import json
import math

import pytest

from graphkit.fetch import bin_citations, fetch_corpus, title_match
from graphkit.graph import build_graph, save_graph
from graphkit.s2 import S2Client
from graphkit.seeds import SeedList, parse_id_list
from tests.conftest import NO_MATCH
from tests.corpus import FixtureCorpus, fid
from tests.s2server import FakeClock, FakeS2


def fresh(srv, tmp_path, **kw):
    kw.setdefault("rps", 0)
    kw.setdefault("backoff", 0.01)
    return S2Client(srv.url, cache_dir=tmp_path / "cache", **kw)


@pytest.mark.parametrize("detail", ["lists", "full"])
def test_example_post_cold_warm_offline(post_seeds, post_corpus, post_server, tmp_path, detail):
    corpus = fetch_corpus(post_seeds, fresh(post_server, tmp_path), detail=detail)
    stats = corpus["stats"]
    # L from the fixture's own counts: 1 batch (69 ids) + 14 title matches + pages
    resolved = [p for p in corpus["papers"].values()]
    expect_l = (
        1
        + 14
        + sum(
            math.ceil(p["referenceCount"] / 1000) + math.ceil(min(p["citationCount"], 10_000) / 1000)
            for p in resolved
        )
    )
    assert stats["paged_requests"] == expect_l
    if detail == "full":
        bound = expect_l
        assert stats["batch_requests"] is None
    else:  # 14 matches, 1 batch with the reference lists, the citation batches
        bound = 14 + 1 + len(bin_citations({p["paperId"]: p["citationCount"] for p in resolved}))
        assert stats["batch_requests"] == bound
    assert (
        stats["requests"] == len(post_server.log) == bound
    )  # nothing discovered an empty list, nothing asked twice
    G = build_graph(corpus)
    assert G.graph["seeds"] == 82
    # every resolved seed is in the graph with all of its references and citations
    for s in corpus["seeds"]:
        if s["status"] != "resolved":
            continue
        pid = s["paperId"]
        assert G.nodes[pid]["seed"]
        refs = {c for c, *_ in post_corpus.refs[pid]}
        assert set(G.successors(pid)) == refs
        assert set(G.predecessors(pid)) == {c for c, *_ in post_corpus.citers(pid)}
        assert G.nodes[pid]["unmatched_refs"] == len(post_corpus.null_refs.get(pid, []))
    # the title-only seed with no match is named, with why
    (u,) = G.graph["unresolved"]
    assert u["title"] == NO_MATCH and u["reason"].startswith("doubtful title match")
    # warm: no request; offline: the same graph
    n = len(post_server.log)
    warm = fetch_corpus(post_seeds, fresh(post_server, tmp_path), detail=detail)
    assert (
        len(post_server.log) == n and warm["stats"]["requests"] == 0 and warm["stats"]["cache_hits"] == bound
    )
    offline = build_graph(fetch_corpus(post_seeds, fresh(post_server, tmp_path, offline=True), detail=detail))
    save_graph(G, tmp_path / "a.json")
    save_graph(offline, tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_unknown_ids_short_lists_and_lying_counts(tmp_path):
    fc = FixtureCorpus()
    a = fc.add("a", "Paper A", 2016, arxiv="1608.00859")
    b = fc.add("b", "Paper B", 2017, arxiv="1711.08496")
    c = fc.add("c", "Paper C", 2018, arxiv="1811.08383")
    for i in range(30):
        fc.cite(a, fc.add(f"r{i}", f"R{i}", 2010))
        fc.cite(b, fc.add(f"q{i}", f"Q{i}", 2011))
        fc.cite(c, fc.add(f"s{i}", f"S{i}", 2012))
    fc.count_override[(b, "referenceCount")] = 0  # s2-folks #142: count says 0, references exist
    fc.count_override[(c, "referenceCount")] = 1200  # more promised than there are: 2 pages planned
    fc.finalise()
    sl = parse_id_list("arXiv:1608.00859\narXiv:1711.08496\narXiv:1811.08383\narXiv:2001.00001\n")
    with FakeS2(fc) as srv:
        srv.script(
            f"/paper/{c}/references$", (200, {"offset": 0, "next": 1000, "data": []}, {})
        )  # s2-folks #117
        corpus = fetch_corpus(sl, fresh(srv, tmp_path), detail="full")
        ref_calls = [r["path"] for r in srv.requests("GET", "/references$")]
    unknown = next(s for s in corpus["seeds"] if s["key"] == "arXiv:2001.00001")
    assert unknown["status"] == "unresolved" and "not found in S2" in unknown["reason"]
    assert len(corpus["references"][a]) == 30
    assert corpus["references"][b] == []  # the count is trusted: no request spent
    assert all(b not in p for p in ref_calls)
    assert ref_calls.count(f"/graph/v1/paper/{c}/references") == 1  # the empty page stops it
    assert {(s["paperId"], s["list"], s["expected"], s["got"]) for s in corpus["short"]} == {
        (c, "references", 1200, 0)
    }


def test_batch_plan_takes_nested_lists_and_completes_short_ones(tmp_path):
    """Nested lists: a reference list whose count says 0 is taken as S2 gives it; one shorter than its count is
    completed page by page and, still short there, reported."""
    fc = FixtureCorpus()
    a = fc.add("a", "Paper A", 2016, arxiv="1608.00859")
    b = fc.add("b", "Paper B", 2017, arxiv="1711.08496")
    c = fc.add("c", "Paper C", 2018, arxiv="1811.08383")
    for i in range(30):
        fc.cite(a, fc.add(f"r{i}", f"R{i}", 2010))
        fc.cite(b, fc.add(f"q{i}", f"Q{i}", 2011))
        fc.cite(c, fc.add(f"s{i}", f"S{i}", 2012))
    fc.count_override[(b, "referenceCount")] = 0
    fc.count_override[(c, "referenceCount")] = 1200
    fc.finalise()
    sl = parse_id_list("arXiv:1608.00859\narXiv:1711.08496\narXiv:1811.08383\n")
    with FakeS2(fc) as srv:
        corpus = fetch_corpus(sl, fresh(srv, tmp_path))
        ref_calls = [r["path"] for r in srv.requests("GET", "/references$")]
        assert len(srv.requests("POST")) == 1  # no citation at all: no citation batch
    assert len(corpus["references"][a]) == len(corpus["references"][b]) == 30
    assert ref_calls == [f"/graph/v1/paper/{c}/references"]  # 30 of 1,200 promised: completed by pages
    assert len(corpus["references"][c]) == 30
    assert {(s["paperId"], s["list"], s["expected"], s["got"]) for s in corpus["short"]} == {
        (c, "references", 1200, 30)
    }
    assert all(e["isInfluential"] is None for e in corpus["references"][a])  # not fetched


def test_citation_cap_recorded(tmp_path):
    fc = FixtureCorpus()
    a = fc.add("a", "Paper A", 2016, arxiv="1608.00859")
    for i in range(10_050):
        fc.cite(fc.add(f"c{i}", f"C{i}", 2019), a)
    fc.finalise()
    with FakeS2(fc) as srv:
        corpus = fetch_corpus(parse_id_list("arXiv:1608.00859\n"), fresh(srv, tmp_path))
    assert corpus["citations_cut"] == {a: 10_050}
    assert len(corpus["citations"][a]) == 9_999
    # a seed cited more than 9,999 times: one batch of its own carries the 9,999 S2 gives (not ten pages)
    assert corpus["stats"]["requests"] == corpus["stats"]["batch_requests"] == 1 + 1
    G = build_graph(corpus)
    assert G.nodes[a]["citations_cut"] is True


def test_title_matching_rules():
    assert (
        title_match(
            "I Have Seen Enough: A Teacher Student Network", "I have seen enough - a teacher student network"
        )
        == "exact"
    )
    assert (
        title_match(
            "Ｖｉｄｅｏ Ａｃｔｉｏｎ Ｔｒａｎｓｆｏｒｍｅｒ Network", "Video Action Transformer Network"
        )
        == "exact"
    )
    assert title_match("Video Action Transformer Network", "Video Action Transformer Networks") == "close"
    assert (
        title_match(
            "Action recognition with improved trajectories", "Action recognition with dense trajectories"
        )
        is None
    )


def test_same_paper_two_seeds_one_node(tmp_path):
    fc = FixtureCorpus()
    fc.add("a", "Paper A", 2016, arxiv="1608.00859", doi="10.1007/a")
    fc.finalise()
    sl: SeedList = parse_id_list("arXiv:1608.00859\nDOI:10.1007/a\n")
    with FakeS2(fc) as srv:
        G = build_graph(fetch_corpus(sl, fresh(srv, tmp_path)))
    assert list(G) == [fid("a")] and G.graph["seeds"] == 1


@pytest.mark.parametrize("rps", [4.0])
def test_keyed_default_style_pace_gets_no_429(tmp_path, rps):
    """With a key and a server enforcing the same rate (token bucket, burst 1), the paced client gets no 429."""
    fc = FixtureCorpus()
    for i in range(6):
        a = fc.add(f"a{i}", f"Paper {i}", 2016, arxiv=f"1608.0085{i}")
        for j in range(3):
            fc.cite(fc.add(f"c{i}{j}", f"C{i}{j}", 2019), a)
    fc.finalise()
    sl = parse_id_list("\n".join(f"arXiv:1608.0085{i}" for i in range(6)))
    clock = FakeClock()
    with FakeS2(fc, api_key="k", rate_limit=rps, clock=clock) as srv:
        corpus = fetch_corpus(sl, clock.pace(S2Client(srv.url, api_key="k", cache_dir=tmp_path, rps=rps)))
        assert [r["status"] for r in srv.log] == [200] * len(srv.log)
        assert srv.min_gap() >= 1 / rps
    n = corpus["stats"]["requests"]
    assert n == 2  # 1 batch with the reference lists + 1 batch with the citation lists
    json.dumps(corpus)  # the corpus is plain JSON
