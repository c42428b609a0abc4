"""Layer 1: the S2 client over a transport tests replace, and the transport's one retry loop over a replaced attempt —
no server. (The same paths against a real HTTP server on loopback are in test_s2.py and test_hostile.py.)"""

from __future__ import annotations

import json

import pytest

from graphkit.errors import BadRequest, RateLimited, S2Unavailable
from graphkit.s2 import S2Client
from graphkit.transport import Retry, Transport

PID = "a" * 40


class ScriptedTransport:
    """Answers each call from a script of (status, JSON-able body) pairs, feeding them to the client's ``accept``
    as the real transport's loop does: a :class:`Retry` raised by ``accept`` takes the next answer."""

    base_url = "https://api.semanticscholar.org/graph/v1"

    def __init__(self, *answers, by_body=None):
        self.answers = list(answers)
        self.by_body = by_body
        self.calls: list[tuple] = []
        self.on_wait = None

    def call(self, method, url, params, body, accept, *, shown):
        self.calls.append((method, url, params, body))
        while True:
            status, data = self.by_body(body) if self.by_body else self.answers.pop(0)
            raw = data if isinstance(data, bytes) else json.dumps(data).encode()
            try:
                return accept(status, raw)
            except Retry as r:
                if not self.answers:
                    raise r.final from None

    def close(self):
        pass


def client(tmp_path, transport):
    return S2Client(cache_dir=tmp_path / "cache", rps=0, transport=transport)


def test_an_answer_is_cached_and_a_rerun_asks_nothing(tmp_path):
    t = ScriptedTransport((200, [{"paperId": PID, "title": "T"}]))
    c = client(tmp_path, t)
    assert c.batch(["ARXIV:1608.00859"])[0]["paperId"] == PID
    assert c.batch(["ARXIV:1608.00859"])[0]["paperId"] == PID
    assert len(t.calls) == 1 and c.stats["cache_hits"] == 1


def test_a_malformed_answer_is_asked_again_and_never_cached(tmp_path):
    bad = (200, [{"paperId": PID, "year": "2019a"}])
    t = ScriptedTransport(bad, (200, b'[{"paperId": '), (200, [{"paperId": PID, "year": 2019}]))
    c = client(tmp_path, t)
    assert c.batch(["X"])[0]["year"] == 2019
    (key,) = [k for k in c.cache.iterkeys() if not k.startswith("graphkit:")]
    assert json.loads(c.cache.get(key))[0]["year"] == 2019  # only the good answer was kept
    t2 = ScriptedTransport(bad)
    with pytest.raises(S2Unavailable, match=r"malformed JSON \(\[0\]\.year is str '2019a', not a year\)"):
        client(tmp_path / "2", t2).batch(["X"])


def test_a_refused_id_is_found_by_halving_the_batch(tmp_path):
    def answer(body):
        ids = body["ids"]
        if "BAD" in ids:
            return 400, {"error": "No valid paper ids given"}
        return 200, [{"paperId": f"{i:0>40}"[-40:].replace("X", "a")} for i in ids]

    refused = []
    t = ScriptedTransport(by_body=answer)
    got = client(tmp_path, t).batch(
        ["X1", "X2", "BAD", "X3"], on_refused=lambda pid, why: refused.append(pid)
    )
    assert [g is None for g in got] == [False, False, True, False]
    assert refused == ["BAD"] and len(t.calls) == 5  # 4 ids, then 2 + 2, then 1 + 1 of the half holding BAD


def test_statuses_become_one_line_errors_naming_the_fix(tmp_path):
    with pytest.raises(RateLimited, match="set S2_API_KEY"):
        client(tmp_path, ScriptedTransport((429, {}))).match_title("A title")
    with pytest.raises(BadRequest, match="S2 says: bad fields"):
        client(tmp_path / "2", ScriptedTransport((400, {"error": "bad fields"}))).edges(PID, "references")
    assert (
        client(tmp_path / "3", ScriptedTransport((404, {"error": "Title match not found"}))).match_title("x")
        is None
    )


class ReplayedAttempts(Transport):
    """The real transport's loop, each attempt answered from a script instead of a socket."""

    def __init__(self, *attempts, **kw):
        super().__init__("http://127.0.0.1:9/graph/v1", rps=0, backoff=0, **kw)
        self.script = list(attempts)
        self.waited: list[float] = []
        self.limiter.push_back = self.waited.append

    def _attempt(self, method, url, params, body, shown, budget):
        status, headers, raw = self.script.pop(0)
        return status, headers, raw, False


def accept_json(status, raw):
    if status != 200:
        raise RuntimeError(status)
    try:
        return json.loads(raw)
    except ValueError:
        raise Retry(S2Unavailable("not JSON")) from None


def test_the_one_loop_retries_statuses_and_refused_answers_within_one_budget():
    t = ReplayedAttempts(
        (503, {}, b""),
        (429, {"Retry-After": "7"}, b""),
        (200, {}, b"{trunc"),
        (200, {}, b'{"ok": 1}'),
        max_retries=3,
    )
    assert t.call("GET", "u", {}, None, accept_json, shown="u") == {"ok": 1}
    assert (
        t.counters.requests == 4
        and t.counters.retries == 3
        and t.counters.statuses == {503: 1, 429: 1, 200: 2}
    )
    assert t.waited == [7.0]  # the Retry-After, held by the limiter
    t = ReplayedAttempts(*[(200, {}, b"{trunc")] * 5, max_retries=2)
    with pytest.raises(S2Unavailable, match="not JSON"):
        t.call("GET", "u", {}, None, accept_json, shown="u")
    assert t.counters.requests == 3  # retries + 1 attempts, no more
    t = ReplayedAttempts(*[(500, {}, b"")] * 5, max_retries=1)
    with pytest.raises(RuntimeError, match="500"):  # the last status goes to accept, which names the error
        t.call("GET", "u", {}, None, accept_json, shown="u")
    assert t.counters.requests == 2


def test_a_retry_after_is_capped():
    t = ReplayedAttempts((429, {"Retry-After": "99999"}, b""), (200, {}, b"{}"), retry_after_max=30)
    t.call("GET", "u", {}, None, accept_json, shown="u")
    assert t.waited == [30.0]
