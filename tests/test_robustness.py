"""Reliability: an unreliable API, interruptions, shared caches and corrupted entries lose nothing.

Every server here is the loopback FIXTURE server; request loops are bounded by the client's retry limits.
"""

from __future__ import annotations

import json
import signal
import time

import pytest
from click.testing import CliRunner

from graphkit.cli import cli
from graphkit.errors import RateLimited, S2Unavailable
from graphkit.fetch import fetch_corpus
from graphkit.graph import build_graph, save_graph
from graphkit.s2 import S2Client
from graphkit.seeds import parse_id_list
from tests.children import Child
from tests.corpus import FixtureCorpus, synthetic
from tests.s2server import FakeClock, FakeS2, Faults


@pytest.fixture(scope="module")
def small():
    """30 synthetic seeds, 2,715 papers (no 10,000-citation paper; two seeds' citations take two pages): 60 requests.

    Few citers (≤ 30 for most seeds): what these tests exercise is requests, not the size of the graph.
    """
    fc, lines = synthetic(30, seed=3, heavy=False, few=30, many=(1001, 1100))
    path_lines = "\n".join(lines) + "\n"
    return fc, path_lines


def graph_bytes(corpus, tmp_path, name) -> bytes:
    save_graph(build_graph(corpus), tmp_path / name)
    return (tmp_path / name).read_bytes()


@pytest.fixture(scope="module")
def binned():
    """12 seeds cited 1,100 times each (13,200 FIXTURE citers): the batch plan asks three calls (one for the
    metadata, then two bins of citation lists under S2's 9,999 a call), not 24 pages."""
    fc = FixtureCorpus()
    lines = []
    for i in range(12):
        a = fc.add(f"b{i}", f"Binned seed {i}", 2016, arxiv=f"1609.{10000 + i:05d}")
        lines.append(f"arXiv:1609.{10000 + i:05d}")
        for j in range(1100):
            fc.cite(fc.add(f"b{i}-c{j}", f"Binned citer {i}.{j}", 2019), a)
    return fc.finalise(), "\n".join(lines) + "\n"


def _without_details(corpus: dict) -> dict:
    """The corpus with every edge's details dropped (as the batch plan leaves them: not fetched)."""
    for items in (*corpus["references"].values(), *corpus["citations"].values()):
        for item in items:
            item.update(isInfluential=None, intents=None, contexts=None)
    return corpus


@pytest.fixture(scope="module")
def fault_free(small, tmp_path_factory):
    """The small corpus's graph (saved as graph.json) from a server without faults: every edge's details, and
    none (as the batch plan leaves them)."""
    fc, lines = small
    tmp = tmp_path_factory.mktemp("fault-free")
    with FakeS2(fc) as clean:
        corpus = fetch_corpus(
            parse_id_list(lines), S2Client(clean.url, cache_dir=tmp / "c", rps=0), detail="full"
        )
    full = graph_bytes(corpus, tmp, "full.json")
    return {"full": full, "lists": graph_bytes(_without_details(corpus), tmp, "lists.json")}


@pytest.mark.parametrize("detail", ["lists", "full"])
@pytest.mark.parametrize("rate", [0.1, 0.3])
def test_faults_at_a_rate_give_the_fault_free_graph(small, fault_free, tmp_path, rate, detail):
    fc, lines = small
    sl = parse_id_list(lines)
    want = fault_free[detail]
    faults = Faults(rate=rate, seed=11, slow_seconds=0.8)
    clock = FakeClock()  # Retry-After (1 s) is waited out on the fake clock
    with FakeS2(fc, faults=faults, clock=clock) as srv:
        if detail == "lists":  # a handful of batch calls: make sure the faults hit them too
            srv.script(r"/paper/batch$", "drop", "truncate", 503, 429, "slow")
        client = clock.pace(
            S2Client(
                srv.url,
                cache_dir=tmp_path / "b",
                rps=0,
                timeout=(2, 0.4),
                max_retries=12,
                backoff=0.01,
                backoff_max=0.05,
            )
        )
        got = graph_bytes(fetch_corpus(sl, client, detail=detail), tmp_path, "b.json")
        kinds = {r["status"] for r in srv.log}
    assert got == want  # edge for edge, attribute for attribute
    assert {500, 502, 503, 504, 429, "drop", "truncate"} & kinds  # faults really happened


@pytest.mark.parametrize("status,error", [(503, S2Unavailable), (429, RateLimited)])
def test_faults_that_never_stop_give_up_in_bounded_time(small, tmp_path, status, error):
    fc, lines = small
    with FakeS2(fc, faults=Faults(rate=1.0, kinds=(str(status),))) as srv:
        t = time.monotonic()
        with pytest.raises(error) as e:
            fetch_corpus(
                parse_id_list(lines),
                S2Client(srv.url, cache_dir=tmp_path, rps=0, max_retries=3, backoff=0.01),
            )
        assert time.monotonic() - t < 30
        assert len(srv.log) == 4  # one try and three retries, then it stops
    msg = str(e.value)
    assert str(status) in msg and "rerun" in msg and "\n" not in msg


def test_cli_gives_up_with_one_line(small, tmp_path):
    fc, lines = small
    (tmp_path / "ids.txt").write_text(lines, encoding="utf-8")
    with FakeS2(fc, faults=Faults(rate=1.0, kinds=("503",))) as srv:
        r = CliRunner().invoke(
            cli,
            [
                "build",
                str(tmp_path / "ids.txt"),
                "-o",
                str(tmp_path / "o"),
                "--api-url",
                srv.url,
                "--cache-dir",
                str(tmp_path / "c"),
                "--rps",
                "0",
            ],
            env={"S2_MAX_RETRIES": "2", "S2_BACKOFF": "0.01"},
        )
    assert r.exit_code == 1
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and "503" in err[0] and "resume from the cache" in err[0]


def test_keyed_default_pace_meets_a_one_per_second_server(tmp_path):
    fc = FixtureCorpus()
    for i in range(4):
        a = fc.add(f"a{i}", f"Paper {i}", 2016, arxiv=f"1608.0085{i}")
        fc.cite(fc.add(f"c{i}", f"C{i}", 2019), a)
    fc.finalise()
    sl = parse_id_list("\n".join(f"arXiv:1608.0085{i}" for i in range(4)))
    clock = FakeClock()
    with FakeS2(fc, api_key="k", rate_limit=1.0, clock=clock) as srv:
        fetch_corpus(
            sl, clock.pace(S2Client(srv.url, api_key="k", cache_dir=tmp_path))
        )  # default pace: 1 request/s
        assert [r["status"] for r in srv.log] == [200] * 2  # 1 batch with references, 1 with citations
        assert srv.min_gap() >= 1.0


def test_each_429_slows_the_pace_no_storm(tmp_path):
    """A client set faster than the server allows backs off on each 429 instead of hammering."""
    fc = FixtureCorpus()
    for i in range(30):
        fc.add(f"p{i}", f"Title number {i} of the storm test", 2020)
    fc.finalise()
    clock = FakeClock()
    with FakeS2(fc, rate_limit=5.0, clock=clock) as srv:
        c = clock.pace(S2Client(srv.url, cache_dir=tmp_path, rps=10.0, max_retries=8, backoff=0.01))
        for i in range(30):
            assert c.match_title(f"Title number {i} of the storm test")["paperId"]
        n429 = sum(1 for r in srv.log if r["status"] == 429)
        ts = [r["t"] for r in srv.log]
    gaps = [b - a for a, b in zip(ts, ts[1:], strict=False)]
    assert min(gaps) >= 0.104 - 1e-9  # never faster than asked, retries included
    assert max(gaps) >= 2 * 0.104 - 1e-9  # a 429 doubled the spacing
    assert 0 < n429 <= 0.2 * 30  # a few 429s at most, not one in two


def _log_key(r):
    return (r["method"], r["path"], json.dumps(r["query"], sort_keys=True), r["body"])


def _build(url, post, out, cache, *extra) -> Child:
    """``graphkit build`` in a child process (forked: see tests/children.py), against ``url``, unpaced."""
    return Child(
        ["build", str(post), "-o", str(out), "--cache-dir", str(cache), *extra],
        env={"S2_API_URL": url, "S2_RPS": "0"},
    )


def _finish(proc, timeout=90) -> int:
    proc.communicate(timeout=timeout)  # reads and closes the pipes
    return proc.returncode


def _wait_for(srv, n, proc, limit=60):
    t = time.monotonic()
    while sum(1 for r in srv.log if r["status"] == 200) < n:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() - t < limit
        time.sleep(0.01)


@pytest.mark.parametrize("detail", ["lists", "full"])
def test_sigkill_then_rerun_resumes_without_asking_again(small, binned, tmp_path, detail):
    fc, lines = binned if detail == "lists" else small
    wait, latency = (2, 0.3) if detail == "lists" else (25, 0.03)
    post = tmp_path / "ids.txt"
    post.write_text(lines, encoding="utf-8")
    with FakeS2(fc) as clean:
        p = _build(clean.url, post, tmp_path / "ref", tmp_path / "ref-cache", "--detail", detail)
        assert _finish(p) == 0
    with FakeS2(fc, latency=latency) as srv:
        p = _build(srv.url, post, tmp_path / "out", tmp_path / "cache", "--detail", detail)
        _wait_for(srv, wait, p)
        p.send_signal(signal.SIGKILL)
        _finish(p, 10)
        first = [r for r in srv.log if r["status"] == 200]
        answered = {_log_key(r) for r in first[:-1]}  # the last answer may not have reached the cache
        n = len(srv.log)
        srv.latency = 0.0  # the latency only gave time to kill mid-build
        p = _build(srv.url, post, tmp_path / "out", tmp_path / "cache", "--detail", detail)
        assert _finish(p) == 0
        again = {_log_key(r) for r in srv.log[n:]}
    assert len(answered) >= wait - 1 and again
    assert not (answered & again)  # no page already received is asked for again
    assert (tmp_path / "out" / "graph.json").read_bytes() == (tmp_path / "ref" / "graph.json").read_bytes()


def test_ctrl_c_says_how_to_resume(small, tmp_path):
    fc, lines = small
    post = tmp_path / "ids.txt"
    post.write_text(lines, encoding="utf-8")
    with FakeS2(fc, latency=0.05) as srv:
        p = _build(srv.url, post, tmp_path / "out", tmp_path / "cache", "--detail", "full")
        _wait_for(srv, 10, p)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=20)
    assert p.returncode == 130
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("graphkit: interrupted; ") and "pages cached, rerun to resume" in last


def test_two_builds_share_one_cache(small, tmp_path):
    fc, lines = small
    post = tmp_path / "ids.txt"
    post.write_text(lines, encoding="utf-8")
    with FakeS2(fc, latency=0.005) as srv:
        a = _build(srv.url, post, tmp_path / "a", tmp_path / "cache")
        b = _build(srv.url, post, tmp_path / "b", tmp_path / "cache")
        assert _finish(a) == 0 and _finish(b) == 0
    assert (tmp_path / "a" / "graph.json").read_bytes() == (tmp_path / "b" / "graph.json").read_bytes()


def test_corrupted_entries_are_dropped_and_refetched(small, tmp_path):
    fc, lines = small
    sl = parse_id_list(lines)
    with FakeS2(fc) as srv:
        want = graph_bytes(
            fetch_corpus(sl, S2Client(srv.url, cache_dir=tmp_path / "c", rps=0)), tmp_path, "a.json"
        )
        files = sorted(p for p in (tmp_path / "c").rglob("*.val"))
        assert len(files) >= 2  # large responses live in files
        files[0].write_bytes(b"\x00\xff garbage \x81")
        files[1].write_bytes(files[1].read_bytes()[:100])  # truncated
        r = CliRunner().invoke(
            cli,
            [
                "build",
                "-",
                "-o",
                str(tmp_path / "o"),
                "--api-url",
                srv.url,
                "--cache-dir",
                str(tmp_path / "c"),
                "--offline",
            ],
            input=lines,
        )
        assert r.exit_code == 1 and "corrupted" in r.stderr and len(r.stderr.strip().splitlines()) == 1
        n = len(srv.log)
        got = graph_bytes(
            fetch_corpus(sl, S2Client(srv.url, cache_dir=tmp_path / "c", rps=0)), tmp_path, "b.json"
        )
        assert len(srv.log) - n == 2  # exactly the two broken entries were fetched again
    assert got == want
