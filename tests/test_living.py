"""Issue 15, a living reading list: negative answers cached, fetch dates, what changed between builds, an honest
up-to-date check, Gephi files on request and a graph.json every allowed networkx loads. Through the CLI against
the loopback S2 server (FIXTURE corpus)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from graphkit.cli import cli
from tests.conftest import ROOT
from tests.corpus import FixtureCorpus, fid
from tests.s2server import FakeS2

NOWHERE = "Cooking Pasta With Graphs In A Small Kitchen"  # no title S2 could match: the match answers 404
SEEDS = ["a", "b", "c", "d"]


def arxiv(name: str) -> str:
    return f"1111.{SEEDS.index(name) + 1:05d}"


def corpus() -> FixtureCorpus:
    """Four seeds (a, b, c, d); a is cited by a few papers, b by one paper that also cites a."""
    fc = FixtureCorpus()
    for i, name in enumerate(SEEDS):
        fc.add(name, f"FIXTURE seed {name.upper()}", 2015 + i, arxiv=arxiv(name))
    for k in range(4):
        fc.add(f"old-{k}", f"FIXTURE early citer {k}", 2019)
        fc.cite(fid(f"old-{k}"), fid("a"))
    fc.cite(fid("old-0"), fid("b"))
    fc.add("ref", "FIXTURE common reference", 2010)
    for name in SEEDS:
        fc.cite(fid(name), fid("ref"))
    return fc.finalise()


def grow(fc: FixtureCorpus) -> None:
    """Three seeds gain 13 citing papers, one of them citing all three; b now cites a."""
    fc.add("all-three", "FIXTURE new follow-up citing all three", 2026)
    for name in "abc":
        fc.cite(fid("all-three"), fid(name))
    for k in range(12):
        fc.add(f"new-{k}", f"FIXTURE new citer {k}", 2026)
        fc.cite(fid(f"new-{k}"), fid("abc"[k % 3]))
    fc.cite(fid("b"), fid("a"), influential=True, intents=["methodology"])
    fc.finalise()


def post(tmp: Path, names, *, lost: bool = True) -> Path:
    p = tmp / "list.txt"
    p.write_text(
        "".join(f"arXiv:{arxiv(n)}\n" for n in names)
        + "arXiv:1111.99999\n"
        + (f"{NOWHERE}\n" if lost else ""),
        encoding="utf-8",
    )
    return p


def build(src, out, srv_url, cache, *extra):
    r = CliRunner().invoke(
        cli,
        [
            "build",
            str(src),
            "-o",
            str(out),
            "--api-url",
            srv_url,
            "--cache-dir",
            str(cache),
            "--rps",
            "0",
            "--json",
            *map(str, extra),
        ],
    )
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout), r.stderr


@pytest.fixture
def server():
    with FakeS2(corpus()) as srv:
        yield srv


# -- 1. negative answers are answers -------------------------------------------------------------------------------
def test_not_found_is_cached_warm_rebuild_and_offline(tmp_path, server):
    src = post(tmp_path, "abc")
    cold, _ = build(src, tmp_path / "s1", server.url, tmp_path / "cache")
    reasons = {u["key"]: u["reason"] for u in cold["unresolved"]}
    assert reasons == {
        "arXiv:1111.99999": "not found in S2 (ARXIV:1111.99999)",
        f"title:{NOWHERE}": "no title match in S2",
    }
    assert any(r["path"].endswith("/paper/search/match") and r["status"] == 404 for r in server.log)
    n = len(server.log)
    warm, _ = build(src, tmp_path / "s2", server.url, tmp_path / "cache")
    assert len(server.log) == n and warm["requests"] == 0  # the 404 and the null are answers, cached
    offline, err = build(src, tmp_path / "s3", server.url, tmp_path / "cache", "--offline")
    assert offline["unresolved"] == cold["unresolved"]  # reported as unresolved, as online
    assert NOWHERE[:40] in err and len(server.log) == n


# -- 2. every cache entry is dated ----------------------------------------------------------------------------------
def test_fetch_dates_in_json_report_and_map(tmp_path, server):
    src = post(tmp_path, "abc")
    s, err = build(src, tmp_path / "site", server.url, tmp_path / "cache")
    f = s["fetched"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", f["newest"]) and f["oldest"] <= f["newest"]
    assert f["undated"] == 0
    day = f["newest"][:10]
    assert f"data fetched: {day}" in err
    assert f"data fetched {day}" in (tmp_path / "site" / "report.md").read_text(encoding="utf-8")
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert f'"fetched": "{day}"' in page and 'data fetched " + D.fetched' in page
    # graph.json holds the graph alone: two caches of the same answers, fetched at other times, give the same file
    assert (
        "fetched" not in json.loads((tmp_path / "site" / "graph.json").read_text(encoding="utf-8"))["graph"]
    )


def test_undated_entries_of_an_older_cache_still_load(tmp_path, server):
    from graphkit.cache import GENERATION_KEY
    from graphkit.s2 import S2Client

    src = post(tmp_path, "abc")
    first, _ = build(src, tmp_path / "s1", server.url, tmp_path / "cache")
    c = S2Client(base_url=server.url, cache_dir=tmp_path / "cache", rps=0)
    for k in [k for k in c.cache.iterkeys() if k.startswith("derived ")]:
        c.cache.delete(k)  # an older graphkit kept no notes
    keys = [k for k in c.cache.iterkeys() if k != GENERATION_KEY]
    for k in keys:  # as an older graphkit wrote them: the body alone, without its fetch time
        body = c.cache.get(k)
        if isinstance(body, str):
            c.cache.set(k, body)
    c.close()
    n = len(server.log)
    again, _ = build(src, tmp_path / "s2", server.url, tmp_path / "cache", "--offline")
    assert len(server.log) == n and again["papers"] == first["papers"] and again["edges"] == first["edges"]
    assert (
        again["fetched"]["undated"] == len(keys) - 1
    )  # every entry but the 404, which is new in this format


# -- 3. what changed -----------------------------------------------------------------------------------------------
def test_changes_since_the_previous_build(tmp_path, server):
    lineages = tmp_path / "lineages.txt"
    lineages.write_text(f"arXiv:{arxiv('a')} -> arXiv:{arxiv('b')}\n", encoding="utf-8")
    out, cache = tmp_path / "site", tmp_path / "cache"
    first, err = build(post(tmp_path, "abc"), out, server.url, cache, "--lineages", lineages)
    assert first["changes"] is None and "changes since" not in err  # nothing to compare with
    grow(server.corpus)
    second, err = build(post(tmp_path, "abcd"), out, server.url, cache, "--lineages", lineages, "--refresh")
    ch = second["changes"]
    a, b, c, d = (fid(n) for n in SEEDS)
    assert ch["seeds_added"] == [d] and ch["seeds_removed"] == []
    assert ch["new_followups"] == [fid("all-three")]  # the only paper that newly cites two or more seeds
    assert ch["citations_gained"] == {a: 5 + 1, b: 5 + 0, c: 5}  # b now cites a too
    assert ch["declared"] == [{"from": a, "to": b, "was": "missing", "now": "direct"}]
    assert fid("all-three") in sum(
        ch["missing_entered"].values(), []
    )  # it cites 3 of 4 seeds: a survey by share
    assert ch["since"] and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", ch["since"])
    assert "changes since " in err and "1 new follow-up citing 2+ seeds" in err
    report = (out / "report.md").read_text(encoding="utf-8")
    section = report.split(f"## What changed since {ch['since'][:10]}", 1)[1].split("\n## ", 1)[0]
    assert "FIXTURE new follow-up citing all three" in section and "Seeds added" in section
    assert "missing → direct" in section
    # a third build with nothing new: changes, but none
    third, err = build(post(tmp_path, "abcd"), out, server.url, cache, "--lineages", lineages, "--title", "T")
    assert not any(third["changes"][k] for k in third["changes"] if k != "since")
    assert "Nothing changed." in (out / "report.md").read_text(encoding="utf-8")


# -- 4. an up-to-date check that cannot lie --------------------------------------------------------------------------
def test_up_to_date_writes_nothing_and_says_so(tmp_path, server, monkeypatch):
    src, out = post(tmp_path, "abc"), tmp_path / "site"
    build(src, out, server.url, tmp_path / "cache")
    mtimes = {f.name: f.stat().st_mtime_ns for f in out.iterdir()}
    s, err = build(src, out, server.url, tmp_path / "cache")
    assert s["up_to_date"] is True and s["written"] == []
    assert "nothing written" in err and "wrote" not in err
    assert {f.name: f.stat().st_mtime_ns for f in out.iterdir()} == mtimes
    # another graphkit (code, template or an output library): the stamp differs, the build runs
    import graphkit.stamp as stamp

    monkeypatch.setattr(stamp, "code_fingerprint", lambda: "another graphkit")
    s, err = build(src, out, server.url, tmp_path / "cache")
    assert s["up_to_date"] is False and "wrote 6 files" in err


def test_code_fingerprint_covers_code_templates_and_libraries(tmp_path, monkeypatch):
    from importlib import metadata

    from graphkit.stamp import code_fingerprint

    pkg = tmp_path / "graphkit"
    shutil.copytree(ROOT / "graphkit", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    base = code_fingerprint(pkg)
    assert code_fingerprint(pkg) == base
    page = pkg / "templates" / "map.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- v2 -->", encoding="utf-8")
    after_template = code_fingerprint(pkg)
    (pkg / "layout.py").write_text(
        (pkg / "layout.py").read_text(encoding="utf-8") + "\n# v2\n", encoding="utf-8"
    )
    after_code = code_fingerprint(pkg)
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "9.9" if name == "pyvis" else real(name))
    after_pyvis = code_fingerprint(pkg)
    assert len({base, after_template, after_code, after_pyvis}) == 4


# -- 5. fast rebuilds: Gephi on request; graph.json for every allowed networkx ---------------------------------------
def test_formats_on_request(tmp_path, server):
    src = post(tmp_path, "abc")
    s, _ = build(src, tmp_path / "d", server.url, tmp_path / "cache")
    assert sorted(Path(f).name for f in s["files"]) == [
        "graph.json",
        "index.html",
        "map.svg",
        "missing.bib",
        "papers.csv",
        "report.md",
    ]
    s, _ = build(src, tmp_path / "g", server.url, tmp_path / "cache", "--formats", "graphml")
    assert (
        "graph.graphml" in {Path(f).name for f in s["files"]} and not (tmp_path / "g" / "graph.gexf").exists()
    )
    assert nx.read_graphml(tmp_path / "g" / "graph.graphml").number_of_edges() == s["edges"]
    s, _ = build(src, tmp_path / "all", server.url, tmp_path / "cache", "--formats", "all")
    assert {"graph.graphml", "graph.gexf"} <= {Path(f).name for f in s["files"]}
    r = CliRunner().invoke(
        cli,
        [
            "build",
            str(src),
            "-o",
            str(tmp_path / "x"),
            "--api-url",
            server.url,
            "--cache-dir",
            str(tmp_path / "cache"),
            "--formats",
            "gml",
        ],
    )
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and "give graphml, gexf or all" in r.stderr


def test_graph_json_loads_with_every_networkx_pyproject_allows(tmp_path, server):
    """graph.json holds the ``edges`` key, which ``node_link_graph(..., edges="edges")`` reads from networkx 3.4 on
    (3.2 and 3.3 know ``link=`` only): the floor in pyproject.toml must be 3.4 or later."""
    floor = re.search(r'"networkx>=(\d+)\.(\d+)[^"]*"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert floor is not None and (int(floor[1]), int(floor[2])) >= (3, 4)
    s, _ = build(post(tmp_path, "abc"), tmp_path / "site", server.url, tmp_path / "cache")
    data = json.loads((tmp_path / "site" / "graph.json").read_text(encoding="utf-8"))
    assert "edges" in data and "links" not in data
    G = nx.node_link_graph(data, edges="edges")  # the call networkx documents from 3.4 on
    assert (G.number_of_nodes(), G.number_of_edges()) == (s["papers"], s["edges"])


# -- 2b. --max-age: a refresh asks for what may have changed, and only that ------------------------------------------
GROWN = ("arXiv:1811.08383", "arXiv:1711.08496", "arXiv:1804.09066")  # TSM, TRN, ECO


def _grow_example(fc: FixtureCorpus, keys: dict) -> list[str]:
    """Three of the example post's seeds (TSM, TRN, ECO) gain 13 citing papers, one of them citing all three."""
    three = [keys[k] for k in GROWN]
    fc.add("refresh-all-three", "FIXTURE A New Follow-up Citing TSM, TRN and ECO", 2026)
    for pid in three:
        fc.cite(fid("refresh-all-three"), pid)
    for k in range(12):
        fc.add(f"refresh-new-{k}", f"FIXTURE new citer {k}", 2026)
        fc.cite(fid(f"refresh-new-{k}"), three[k % 3])
    fc.finalise()
    return three


def test_max_age_refreshes_only_what_changed(post_seeds, tmp_path):
    """On the example post with two seeds cited 11,500 and 1,200 times (FIXTURE: the heavy corpus at half its
    size; the first is over the batch's citation cap, so its list is read page by page), after three others gain
    citations."""
    from graphkit.pipeline import collect
    from graphkit.s2 import S2Client
    from tests.conftest import NO_MATCH, POST
    from tests.corpus import HEAVY_LIGHT, from_seedlist, with_heavy_citers

    fc = with_heavy_citers(
        from_seedlist(post_seeds, no_match=(NO_MATCH,), hostile=True), post_seeds, HEAVY_LIGHT
    )
    keys = {s.key: fc.resolve(s.api_id) for s in post_seeds.papers if s.api_id and fc.resolve(s.api_id)}
    n_titles = sum(1 for s in post_seeds.papers if not s.api_id)
    with FakeS2(fc) as srv:
        build(POST, tmp_path / "site", srv.url, tmp_path / "cache")
        _grow_example(fc, keys)
        n = len(srv.log)
        fresh, err = build(POST, tmp_path / "site", srv.url, tmp_path / "cache", "--max-age", "0")
        refresh_log = srv.log[n:]
        # a cold build of the grown corpus (fetch and graph: its outputs are not what is compared)
        cold = collect(str(POST), S2Client(srv.url, cache_dir=tmp_path / "cold-cache", rps=0))
    batches = [r for r in refresh_log if r["path"].endswith("/paper/batch")]
    matches = [r for r in refresh_log if r["path"].endswith("/search/match")]
    # 1 batch call (metadata and references, every seed's current counts) + the title matches + one batch with the
    # citation lists of the three seeds whose counts moved; nothing else
    assert len(matches) == n_titles and len(batches) == 2 and len(refresh_log) == n_titles + 2
    asked = json.loads(batches[1]["body"])["ids"] if batches[1].get("body") else None
    assert asked is None or len(asked) == 3
    g_fresh = json.loads((tmp_path / "site" / "graph.json").read_text(encoding="utf-8"))
    assert {n["id"] for n in g_fresh["nodes"]} == set(cold.graph.nodes)
    assert {(e["source"], e["target"]) for e in g_fresh["edges"]} == set(cold.graph.edges)  # edge for edge
    new = fid("refresh-all-three")
    assert new in fresh["changes"]["new_followups"]
    assert "A New Follow-up Citing TSM, TRN and ECO" in (tmp_path / "site" / "report.md").read_text(
        encoding="utf-8"
    )
    # the heavy seeds' lists (read page by page in a cold build) are not asked for again: their counts held
    assert fresh["requests"] == len(refresh_log) < cold.corpus["stats"]["requests"]


def test_an_interrupted_refresh_resumes_without_asking_twice(post_corpus, post_seeds, tmp_path):
    import copy
    import signal
    import time

    from tests.children import Child
    from tests.conftest import POST

    fc = copy.deepcopy(post_corpus)
    keys = {s.key: fc.resolve(s.api_id) for s in post_seeds.papers if s.api_id and fc.resolve(s.api_id)}
    args = [
        "build",
        str(POST),
        "-o",
        str(tmp_path / "site"),
        "--cache-dir",
        str(tmp_path / "cache"),
        "--rps",
        "0",
        "--max-age",
        "0",
    ]
    with FakeS2(fc) as srv:
        build(
            POST, tmp_path / "ref", srv.url, tmp_path / "ref-cache"
        )  # one uninterrupted refresh, for its count
        build(POST, tmp_path / "site", srv.url, tmp_path / "cache")
        _grow_example(fc, keys)
        n0 = len(srv.log)
        build(POST, tmp_path / "ref", srv.url, tmp_path / "ref-cache", "--max-age", "0")
        uninterrupted = len(srv.log) - n0
        srv.latency = 0.05
        n = len(srv.log)
        p = Child([*args, "--api-url", srv.url], capture=False)
        t = time.monotonic()
        while len(srv.log) - n < uninterrupted // 2 and p.poll() is None and time.monotonic() - t < 60:
            time.sleep(0.01)
        p.send_signal(signal.SIGKILL)
        p.wait(30)
        srv.latency = 0.0
        first = len(srv.log) - n
        assert 0 < first < uninterrupted  # killed mid-refresh
        p = Child([*args, "--api-url", srv.url])
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        total = len(srv.log) - n
    assert total <= uninterrupted + 1  # the rerun asks for nothing the killed run already refreshed
