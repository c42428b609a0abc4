"""The client against a hostile loopback server: redirects off the API's origin, trickling headers and bodies,
endless ``next``, malformed answers, oversized bodies, absurd ``Retry-After``, odd ids, odd base URLs and caches.

Every test asserts an outcome: a clean one-line error (or a success), what reached which server, and what was (not)
cached. None asserts a duration; pytest-timeout bounds the ones that would hang without the deadline.
"""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from graphkit.cli import cli
from graphkit.errors import CacheError, GraphkitError, OfflineMiss, S2Error, S2Unavailable
from graphkit.fetch import fetch_corpus
from graphkit.s2 import S2Client, check_paper_id
from graphkit.seeds import parse_seeds
from tests.corpus import FixtureCorpus, fid
from tests.s2server import FakeS2

KEY = "test-key-" + "7e" * 12
SICI = "10.1002/(SICI)1097-0258(19980815/30)17:15/16<1661::AID-SIM968>3.0.CO;2-2"


def corpus() -> FixtureCorpus:
    fc = FixtureCorpus()
    a = fc.add("a", "Temporal Segment Networks", 2016, arxiv="1608.00859")
    b = fc.add("b", "A Statistics Paper With A SICI DOI", 1998, doi=SICI)
    for i in range(30):
        fc.cite(fc.add(f"c{i}", f"Citer {i}", 2019), a)
    fc.cite(a, b, intents=["background"], contexts=["as shown in"])
    return fc.finalise()


@pytest.fixture
def good():
    with FakeS2(corpus()) as srv:
        yield srv


def client(srv_or_url, tmp_path, **kw) -> S2Client:
    kw.setdefault("rps", 0)
    kw.setdefault("backoff", 0.01)
    kw.setdefault("max_retries", 2)
    url = srv_or_url if isinstance(srv_or_url, str) else srv_or_url.url
    return S2Client(url, cache_dir=tmp_path / "cache", **kw)


def cached_entries(c: S2Client) -> list[str]:
    return [k for k in c.cache.iterkeys() if k != "graphkit:generation"]


# -- 1. redirects ------------------------------------------------------------------------------------------------
def test_cross_origin_redirect_is_refused_and_the_other_host_never_sees_the_key(tmp_path, good):
    with FakeS2(corpus()) as other:  # another port: another origin
        for route in ("/paper/batch$", "/paper/search/match$", "/references$", "/citations$"):
            good.script(
                route, lambda h, q, b, _o=other: (307, b"", {"Location": _o.url + h.path[len("/graph/v1") :]})
            )
        c = client(good, tmp_path, api_key=KEY)
        calls = [
            lambda: c.batch(["ARXIV:1608.00859"]),
            lambda: c.match_title("Temporal Segment Networks"),
            lambda: c.edges(fid("a"), "references"),
            lambda: c.edges(fid("a"), "citations"),
        ]
        for call in calls:
            with pytest.raises(
                S2Error, match="redirected \\(307\\) to another origin, http://127.0.0.1:"
            ) as e:
                call()
            assert KEY not in str(e.value) and "\n" not in str(e.value)
        assert other.log == []  # not the key, not even a request
        assert cached_entries(c) == []
        assert [r["key"] for r in good.log] == [KEY] * 4


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1:{other}\\@127.0.0.1:{good}/graph/v1/paper/batch",  # urlsplit reads the host after @
        "http://user@127.0.0.1:{other}/graph/v1/paper/batch",
        "http://127.0.0.1:{good}@127.0.0.1:{other}/graph/v1/paper/batch",
        "http://127.0.0.1:{other}\t/graph/v1/paper/batch",
        "//127.0.0.1:{other}/graph/v1/paper/batch",
        "http://127.0.0.%31:{other}/graph/v1/paper/batch",
        "http://ｌocalhost:{other}/graph/v1/paper/batch",
        "http:/\\127.0.0.1:{other}/graph/v1/paper/batch",
    ],
)
def test_a_redirect_that_could_reach_another_host_is_refused(tmp_path, good, location):
    """One origin rule: the host the HTTP library would connect to, and nothing it might read otherwise."""
    with FakeS2(corpus()) as other:
        port = lambda u: u.split(":")[2].split("/")[0]  # noqa: E731
        target = location.format(other=port(other.url), good=port(good.url))

        def raw(h, q, b):  # the Location's bytes as a server sends them (UTF-8, not latin-1)
            h.close_connection = True
            h.wfile.write(b"HTTP/1.1 307 Temporary Redirect\r\nLocation: " + target.encode() + b"\r\n")
            h.wfile.write(b"Content-Length: 0\r\n\r\n")

        good.script("/paper/batch$", raw)
        c = client(good, tmp_path, api_key=KEY)
        with pytest.raises(S2Error, match="redirected \\(307\\) to another origin") as e:
            c.batch(["ARXIV:1608.00859"])
        assert KEY not in str(e.value) and "\n" not in str(e.value)
        assert other.log == []
        assert cached_entries(c) == []


def test_same_origin_redirect_is_followed_with_the_key(tmp_path, good):
    good.script("/paper/batch$", (308, b"", {"Location": "/graph/v1/paper/batch?fields=paperId,title"}))
    c = client(good, tmp_path, api_key=KEY)
    assert c.batch(["ARXIV:1608.00859"])[0]["paperId"] == fid("a")
    assert [r["key"] for r in good.log] == [KEY, KEY]


# -- 2. deadline, page bound, Retry-After --------------------------------------------------------------------------
def _trickle_body(chunked: bool):
    def act(h, q, b):
        h.close_connection = True
        try:
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            if chunked:
                h.send_header("Transfer-Encoding", "chunked")
            else:
                h.send_header("Content-Length", "100000")
            h.end_headers()
            h.wfile.write(b"1\r\n[\r\n" if chunked else b"[")
            h.wfile.flush()
            for _ in range(120):  # a byte every 0.25 s: far slower than the deadline allows
                time.sleep(0.25)
                h.wfile.write(b"1\r\n \r\n" if chunked else b" ")
                h.wfile.flush()
        except OSError:
            pass

    return act


def _trickle_headers(h, q, b):
    h.close_connection = True
    try:
        h.wfile.write(b"HTTP/1.1 200 OK\r\n")
        h.wfile.flush()
        for i in range(120):
            time.sleep(0.25)
            h.wfile.write(f"X-Slow-{i}: yes\r\n".encode())
            h.wfile.flush()
    except OSError:
        pass


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "act",
    [_trickle_body(False), _trickle_body(True), _trickle_headers],
    ids=["content-length", "chunked", "headers"],
)
def test_trickling_answers_end_at_the_deadline(tmp_path, good, act):
    good.script("/paper/batch$", *[act] * 10)
    c = client(good, tmp_path, deadline=0.4, max_retries=1)
    with pytest.raises(S2Unavailable, match="within the 0.4 s deadline") as e:
        c.batch(["ARXIV:1608.00859"])
    assert "/paper/batch" in str(e.value)
    assert cached_entries(c) == []
    good._scripts.clear()
    assert c.batch(["ARXIV:1608.00859"])[0]["paperId"] == fid("a")  # a rerun against a good server succeeds


def test_endless_next_stops_at_the_page_bound_and_is_reported_short(tmp_path, good):
    a = fid("a")

    def one_more(h, q, b):
        off = int(q["offset"][0])
        item = {
            "citingPaper": {"paperId": fid(f"c{off % 30}"), "title": "x"},
            "intents": [],
            "isInfluential": False,
        }
        return 200, {"offset": off, "next": off + 1, "data": [item]}, {}

    good.script("/citations$", *[one_more] * 1000)
    c = client(good, tmp_path)
    got = c.edges(a, "citations", count=31)
    assert got["bounded"] and got["pages"] == 3  # 2 × 1 planned page + 1
    good._scripts.clear()
    good.script("/citations$", *[one_more] * 1000)
    seeds = parse_seeds(_ids_file(tmp_path, ["arXiv:1608.00859"]))
    corpus_ = fetch_corpus(seeds, client(good, tmp_path / "fresh"), detail="full")
    (short,) = [s for s in corpus_["short"] if s["list"] == "citations"]
    assert short["got"] == 3 and "after 3 pages" in short["stopped"]


@pytest.mark.parametrize("kind", ["references", "citations"])
def test_a_lying_count_pages_no_further_than_s2_can(tmp_path, kind):
    """A count of 10**12 with a ``next`` on every page: the list ends within S2's own 10,000 (21 requests at most:
    2 × 10 planned pages + 1), and is reported short."""
    fc = corpus()
    fc.count_override[(fid("a"), "referenceCount" if kind == "references" else "citationCount")] = 10**12
    side = "citedPaper" if kind == "references" else "citingPaper"

    def page(h, q, b):
        off, limit = int(q["offset"][0]), int(q["limit"][0])
        items = [{side: {"paperId": fid(f"c{(off + k) % 30}"), "title": "x"}} for k in range(limit)]
        return 200, {"offset": off, "next": off + limit, "data": items}, {}

    with FakeS2(fc.finalise()) as srv:
        srv.script(f"/{kind}$", *[page] * 100)
        seeds = parse_seeds(_ids_file(tmp_path, ["arXiv:1608.00859"]))
        got = fetch_corpus(seeds, client(srv, tmp_path), detail="full")
        assert len(srv.requests("GET", f"/{kind}$")) == 10  # offset + limit < 10,000
    if kind == "references":  # what the pages gave, against what was claimed
        assert [(s["list"], s["got"], s["expected"]) for s in got["short"]] == [("references", 9999, 10**12)]
    else:  # S2's own cap on citations
        assert got["short"] == [] and got["citations_cut"] == {fid("a"): 10**12}


@pytest.mark.parametrize("value", ["99999", "Wed, 21 Oct 2099 07:28:00 GMT", "soon", "-5", "nan"])
def test_absurd_retry_after_is_capped_or_ignored(tmp_path, good, value):
    good.script("/paper/batch$", (429, {"message": "Too Many Requests"}, {"Retry-After": value}))
    waits = []
    c = client(good, tmp_path, retry_after_max=0.2)
    c.on_wait = lambda seconds, why: waits.append((seconds, why))
    assert c.batch(["ARXIV:1608.00859"])[0]["paperId"] == fid("a")
    assert [r["status"] for r in good.log] == [429, 200]
    assert all(s <= 0.2 for s, _ in waits)
    if value in ("99999", "Wed, 21 Oct 2099 07:28:00 GMT"):
        assert waits == [(0.2, "S2 asked to wait (Retry-After, 429)")]


# -- 3. malformed answers -------------------------------------------------------------------------------------------
def _paper(**kw):
    return {
        "paperId": fid("a"),
        "title": "Temporal Segment Networks",
        "year": 2016,
        "citationCount": 30,
        "referenceCount": 1,
        "authors": [{"authorId": "1", "name": "A. Fixture"}],
        **kw,
    }


MALFORMED = [
    ("batch", "/paper/batch$", [_paper(paperId=["x"])], r"\[0\]\.paperId is list"),
    ("batch", "/paper/batch$", [_paper(citationCount="30")], r"\[0\]\.citationCount is str '30'"),
    ("batch", "/paper/batch$", [_paper(referenceCount=-1)], r"\[0\]\.referenceCount is int -1"),
    ("batch", "/paper/batch$", [_paper(year="2019a")], r"\[0\]\.year is str '2019a'"),
    ("batch", "/paper/batch$", [_paper(authors="A. Fixture")], r"\[0\]\.authors is str"),
    ("batch", "/paper/batch$", {"data": []}, "the answer is dict"),
    ("batch", "/paper/batch$", [], "the answer has 0 entries for 1 ids"),
    ("refs", "/references$", {"offset": 0, "data": {"citedPaper": {}}}, "data is dict"),
    ("refs", "/references$", {"offset": 0, "data": ["a", "b"]}, r"data\[0\] is str 'a'"),
    ("refs", "/references$", {"offset": 0, "data": [{"citedPaper": "x"}]}, r"data\[0\]\.citedPaper is str"),
    (
        "refs",
        "/references$",
        {"offset": 0, "data": [{"citedPaper": {"paperId": None}, "intents": 3}]},
        r"data\[0\]\.intents is int 3",
    ),
    ("refs", "/references$", {"offset": 0, "next": "1000", "data": []}, "next is str"),
    (
        "cites",
        "/citations$",
        {"offset": 0, "data": [{"citingPaper": _paper(paperId="not-hex")}]},
        r"data\[0\]\.citingPaper\.paperId is str 'not-hex'",
    ),
    ("match", "/paper/search/match$", {"data": "Temporal Segment Networks"}, "data is str"),
    ("match", "/paper/search/match$", {"data": [_paper(paperId=None)]}, r"data\[0\]\.paperId is missing"),
]


@pytest.mark.parametrize("call,route,payload,field", MALFORMED, ids=[m[3][:30] for m in MALFORMED])
def test_malformed_answer_is_a_clean_error_never_cached_and_a_rerun_succeeds(
    tmp_path, good, call, route, payload, field
):
    c = client(good, tmp_path)  # 2 retries: 3 malformed answers in a row
    good.script(route, *[(200, payload, {})] * 3)
    do = {
        "batch": lambda: c.batch(["ARXIV:1608.00859"]),
        "refs": lambda: c.edges(fid("a"), "references"),
        "cites": lambda: c.edges(fid("a"), "citations"),
        "match": lambda: c.match_title("Temporal Segment Networks"),
    }[call]
    with pytest.raises(S2Unavailable, match=f"kept answering malformed JSON \\({field}") as e:
        do()
    assert good.url in str(e.value) and "\n" not in str(e.value)
    assert len(good.log) == 3 and cached_entries(c) == []
    got = do()  # the server is good again: the same client and cache succeed
    assert got and cached_entries(c)


def test_malformed_answer_already_in_the_cache_is_dropped_and_fetched_again(tmp_path, good):
    c = client(good, tmp_path)
    c.batch(["ARXIV:1608.00859"])
    (key,) = cached_entries(c)
    c.cache.set(key, json.dumps([_paper(year="2019a")]))  # cached by a graphkit that did not check
    assert c.batch(["ARXIV:1608.00859"])[0]["year"] == 2016
    assert len(good.log) == 2


# -- 4. size --------------------------------------------------------------------------------------------------------
def _chunked_flood(h, q, b):
    h.close_connection = True
    try:
        h.send_response(200)
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        block = b" " * 65536
        for _ in range(64):  # 4 MB, no Content-Length
            h.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
        h.wfile.write(b"0\r\n\r\n")
    except OSError:
        pass


@pytest.mark.parametrize(
    "answer", [(200, b"[" + b" " * (3 * 2**20) + b"]", {}), _chunked_flood], ids=["content-length", "chunked"]
)
def test_an_oversized_answer_is_a_clear_error_not_cached(tmp_path, good, answer):
    good.script("/paper/batch$", answer)
    c = client(good, tmp_path, max_bytes=2**20)
    with pytest.raises(S2Error, match="over the 1,048,576-byte limit for one response; nothing was cached"):
        c.batch(["ARXIV:1608.00859"])
    assert cached_entries(c) == [] and len(good.log) == 1  # not retried: it would be as big again
    assert c.batch(["ARXIV:1608.00859"])[0]["paperId"] == fid("a")


def test_bounds_from_the_environment(tmp_path, good, monkeypatch):
    monkeypatch.setenv("S2_DEADLINE", "2.5")
    monkeypatch.setenv("S2_MAX_BYTES", "1000")
    c = client(good, tmp_path)
    assert (c.transport.deadline, c.transport.max_bytes) == (2.5, 1000)
    for bad in ("nan", "-1", "0", "soon"):
        monkeypatch.setenv("S2_DEADLINE", bad)
        with pytest.raises(GraphkitError, match=f"S2_DEADLINE='{bad}' is not a finite number > 0"):
            client(good, tmp_path)


# -- 5. ids -----------------------------------------------------------------------------------------------------------
def _ids_file(tmp_path, ids: list[str]) -> str:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "ids.txt"
    path.write_text("\n".join(ids) + "\n", encoding="utf-8")
    return str(path)


def test_a_sici_doi_resolves_in_a_batch_and_in_a_path(tmp_path, good):
    c = client(good, tmp_path)
    assert c.batch([f"DOI:{SICI}"])[0]["paperId"] == fid("b")
    assert (
        c.edges(f"DOI:{SICI}", "references")["items"] is not None
    )  # the id in a path: /paper/{id}/references
    assert "<" not in good.log[-1]["path"] and ";" not in good.log[-1]["path"]
    assert check_paper_id(SICI).count("/") == SICI.count("/")


def test_an_id_s2_refuses_leaves_its_seed_unresolved_with_its_line(tmp_path, good):
    def refuse_bogus(h, q, body):
        if b"bogus" in body:
            return 400, {"error": "Invalid paper id: DOI:10.9999/bogus"}, {}
        status, payload = h.fake.answer("POST", "/graph/v1/paper/batch", q, body)
        return status, payload, {}

    good.script("/paper/batch$", *[refuse_bogus] * 10)
    corpus_id = int(fid("b")[:7], 16)
    seeds = parse_seeds(
        _ids_file(tmp_path, ["arXiv:1608.00859", "DOI:10.9999/bogus", f"CorpusId:{corpus_id}"])
    )
    got = fetch_corpus(seeds, client(good, tmp_path))
    status = {s["key"]: (s["status"], s["reason"]) for s in got["seeds"]}
    assert [v[0] for v in status.values()] == ["resolved", "unresolved", "resolved"]
    (reason,) = [v[1] for v in status.values() if v[0] == "unresolved"]
    assert reason == "S2 refused the id DOI:10.9999/bogus (400; line 2)"


# -- 6. base URL and cache -------------------------------------------------------------------------------------------
def test_an_invalid_api_url_is_one_line(tmp_path):
    post = _ids_file(tmp_path, ["arXiv:1608.00859"])
    res = CliRunner().invoke(
        cli,
        [
            "build",
            post,
            "-o",
            str(tmp_path / "out"),
            "--cache-dir",
            str(tmp_path / "c"),
            "--api-url",
            "http://[::1",
        ],
    )
    assert res.exit_code == 1
    assert res.output.strip().splitlines() == [
        "graphkit: error: --api-url 'http://[::1' is not a valid URL (Invalid IPv6 URL); "
        "use e.g. https://api.semanticscholar.org/graph/v1"
    ]


def test_user_password_in_the_api_url_is_sent_as_auth_never_shown_or_cached(tmp_path, good):
    url = good.url.replace("http://", "http://me:s3cret-pw@")
    c = client(url, tmp_path)
    assert c.base_url == good.url
    c.batch(["ARXIV:1608.00859"])
    assert all("s3cret" not in k for k in c.cache.iterkeys())
    good.script("/citations$", *[500] * 3)
    with pytest.raises(S2Unavailable) as e:
        c.edges(fid("a"), "citations")
    assert "s3cret" not in str(e.value) and "s3cret" not in repr(c)
    with pytest.raises(GraphkitError) as e:
        S2Client("ftp://me:s3cret-pw@example.org/", cache_dir=tmp_path / "c2")
    assert "s3cret" not in str(e.value)


def test_a_cache_diskcache_cannot_open_for_writing_is_opened_read_only_offline(tmp_path, good, monkeypatch):
    """As on a read-only directory (which root, running these tests, cannot make): diskcache's open fails."""
    import sqlite3

    import graphkit.cache as cache_module

    c = client(good, tmp_path)
    first = c.edges(fid("a"), "citations")
    c.close()

    def readonly(*a, **kw):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(cache_module.diskcache, "Cache", readonly)
    with pytest.raises(CacheError, match="a read-only cache works with --offline"):
        client(good, tmp_path)
    monkeypatch.undo()  # diskcache opens the copy
    monkeypatch.setattr(cache_module, "_diskcache", _fails_on(tmp_path / "cache", cache_module._diskcache))
    off = client(good, tmp_path, offline=True)
    copy = off.responses._copy
    assert copy is not None and copy != tmp_path / "cache" and off.edges(fid("a"), "citations") == first
    assert off.generation >= 1
    with pytest.raises(OfflineMiss):
        off.edges(fid("a"), "references")
    off.close()
    assert not copy.exists()  # the temporary copy goes with the client
    assert good.log and all(r["path"].endswith("/citations") for r in good.log)


def _fails_on(directory, open_cache):
    """diskcache's open, failing as on a read-only directory for ``directory`` only."""
    import sqlite3

    def open_or_fail(d):
        if d == directory:
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return open_cache(d)

    return open_or_fail


def test_a_read_only_cache_is_copied_without_what_its_links_point_to(tmp_path, good, monkeypatch):
    import graphkit.cache as cache_module

    c = client(good, tmp_path)
    c.edges(fid("a"), "citations")
    c.close()
    secret = tmp_path / "secret.txt"
    secret.write_text("not a cache file", encoding="utf-8")
    (tmp_path / "cache" / "ab").mkdir(exist_ok=True)
    (tmp_path / "cache" / "ab" / "cd").mkdir(exist_ok=True)
    (tmp_path / "cache" / "ab" / "cd" / ("0" * 28 + ".val")).symlink_to(secret)
    (tmp_path / "cache" / "planted.sh").write_text("echo owned", encoding="utf-8")
    monkeypatch.setattr(cache_module, "_diskcache", _fails_on(tmp_path / "cache", cache_module._diskcache))
    off = client(good, tmp_path, offline=True)
    copied = {
        p.relative_to(off.responses._copy).as_posix() for p in off.responses._copy.rglob("*") if p.is_file()
    }
    assert (
        "cache.db" in copied
        and "planted.sh" not in copied
        and not any(p.endswith(".val") and "ab/cd" in p for p in copied)
    )
    off.close()


def test_a_damaged_cache_db_says_how_to_repair(tmp_path):
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "cache.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(CacheError, match=r"damaged .*; move .*cache\.db aside \(or delete it\)"):
        S2Client("http://127.0.0.1:9/graph/v1", cache_dir=tmp_path / "cache")


# -- bad answers are neither cached nor trusted (issue 22) -------------------------------------------------------
def test_a_null_paper_id_in_a_batch_is_no_unknown_paper(tmp_path, good):
    good.script("/paper/batch$", *[(200, [{"paperId": None, "title": "x"}], {})] * 10)
    c = client(good, tmp_path)
    with pytest.raises(S2Error):
        c.batch(["ARXIV:1608.00859"])
    assert cached_entries(c) == []  # not cached as "not found"
    good._scripts.clear()
    assert c.batch(["ARXIV:1608.00859"])[0]["paperId"] == fid("a")  # the fixed server's answer is used


def test_a_page_without_data_is_malformed_not_empty(tmp_path, good):
    good.script("/references$", *[(200, {"offset": 0}, {})] * 10)
    c = client(good, tmp_path)
    with pytest.raises(S2Error):
        c.edges(fid("a"), "references", count=1)
    good._scripts.clear()
    assert [i["citedPaper"]["paperId"] for i in c.edges(fid("a"), "references", count=1)["items"]] == [
        fid("b")
    ]


def test_a_cached_entry_of_the_wrong_shape_is_fetched_again(tmp_path, good):
    c = client(good, tmp_path)
    want = c.batch(["ARXIV:1608.00859"])
    (key,) = cached_entries(c)
    c.cache.set(key, '[{"paperId": 5, "citationCount": "many"}]', tag=time.time())
    assert c.batch(["ARXIV:1608.00859"]) == want
    assert len(good.requests("POST")) == 2


def test_a_read_only_copy_without_its_wal_files_serves_offline(tmp_path, good):
    """A cache.db copied alone into a folder nobody can write (root too: chattr +i) is intact, not "damaged"."""
    import shutil
    import subprocess

    c = client(good, tmp_path)
    first = c.edges(fid("a"), "citations")
    c.close()
    ro = tmp_path / "ro"
    ro.mkdir()
    shutil.copy(tmp_path / "cache" / "cache.db", ro / "cache.db")
    if subprocess.run(["chattr", "+i", str(ro)], capture_output=True).returncode != 0:
        pytest.skip("cannot make an immutable folder here")
    try:
        off = S2Client(good.url, cache_dir=ro, offline=True, rps=0)
        assert off.responses._copy is not None and off.edges(fid("a"), "citations") == first
        off.close()
    finally:
        subprocess.run(["chattr", "-i", str(ro)], check=True)


def test_a_trickled_status_line_costs_two_deadlines_at_most(tmp_path, good):
    """A server that sends its status line a byte at a time: each attempt is cut at the deadline, and after two
    such attempts the request is given up (was: every retry urllib3 and graphkit had, a deadline each)."""

    def trickle(h, q, b):
        h.close_connection = True
        try:
            for ch in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]":
                h.wfile.write(bytes([ch]))
                h.wfile.flush()
                time.sleep(0.3)
        except OSError:
            pass

    good.script("/paper/batch$", *[trickle] * 20)
    c = S2Client(good.url, cache_dir=tmp_path / "cache", rps=0, deadline=0.4, backoff=0.01, api_key=KEY)
    assert c.transport.policy.attempts >= 5
    with pytest.raises(S2Unavailable, match="within the 0.4 s deadline, 2 times") as e:
        c.batch(["ARXIV:1608.00859"])
    assert len(good.requests("POST")) == 2 and KEY not in str(e.value)
