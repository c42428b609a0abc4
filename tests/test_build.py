"""Layer 3: `graphkit build / lineage / missing / embed` through CliRunner against the loopback S2 server
(FIXTURE corpus of the example post), plus one real run of the installed console script."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from graphkit.cli import cli
from tests.conftest import NO_MATCH, POST, ROOT
from tests.corpus import FOLLOWUPS, FOUNDATIONS, LINEAGE, SURVEYS, UNCITED, fid

KEY = "fixture-key-" + "5a" * 16
LINEAGES = ROOT / "examples" / "video-classification" / "lineages.txt"


def run(*args, env=None):
    r = CliRunner().invoke(cli, [str(a) for a in args], env=env)
    return r


@pytest.fixture(scope="module")
def built(tmp_path_factory, post_corpus):
    """One cold build of the example post with a key, shared by the tests below."""
    from tests.s2server import FakeS2

    tmp = tmp_path_factory.mktemp("build")
    with FakeS2(post_corpus, api_key=KEY) as srv:
        r = run(
            "build",
            POST,
            "-o",
            tmp / "site",
            "--api-url",
            srv.url,
            "--cache-dir",
            tmp / "cache",
            "--rps",
            "0",
            "--lineages",
            LINEAGES,
            "--json",
            env={"S2_API_KEY": KEY},
        )
        assert r.exit_code == 0, r.output
        cold = len(srv.log)
        r2 = run(
            "build",
            POST,
            "-o",
            tmp / "site2",
            "--api-url",
            srv.url,
            "--cache-dir",
            tmp / "cache",
            "--rps",
            "0",
            "--lineages",
            LINEAGES,
            env={"S2_API_KEY": KEY},
        )
        assert r2.exit_code == 0, r2.output
        warm = len(srv.log) - cold
        yield {
            "tmp": tmp,
            "summary": json.loads(r.stdout),
            "stderr": r.stderr,
            "cold": cold,
            "warm": warm,
            "url": srv.url,
            "server": srv,
        }


def test_build_summary_and_files(built):
    s = built["summary"]
    assert (s["seeds"], s["resolved"]) == (83, 82)
    assert [u["title"] for u in s["unresolved"]] == [NO_MATCH]
    assert s["requests"] == built["cold"] == s["batch_requests"]
    assert built["warm"] == 0  # a warm rebuild makes no request
    names = sorted(Path(f).name for f in s["files"])
    assert names == [
        "graph.json",
        "index.html",
        "map.svg",
        "missing.bib",
        "papers.csv",
        "report.md",
    ]  # Gephi: asked
    assert "requests: " in built["stderr"]
    assert f"(plan B = {s['batch_requests']}, paged L = {s['paged_requests']})" in built["stderr"]
    assert (
        s["detail"] == "lists" and s["paged_requests"] > 5 * s["requests"]
    )  # the batch plan's saving, visible
    assert NO_MATCH[:40] in built["stderr"]  # the unresolved seed is named in the summary


def test_warm_build_writes_the_same_graph(built):
    a = (built["tmp"] / "site" / "graph.json").read_bytes()
    b = (built["tmp"] / "site2" / "graph.json").read_bytes()
    assert a == b


def test_key_appears_in_no_file(built):
    for f in built["tmp"].rglob("*"):
        if f.is_file():
            assert KEY.encode() not in f.read_bytes(), f
    assert KEY not in built["stderr"]
    assert all(r["key"] == KEY for r in built["server"].log)  # but it was sent, in the header


def test_gephi_files_and_csv_load_back(built):
    site = built["tmp"] / "site-gephi"
    r = run(
        "build",
        POST,
        "-o",
        site,
        "--api-url",
        built["url"],
        "--cache-dir",
        built["tmp"] / "cache",
        "--offline",
        "--lineages",
        LINEAGES,
        "--formats",
        "all",
        "--json",
    )
    assert r.exit_code == 0, r.output
    assert sorted(Path(f).name for f in json.loads(r.stdout)["files"])[:3] == [
        "graph.gexf",
        "graph.graphml",
        "graph.json",
    ]
    G = json.loads((site / "graph.json").read_text(encoding="utf-8"))
    n_nodes, n_edges = len(G["nodes"]), len(G["edges"])
    for H in (nx.read_graphml(site / "graph.graphml"), nx.read_gexf(site / "graph.gexf")):
        assert (H.number_of_nodes(), H.number_of_edges()) == (n_nodes, n_edges)
        for _, d in H.nodes(data=True):
            assert all(v is not None and not isinstance(v, (list, dict)) for v in d.values())
    with (site / "papers.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    # the columns other tools read, in their order
    columns = (
        "paperId arxiv doi title year venue seed key label sections citationCount influentialCitationCount"
    )
    assert list(rows[0]) == [*columns.split(), "referenceCount", "missing_kind", "missing_score"]
    assert len(rows) == n_nodes
    hostile = next(r for r in rows if "onerror" in r["title"])
    assert hostile["title"].startswith("<img")  # kept as text: it does not start a formula
    assert sum(r["seed"] == "true" for r in rows) == 82


def test_report_and_bib(built):
    site = built["tmp"] / "site"
    report = (site / "report.md").read_text(encoding="utf-8")
    assert "## Declared lineage" in report and "## Main path" in report
    assert "<img" not in report and "<script" not in report  # S2 strings escaped
    assert "&lt;img src=x onerror=alert(1)&gt;" in report
    import bibtexparser

    lib = bibtexparser.parse_string((site / "missing.bib").read_text(encoding="utf-8"))
    assert not lib.failed_blocks and len(lib.entries) == len({e.key for e in lib.entries}) > 0
    surveys = report.split("## Surveys that cover this list", 1)[1]
    assert (
        "Deep Learning for Video Classification, from Two Streams" in surveys
        and "| 62% of the seeds |" in surveys
    )
    sf = next(e for e in lib.entries if "SlowFast" in e["title"])
    assert (sf["eprint"], sf["archivePrefix"], sf["doi"]) == (
        "1912.99000",
        "arXiv",
        "10.9999/fixture.slowfast",
    )


def test_missing_finds_exactly_the_planted_papers(built, post_corpus):
    args = [POST, "--api-url", built["url"], "--cache-dir", built["tmp"] / "cache", "--offline", "--json"]
    r = run("missing", *args, "--kind", "foundations", "--top", len(FOUNDATIONS))
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)
    assert {m["paperId"] for m in got} == {fid(name) for name, *_ in FOUNDATIONS}
    assert all(m["kind"] == "foundation" and m["reason"].startswith("cited by ") for m in got)
    assert set(got[0]) == {
        "paperId",
        "title",
        "year",
        "kind",
        "score",
        "seeds",
        "influential",
        "reason",
        "citationCount",
        "influentialCitationCount",
        "citationsPerYear",
        "coverage",
        "arxiv",
        "doi",
        "url",
    }
    # the influential follow-ups (15-35 % of the seeds, cited thousands of times) come first, in the order of their
    # citations a year; the uncited papers citing more seeds come next
    r = run("missing", *args, "--kind", "followups", "--top", len(FOLLOWUPS) + len(UNCITED))
    got = json.loads(r.stdout)
    assert [m["paperId"] for m in got[: len(FOLLOWUPS)]] == [fid(name) for name, *_ in FOLLOWUPS]
    assert {m["paperId"] for m in got[len(FOLLOWUPS) :]} == {fid(name) for name, *_ in UNCITED}
    assert max(m["seeds"] for m in got[: len(FOLLOWUPS)]) < min(m["seeds"] for m in got[len(FOLLOWUPS) :])
    assert [m["score"] for m in got] == sorted((m["score"] for m in got), reverse=True)
    assert all(m["kind"] == "followup" for m in got)
    # the surveys: the one covering 62 % of the list first, then the one that says it is a review
    r = run("missing", *args, "--kind", "surveys")
    got = json.loads(r.stdout)
    assert [m["paperId"] for m in got] == [fid(name) for name, *_ in SURVEYS]
    assert got[0]["coverage"] >= 0.5 > got[1]["coverage"] and got[0]["reason"].startswith(
        "covers 62% of the list"
    )
    # --since later than every planted follow-up: none of them qualifies any more
    r = run("missing", *args, "--kind", "followups", "--since", "2030-01-01")
    assert json.loads(r.stdout) == []


def test_missing_prints_ids_and_links(built):
    args = [POST, "--api-url", built["url"], "--cache-dir", built["tmp"] / "cache", "--offline"]
    r = run("missing", *args, "--kind", "followups", "--top", "3")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    i = next(k for k, line in enumerate(lines) if "SlowFast" in line)
    # the batch plan fetched no edge details for these links: it says so, and ranks by S2's paper-level counts
    assert (
        "cites 26 of 82 seeds (influence not fetched) · cited 3,100 times (1,033 a year, 420 influential)"
        in lines[i]
    )
    full = run(
        "missing",
        *args[:-1],
        "--rps",
        "0",
        "--detail",
        "full",
        "--kind",
        "followups",
        "--top",
        "3",
        env={"S2_API_KEY": KEY},
    )
    assert full.exit_code == 0, full.output
    assert (
        "cites 26 of 82 seeds (5 influential) · cited 3,100 times (1,033 a year, 420 influential)"
        in full.stdout
    )
    slowfast = fid("slowfast")
    assert lines[i + 1].split() == [
        "arXiv:1912.99000",
        "DOI:10.9999/fixture.slowfast",
        f"https://www.semanticscholar.org/paper/{slowfast}",
    ]
    r = run("missing", *args, "--kind", "surveys", "--top", "1")
    assert r.stdout.splitlines()[2].split() == [
        "DOI:10.9999/fixture.survey",
        f"https://www.semanticscholar.org/paper/{fid('survey')}",
    ]
    got = json.loads(run("missing", *args, "--kind", "all", "--top", "2", "--json").stdout)
    assert sorted(m["kind"] for m in got) == [
        "followup",
        "followup",
        "foundation",
        "foundation",
        "survey",
        "survey",
    ]
    assert [m["score"] for m in got] == sorted((m["score"] for m in got), reverse=True)
    sf = next(m for m in got if m["paperId"] == slowfast)
    assert (sf["arxiv"], sf["doi"], sf["url"]) == (
        "1912.99000",
        "10.9999/fixture.slowfast",
        f"https://www.semanticscholar.org/paper/{slowfast}",
    )


def test_lineage_declared_planted_links_are_direct_and_influential(built):
    args = [POST, "--api-url", built["url"], "--cache-dir", built["tmp"] / "cache", "--offline"]
    chains = [f"{a} -> {b}" for a, b in LINEAGE]
    r = run("lineage", *args, *sum((["--lineage", c] for c in chains), []), "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert [(d["from"], d["to"]) for d in doc["declared"]] == LINEAGE
    assert all(d["status"] == "direct" and d["influential"] is True for d in doc["declared"])
    assert all(d["contexts"] and d["intents"] == ["methodology"] for d in doc["declared"])
    assert doc["main_path"] and all(len(p) >= 2 for p in doc["main_path"])
    assert all(k.startswith(("arXiv:", "title:")) or len(k) == 40 for p in doc["main_path"] for k in p)
    assert all(len(pair) == 2 for pair in doc["backbone"])
    # the shipped lineages file: names (TRN = arXiv:1711.08496) and chains by label or name
    r = run("lineage", *args, "--lineages", LINEAGES)
    assert r.exit_code == 0, r.output
    assert "declared lineage" in r.stdout and "main path" in r.stdout
    rows = [(ln[2:22].strip(), ln[23:43].strip(), ln[44:53].strip()) for ln in r.stdout.splitlines()[2:9]]
    assert rows == [
        ("Two-Stream", "TSN", "direct"),
        ("TSN", "TRN", "direct"),
        ("TRN", "TSM", "direct"),
        ("TSN", "ECO", "direct"),
        ("C3D", "I3D", "direct"),
        ("C3D", "P3D", "direct"),
        ("C3D", "R(2+1)D", "direct"),
    ]


def test_the_post_declares_its_own_lineages(built, tmp_path):
    """Settings travel with the list: a `graphkit:` key in the front matter, no --lineages needed."""
    text = POST.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    post = tmp_path / "post.md"
    post.write_text(
        "---\ngraphkit:\n  lineages:\n    - TSN -> TRN -> TSM\n  aliases:\n    TRN: arXiv:1711.08496\n"
        + text[4:],
        encoding="utf-8",
    )
    args = [post, "--api-url", built["url"], "--cache-dir", built["tmp"] / "cache", "--offline"]
    r = run("lineage", *args, "--json")
    assert r.exit_code == 0, r.stderr
    assert [(d["from"], d["to"], d["status"]) for d in json.loads(r.stdout)["declared"]] == [
        ("arXiv:1608.00859", "arXiv:1711.08496", "direct"),
        ("arXiv:1711.08496", "arXiv:1811.08383", "direct"),
    ]
    r = run("build", *args, "-o", tmp_path / "site")
    assert r.exit_code == 0, r.stderr
    report = (tmp_path / "site" / "report.md").read_text(encoding="utf-8")
    assert "TRN" in report and "Temporal Relational" not in report.split("## ")[2]
    bad = tmp_path / "bad.md"
    bad.write_text(
        "---\ngraphkit:\n  lineages:\n    - TSN ->\n---\n- [x](https://arxiv.org/abs/1608.00859)\n",
        encoding="utf-8",
    )
    r = run("lineage", bad, "--api-url", built["url"], "--cache-dir", built["tmp"] / "cache", "--offline")
    assert (
        r.exit_code == 1 and "front matter graphkit:" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    )


def test_lineage_bad_names(built):
    args = [POST, "--api-url", built["url"], "--cache-dir", built["tmp"] / "cache", "--offline"]
    r = run("lineage", *args, "--lineage", "TSN -> NoSuchNet")
    assert r.exit_code == 1 and "'NoSuchNet' is not in the graph" in r.stderr
    r = run("lineage", *args, "--lineage", "TSN -> ")
    assert r.exit_code == 1 and "malformed lineage" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_embed_snippet(built):
    r = run("embed", built["tmp"] / "site")
    assert r.exit_code == 0
    assert (
        '<iframe id="graphkit-map-post" src="' in r.stdout
        and 'loading="lazy"' in r.stdout
        and 'title="' in r.stdout
    )
    # the post's side of the conversation with the map: it checks who speaks (the frame's window and origin)
    script = r.stdout.split("<script>", 1)[1].split("</script>", 1)[0]
    assert 'getElementById("graphkit-map-post")' in script and "e.source !== f.contentWindow" in script
    assert "e.origin !== origin" in script and "{{" not in script and "{%" not in script  # inert for Liquid
    # the asset folder is the post's (examples/video-classification/post.md -> "post"), with a static fallback
    assert "width: 100%" in r.stdout and "/assets/graphkit/post/index.html" in r.stdout
    assert "<img src=\"{{ '/assets/graphkit/post/map.svg' | relative_url }}\"" in r.stdout
    blog = built["tmp"] / "blog"
    blog.mkdir()
    r = run("embed", built["tmp"] / "site", "--copy-to", blog)
    assert r.exit_code == 0, r.stderr
    copied = sorted(p.relative_to(blog).as_posix() for p in blog.rglob("*") if p.is_file())
    assert copied == [
        "assets/graphkit/post/index.html",
        "assets/graphkit/post/map.svg",
    ]  # just the page and the SVG
    assert (blog / "assets/graphkit/post/index.html").read_bytes() == (
        built["tmp"] / "site/index.html"
    ).read_bytes()
    r = run("embed", built["tmp"] / "site", "--copy-to", built["tmp"] / "no-blog")
    assert r.exit_code == 1 and "--copy-to" in r.stderr
    r = run("embed", built["tmp"] / "nowhere")
    assert r.exit_code == 1 and "run `graphkit build" in r.stderr


def test_build_warns_when_a_jekyll_site_would_publish_the_cache(post_server, tmp_path, monkeypatch):
    blog = tmp_path / "blog"
    blog.mkdir()
    (blog / "_config.yml").write_text("title: my blog\nexclude: [notes]\n", encoding="utf-8")
    monkeypatch.chdir(blog)
    r = run("build", POST, "-o", "notes/site", "--api-url", post_server.url, "--rps", "0")
    assert r.exit_code == 0, r.stderr
    warnings = [ln for ln in r.stderr.splitlines() if "warning" in ln]
    assert len(warnings) == 1 and "the cache (cache)" in warnings[0] and "exclude:" in warnings[0]
    r = run(
        "build", POST, "-o", "_site-src", "--api-url", post_server.url, "--rps", "0", "--cache-dir", "_cache"
    )
    assert r.exit_code == 0 and "warning" not in r.stderr


def test_offline_with_empty_cache_names_what_is_missing(built, tmp_path):
    r = run("build", POST, "-o", tmp_path / "o", "--cache-dir", tmp_path / "empty", "--offline")
    assert r.exit_code == 1
    assert (
        "not in the cache for https://api.semanticscholar.org/graph/v1: GET /paper/search/match" in r.stderr
        and "without --offline" in r.stderr
    )


def test_console_script_end_to_end(built, tmp_path, post_corpus):
    """The installed `graphkit` command, as a user runs it, against the loopback server."""
    from tests.s2server import FakeS2

    exe = shutil.which("graphkit", path=str(Path(sys.executable).parent))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("S2_", "GRAPHKIT_"))}
    with FakeS2(post_corpus) as srv:
        env["S2_API_URL"] = srv.url
        env["S2_RPS"] = "0"
        out = subprocess.run(
            [exe, "build", str(POST), "-o", str(tmp_path / "site"), "--cache-dir", str(tmp_path / "cache")],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
    assert out.returncode == 0, out.stderr
    assert "seeds: 83 (82 resolved, 1 unresolved)" in out.stderr
    assert (tmp_path / "site" / "index.html").stat().st_size > 100_000


def test_unchanged_rebuild_is_up_to_date(built, tmp_path):
    """Same source, options, cache and outputs: nothing is recomputed or rewritten; any change rebuilds."""
    site = tmp_path / "site"
    args = [
        "build",
        POST,
        "-o",
        site,
        "--api-url",
        built["url"],
        "--cache-dir",
        built["tmp"] / "cache",
        "--offline",
        "--lineages",
        LINEAGES,
    ]
    assert run(*args).exit_code == 0
    before = {p.name: p.stat().st_mtime_ns for p in site.iterdir()}
    r = run(*args, "--json")
    assert r.exit_code == 0 and "is up to date" in r.stderr and json.loads(r.stdout)["up_to_date"] is True
    assert {p.name: p.stat().st_mtime_ns for p in site.iterdir()} == before
    (site / "report.md").write_text("edited by hand", encoding="utf-8")
    r = run(*args)
    assert "is up to date" not in r.stderr and "## Main path" in (site / "report.md").read_text(
        encoding="utf-8"
    )
    r = run(*args[:-2])  # without --lineages: another build
    assert r.exit_code == 0 and "is up to date" not in r.stderr
    r = run(*args[:-2], "--title", "Another title")
    assert "is up to date" not in r.stderr and "<title>Another title</title>" in (
        site / "index.html"
    ).read_text(encoding="utf-8")


def test_a_wait_the_server_asks_for_is_said(post_server, tmp_path):
    post_server.script("/paper/batch$", (429, {"message": "Too Many Requests"}, {"Retry-After": "1"}))
    r = run(
        "build",
        POST,
        "-o",
        tmp_path / "site",
        "--api-url",
        post_server.url,
        "--cache-dir",
        tmp_path / "c",
        "--rps",
        "0",
    )
    assert r.exit_code == 0, r.stderr
    assert "graphkit: waiting 1 s: S2 asked to wait (Retry-After, 429)" in r.stderr


def test_every_seed_is_named_as_its_readers_name_it(built):
    from graphkit.graph import node_label, seed_nodes
    from tests.helpers import load_graph

    G = load_graph(built["tmp"] / "site" / "graph.json")
    names = {node_label(G, n): n for n in seed_nodes(G)}
    assert len(names) == len(seed_nodes(G)) == 82  # unique
    by_key = {G.nodes[n]["key"]: node_label(G, n) for n in seed_nodes(G)}
    assert [
        by_key[k]
        for k in (
            "arXiv:1608.00859",
            "arXiv:1711.08496",
            "arXiv:1811.08383",
            "arXiv:1412.0767",
            "arXiv:1705.07750",
            "arXiv:1711.10305",
        )
    ] == ["TSN", "TRN", "TSM", "C3D", "I3D", "P3D"]
    for name, n in names.items():  # never a title cut short: a name, or first author and year
        title = G.nodes[n]["title"]
        assert not name.endswith("…") and (
            not title.startswith(name) or len(name.split()) <= 3 or name == title
        ), name


def test_a_list_none_of_whose_papers_resolve_stops_with_one_line(post_server, tmp_path):
    """No seed resolved: exit 1, one line with the count and the commonest reasons, and nothing written."""
    ids = tmp_path / "unknown.txt"
    ids.write_text("arXiv:2401.99991\narXiv:2401.99992\n", encoding="utf-8")
    r = run("build", ids, "-o", tmp_path / "site", "--api-url", post_server.url, "--rps", "0")
    assert r.exit_code == 1 and "Traceback" not in r.output
    errors = [ln for ln in r.stderr.splitlines() if "error" in ln]
    assert len(errors) == 1 and "none of the 2 seeds" in errors[0] and "2 not found in S2" in errors[0]
    assert not (tmp_path / "site").exists() or not any((tmp_path / "site").iterdir())


def test_a_list_most_of_whose_papers_do_not_resolve_warns(post_server, tmp_path):
    """Fewer than half resolved: a warning on stderr and in report.md; the build goes on."""
    ids = tmp_path / "mostly-unknown.txt"
    ids.write_text("arXiv:1608.00859\narXiv:2401.99991\narXiv:2401.99992\n", encoding="utf-8")
    r = run("build", ids, "-o", tmp_path / "site", "--api-url", post_server.url, "--rps", "0")
    assert r.exit_code == 0, r.output
    assert "warning: only 1 of 3 seeds resolved on Semantic Scholar (2 not found in S2)" in r.stderr
    report = (tmp_path / "site" / "report.md").read_text(encoding="utf-8")
    assert "**Warning:** only 1 of 3 seeds resolved" in report
    # the fixture server is named as what it is, never as Semantic Scholar
    assert (
        f"the S2-compatible API at {post_server.url.rsplit('/graph', 1)[0]} (not Semantic Scholar)" in report
    )


def test_the_map_is_made_by_pyvis(built, tmp_path, monkeypatch):
    """With pyvis unimportable the same offline build cannot write its map: pyvis renders index.html."""
    base = ["build", POST, "--api-url", built["url"], "--cache-dir", built["tmp"] / "cache", "--offline"]
    ok = run(*base, "-o", tmp_path / "with")
    assert ok.exit_code == 0, ok.output
    assert 'id="graphkit-nodes"' in (tmp_path / "with" / "index.html").read_text(encoding="utf-8")
    monkeypatch.setitem(sys.modules, "pyvis.network", None)
    r = run(*base, "-o", tmp_path / "without")
    assert r.exit_code != 0 and "pyvis" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "without" / "index.html").exists()


def test_kind_takes_the_name_the_output_prints(built):
    """`--kind foundation` (as the table's kind column says) and `--kind foundations` (as the help lists it)."""
    base = ["missing", POST, "--api-url", built["url"], "--cache-dir", built["tmp"] / "cache", "--offline"]
    one = run(*base, "--kind", "foundation", "--json")
    many = run(*base, "--kind", "foundations", "--json")
    assert one.exit_code == 0 and many.exit_code == 0, one.output
    found = json.loads(one.stdout)
    assert found and found == json.loads(many.stdout) and {m["kind"] for m in found} == {"foundation"}
    assert run(*base, "--kind", "follow-up", "--json").exit_code == 0
