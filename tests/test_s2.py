"""Layer 2: the S2 client against a real HTTP server on 127.0.0.1 speaking S2's JSON (FIXTURE data)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from graphkit.errors import (
    BadRequest,
    KeyRefused,
    OfflineMiss,
    PaperNotFound,
    RateLimited,
    S2Unavailable,
    SeedError,
)
from graphkit.pacing import Limiter
from graphkit.s2 import S2Client, check_paper_id
from tests.corpus import FixtureCorpus, fid, synthetic
from tests.s2server import FakeClock, FakeS2

RECORDED = Path(__file__).resolve().parent / "fixtures" / "s2"
KEY = "test-key-" + "9f" * 12  # a fake key: tests assert it never leaves the header


def small_corpus() -> FixtureCorpus:
    fc = FixtureCorpus()
    a = fc.add(
        "a",
        "Temporal Segment Networks: Towards Good Practices for Deep Action Recognition",
        2016,
        arxiv="1608.00859",
    )
    b = fc.add("b", "Temporal Relational Reasoning in Videos", 2017, arxiv="1711.08496", doi="10.1007/x_1")
    for i in range(2500):
        fc.cite(fc.add(f"c{i}", f"Citer {i}", 2019), a)
    for i in range(1500):
        fc.cite(a, fc.add(f"r{i}", f"Ref {i}", 2010), influential=i % 10 == 0)
    fc.cite(b, a, influential=True, intents=["methodology"], contexts=["TRN builds on TSN"])
    fc.null_refs[b] = ["A reference S2 could not match"]
    return fc.finalise()


@pytest.fixture(scope="module")
def corpus() -> FixtureCorpus:
    """Built once for the module: 4,000 citations; servers only read it."""
    return small_corpus()


@pytest.fixture
def server(corpus):
    """A fresh server (empty log, no scripts) on a clock that moves only when the client's limiter sleeps."""
    with FakeS2(corpus, clock=FakeClock()) as srv:
        yield srv


def client(srv, tmp_path, **kw):
    """A client of ``srv``; when the server runs on a FakeClock, the client's limiter runs on the same one."""
    kw.setdefault("rps", 0)
    kw.setdefault("backoff", 0.01)
    kw.setdefault("max_retries", 3)
    c = S2Client(srv.url, cache_dir=tmp_path / "cache", **kw)
    return srv.clock.pace(c) if isinstance(srv.clock, FakeClock) else c


def test_batch_nulls_order_and_split(tmp_path):
    fc = FixtureCorpus()
    ids = []
    for i in range(1203):
        fc.add(f"p{i}", f"Paper {i}", 2020, arxiv=f"2001.{i:05d}")
        ids.append(f"ARXIV:2001.{i:05d}")
    fc.finalise()
    ids.insert(3, "ARXIV:1999.99999")  # unknown to S2
    with FakeS2(fc) as srv:
        got = client(srv, tmp_path).batch(ids)
        posts = srv.requests("POST", "/paper/batch$")
        assert len(posts) == 3  # 1204 ids: 500 + 500 + 204
        assert [len(json.loads(r["body"])["ids"]) for r in posts] == [500, 500, 204]
        assert all(r["query"]["fields"].startswith("paperId,externalIds,title") for r in posts)
    assert len(got) == 1204 and got[3] is None
    assert got[0]["paperId"] == fid("p0") and got[4]["externalIds"]["ArXiv"] == "2001.00003"


def test_paging_next_and_counts(server, tmp_path):
    c = client(server, tmp_path)
    a = fid("a")
    refs = c.edges(a, "references")
    cites = c.edges(a, "citations")
    assert (refs["pages"], len(refs["items"])) == (2, 1500)
    assert (cites["pages"], len(cites["items"])) == (3, 2501)  # 2500 citers + TRN
    offsets = [int(r["query"]["offset"]) for r in server.requests("GET", "/citations$")]
    assert offsets == [0, 1000, 2000]
    assert {r["query"]["limit"] for r in server.log} == {"1000"}
    item = refs["items"][0]
    assert set(item) == {"isInfluential", "intents", "contexts", "citedPaper"}
    assert item["citedPaper"]["paperId"] and "citationCount" in item["citedPaper"]


def test_null_reference_and_edge_attributes(server, tmp_path):
    items = client(server, tmp_path).edges(fid("b"), "references")["items"]
    assert [i["citedPaper"]["paperId"] for i in items] == [fid("a"), None]
    assert items[0]["isInfluential"] is True and items[0]["contexts"] == ["TRN builds on TSN"]
    assert items[1]["citedPaper"]["title"] == "A reference S2 could not match"


def test_citation_cap(tmp_path):
    fc, _ = synthetic(1, heavy=True, pool=100)
    pid = next(p for p in fc.papers if fc.papers[p]["citationCount"] > 10_000)
    with FakeS2(fc) as srv:
        got = client(srv, tmp_path).edges(pid, "citations")
        last = srv.requests("GET", "/citations$")[-1]["query"]
    assert got["cut"] and got["pages"] == 10 and len(got["items"]) == 9_999
    assert int(last["offset"]) + int(last["limit"]) == 9_999  # S2: offset + limit must be < 10000


def test_empty_page_before_count_stops(server, tmp_path):
    server.script("/references$", (200, {"offset": 0, "next": 1000, "data": []}, {}))
    got = client(server, tmp_path).edges(fid("a"), "references")
    assert got["pages"] == 1 and got["items"] == []
    assert len(server.requests("GET", "/references$")) == 1


@pytest.mark.parametrize("fault", [429, 500, 502, 503, 504, "429-retry-after", "truncate", "drop"])
def test_retry_then_success(server, tmp_path, fault):
    server.script("/paper/batch", fault)
    got = client(server, tmp_path).batch(["ARXIV:1608.00859"])
    assert got[0]["paperId"] == fid("a")
    statuses = [r["status"] for r in server.requests("POST")]
    assert len(statuses) == 2 and statuses[-1] == 200


def test_retry_after_is_honoured(server, tmp_path):
    server.script("/paper/batch", "429-retry-after")  # Retry-After: 1
    client(server, tmp_path).batch(["ARXIV:1608.00859"])
    t = [r["t"] for r in server.requests("POST")]
    assert t[1] - t[0] >= 1.0  # on the shared fake clock: the client waited the whole second


def test_retries_spent_names_url_status_and_fix(server, tmp_path):
    server.script("/paper/batch", *[503] * 3)
    with pytest.raises(S2Unavailable) as e:
        client(server, tmp_path, max_retries=2).batch(["ARXIV:1608.00859"])
    msg = str(e.value)
    assert "503" in msg and "/paper/batch" in msg and "rerun" in msg and "\n" not in msg
    assert len(server.requests("POST")) == 3
    server.script("/paper/batch", *[429] * 2)
    with pytest.raises(RateLimited, match="set S2_API_KEY"):
        client(server, tmp_path, max_retries=1).batch(["ARXIV:1608.00859"])


def test_bad_field_is_bad_request(server, tmp_path):
    with pytest.raises(BadRequest, match=r"Unrecognized or unsupported fields: \[bogus\]"):
        client(server, tmp_path).batch(["ARXIV:1608.00859"], fields="title,bogus")
    assert len(server.requests("POST")) == 1  # a 400 is not retried


def test_refused_key_and_key_never_leaks(corpus, tmp_path):
    with FakeS2(corpus, api_key=KEY) as srv:
        with pytest.raises(KeyRefused) as e:
            client(srv, tmp_path, api_key="wrong-" + KEY).batch(["ARXIV:1608.00859"])
        assert "403" in str(e.value) and "S2_API_KEY" in str(e.value) and KEY not in str(e.value)
        c = client(srv, tmp_path, api_key=KEY)
        c.batch(["ARXIV:1608.00859"])
        c.edges(fid("a"), "references")
        assert srv.log[-1]["key"] == KEY and "key" not in repr(c).replace("key=", "")
        assert KEY not in repr(c)
        srv.script("/paper/batch", *[500] * 5)
        with pytest.raises(S2Unavailable) as e2:
            client(srv, tmp_path, api_key=KEY, refresh=True, max_retries=1).batch(["ARXIV:1608.00859"])
        assert KEY not in str(e2.value) and KEY not in repr(e2.value)
    for f in (tmp_path / "cache").rglob("*"):
        if f.is_file():
            assert KEY.encode() not in f.read_bytes(), f


def test_cache_warm_offline_refresh(server, tmp_path):
    c = client(server, tmp_path)
    first = c.edges(fid("a"), "citations")
    n = len(server.log)
    assert client(server, tmp_path).edges(fid("a"), "citations") == first
    assert len(server.log) == n  # warm: no request
    off = client(server, tmp_path, offline=True)
    assert off.edges(fid("a"), "citations") == first
    with pytest.raises(
        OfflineMiss, match="not in the cache for .*: GET /paper/.*/references.*without --offline"
    ):
        off.edges(fid("a"), "references")
    client(server, tmp_path, refresh=True).edges(fid("a"), "citations")
    assert len(server.log) == n + 3


def test_corrupted_cache_entry_is_refetched(server, tmp_path):
    c = client(server, tmp_path)
    c.batch(["ARXIV:1608.00859"])
    for k in list(c.cache.iterkeys()):
        c.cache.set(k, '{"truncated": ')
    with pytest.raises(OfflineMiss, match="corrupted"):
        client(server, tmp_path, offline=True).batch(["ARXIV:1608.00859"])
    n = len(server.log)
    assert client(server, tmp_path).batch(["ARXIV:1608.00859"])[0]["paperId"] == fid("a")
    assert len(server.log) == n + 1


def test_title_match_and_404(server, tmp_path):
    c = client(server, tmp_path)
    got = c.match_title("Temporal relational reasoning in videos")
    assert got["paperId"] == fid("b") and "matchScore" in got
    assert c.match_title("A title nobody ever wrote about cooking pasta") is None


def test_pacing_keeps_spacing_against_a_token_bucket(corpus, tmp_path):
    """A server counting arrivals (5 per second, burst 1) never sees two requests closer than its limit.

    Client and server share a FakeClock: the spacing is exact and the test takes no time.
    """
    with FakeS2(corpus, rate_limit=5.0, api_key=KEY, clock=FakeClock()) as srv:
        c = client(srv, tmp_path, rps=5.0, api_key=KEY)
        for i in range(20):
            assert c.match_title(f"Citer {i}")["paperId"] == fid(f"c{i}")
        assert [r["status"] for r in srv.log] == [200] * 20
        assert srv.min_gap() >= 0.2


def test_pacing_in_real_time(corpus, tmp_path):
    """The suite's one pacing test on the real clock: real sleeps, real sockets, a 5 per second token bucket.

    Request starts are spaced by at least 1/rps in real time. The server may see two arrivals a few
    milliseconds closer than that when a loaded machine delays one answer's thread (the margin is 4 %, 8 ms at
    5 per second), so it may answer one 429, which the client retries; the exact spacing at the server is
    asserted on the FakeClock above.
    """
    with FakeS2(corpus, rate_limit=5.0, api_key=KEY) as srv:
        c = client(srv, tmp_path, rps=5.0, api_key=KEY)
        starts = []
        wait = c.transport.limiter.wait
        c.transport.limiter.wait = lambda: (wait(), starts.append(time.monotonic()))[0]
        for i in range(8):
            assert c.match_title(f"Citer {i}")["paperId"] == fid(f"c{i}")
        statuses = [r["status"] for r in srv.log]
    assert len(starts) == len(statuses) and statuses.count(200) == 8 and statuses.count(429) <= 1
    assert min(b - a for a, b in zip(starts, starts[1:], strict=False)) >= 0.2


def test_limiter_on_a_fake_clock():
    """Spacing, 429 slow-down (doubling, capped at 30 s), easing back after 10 successes, Retry-After, rps 0."""
    clk = FakeClock()
    lim = Limiter(4.0, clock=clk, sleep=clk.sleep)
    assert lim.base == pytest.approx(0.26)
    assert [lim.wait() for _ in range(3)] == [0.0, pytest.approx(0.26), pytest.approx(0.26)]
    lim.slow_down()
    lim.slow_down()
    assert lim.interval == pytest.approx(1.04)
    start = clk()
    lim.wait()  # the slot taken before the 429s still holds
    lim.wait()
    assert clk() - start == pytest.approx(0.26 + 1.04)
    for _ in range(9):
        lim.recovered()
    assert lim.interval == pytest.approx(1.04)
    lim.recovered()
    assert lim.interval == pytest.approx(1.04 / 1.5)
    for _ in range(10):
        lim.slow_down()
    assert lim.interval == 30.0
    lim.push_back(100.0)
    before = clk()
    assert lim.wait() >= 100.0 and clk() - before >= 100.0
    off = Limiter(0, clock=clk, sleep=clk.sleep)
    off.slow_down()
    off.push_back(0.0)
    assert [off.wait() for _ in range(5)] == [0.0] * 5 and off.interval == 0.0


def test_a_start_that_slept_past_its_slot_keeps_the_next_an_interval_away():
    """A busy machine wakes a sleeper late: the request after it still starts a whole interval later."""
    clk = FakeClock()
    late = iter([0.05])  # the first sleep overshoots by 50 ms, the others are exact

    def sleep(seconds):
        clk.sleep(seconds + next(late, 0.0))

    lim = Limiter(5.0, margin=1.0, clock=clk, sleep=sleep)
    starts = []
    for _ in range(4):
        lim.wait()
        starts.append(clk())
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert gaps[0] == pytest.approx(0.25)  # the late one
    assert min(gaps) == pytest.approx(0.2)  # never closer than 1/rps (was 0.15 after the late one)


def test_ids_are_escaped_into_the_path_not_refused(tmp_path, server):
    """Hostile-looking ids stay one id inside /paper/…: escaped, never resolved as dot segments or a query."""
    for bad in ["../../etc/passwd", "ARXIV:1608.00859?fields=x", "abc def", "DOI:10.1/../../x", "#frag"]:
        with pytest.raises(PaperNotFound):
            client(server, tmp_path).edges(bad, "references")
    for r in server.log:
        assert r["path"].startswith("/graph/v1/paper/") and r["path"].endswith("/references")
        assert "/../" not in r["path"] and r["query"]["fields"].startswith("isInfluential,")
    for bad in ["", " ", "ARXIV:1\n2", ".."]:
        with pytest.raises(SeedError):
            check_paper_id(bad)


def test_unreachable_and_non_http_api_url(tmp_path):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    c = S2Client(f"http://127.0.0.1:{port}/graph/v1", cache_dir=tmp_path, rps=0, max_retries=1, backoff=0.01)
    with pytest.raises(S2Unavailable, match=f"cannot reach http://127.0.0.1:{port}/graph/v1/paper/batch"):
        c.batch(["ARXIV:1608.00859"])
    from graphkit.errors import GraphkitError

    with pytest.raises(GraphkitError, match="is not an http"):
        S2Client("ftp://example.org/graph/v1", cache_dir=tmp_path)


def test_recorded_real_responses_parse(tmp_path):
    """Real recorded S2 answers, served as they were, come through the client unchanged."""
    batch = json.loads((RECORDED / "get_papers_not_found_warning-1.json").read_text(encoding="utf-8"))
    refs = json.loads((RECORDED / "get_paper_references-1.json").read_text(encoding="utf-8"))
    with FakeS2(FixtureCorpus()) as srv:
        srv.script("/paper/batch", (200, batch["response"], {}))
        srv.script("/references$", (200, {k: v for k, v in refs["response"].items() if k != "next"}, {}))
        c = client(srv, tmp_path)
        got = c.batch(
            [
                "CorpusId:211530585",
                "CorpusId:470667",
                "10.2139/ssrn.2250500",
                "0f40b1f08821e22e859c6050916cec3667778613",
            ]
        )
        assert got[0] is None and got[1]["paperId"] == "c31c87c591a25c64fbaa82e8ac6a81831b6ac7ce"
        assert got[1]["publicationVenue"] is None
        items = c.edges("10.2139/ssrn.2250500", "references")["items"]
        assert items == refs["response"]["data"]


# -- one back-off policy, one bound on the attempts of a request ------------------------------------------------------
@pytest.mark.parametrize(
    "answers",
    [
        [503] * 20,  # urllib3's retries
        ["truncate"] * 20,  # graphkit's own (a body that is not JSON)
        [(200, [{"paperId": ["not", "an", "id"]}], {})] * 20,  # graphkit's own (the wrong shape)
        [503, "truncate", 503, "truncate", 503, "truncate", 503, "truncate"],  # both, in turn
    ],
    ids=["5xx", "truncated", "malformed", "mixed"],
)
def test_one_request_makes_at_most_retries_plus_one_attempts(server, tmp_path, answers):
    """Before, urllib3's retries ran inside each of graphkit's: up to (retries + 1)² attempts for one request."""
    server.script("/paper/batch", *answers)
    with pytest.raises(S2Unavailable):
        client(server, tmp_path, max_retries=3, backoff=0).batch(["ARXIV:1608.00859"])
    assert len(server.requests("POST", "/paper/batch$")) == 4


def test_graphkits_own_retries_wait_as_s2_backoff_says(server, tmp_path, monkeypatch):
    import graphkit.transport as s2

    slept: list[float] = []
    monkeypatch.setattr(s2.time, "sleep", slept.append)  # the waits, recorded (the limiter is off: rps 0)
    server.script("/paper/batch", "truncate", "truncate", "truncate")
    got = client(server, tmp_path, max_retries=3, backoff=0.5).batch(["ARXIV:1608.00859"])
    assert got[0] is not None
    # retries 1, 2, 3: none, then 0.5 × 2, 0.5 × 4 seconds, each plus up to 0.25 s of jitter
    assert len(slept) == 3 and slept[0] == 0.0
    assert 1.0 <= slept[1] <= 1.25 and 2.0 <= slept[2] <= 2.25


def test_a_callers_session_is_lent_not_changed(server, tmp_path):
    import requests

    mine = requests.Session()
    mine.headers["X-Mine"] = "1"
    adapters, headers = dict(mine.adapters), dict(mine.headers)
    c = client(server, tmp_path, session=mine)
    assert c.batch(["ARXIV:1608.00859"])[0] is not None
    assert dict(mine.adapters) == adapters and dict(mine.headers) == headers  # untouched
    assert server.log[-1]["headers"].get("X-Mine") == "1"  # and its headers were used
