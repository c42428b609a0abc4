"""A real HTTP server on 127.0.0.1, in a thread, that speaks the S2 Graph API's JSON from a FIXTURE corpus.

Routes (shapes as in the recorded responses in ``tests/fixtures/s2``): ``POST /graph/v1/paper/batch`` (with nested ``references.…`` and
``citations.…`` lists, S2's batch-wide 9,999-citation cap and its 10 MB limit), ``GET /graph/v1/paper/{id}``,
``/paper/{id}/references``, ``/paper/{id}/citations`` (offset / limit / next, the 10,000 cap),
``/paper/search/match``. It can require an API key (403), limit arrivals with a token bucket (429), inject faults
at a rate (5xx, 429 with and without Retry-After, dropped connections, truncated bodies, slow answers), and be
scripted to answer the next matching requests with given statuses. Every request is logged.
"""

from __future__ import annotations

import json
import random
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import orjson

from tests.corpus import FixtureCorpus


def _dumps(payload) -> bytes:
    """JSON as S2 sends it: compact, no spaces (as the recorded answers in ``shared/s2/recorded`` are)."""
    return orjson.dumps(payload)


PAPER_FIELDS = {
    "paperId",
    "corpusId",
    "externalIds",
    "url",
    "title",
    "abstract",
    "venue",
    "publicationVenue",
    "year",
    "publicationDate",
    "referenceCount",
    "citationCount",
    "influentialCitationCount",
    "isOpenAccess",
    "openAccessPdf",
    "fieldsOfStudy",
    "s2FieldsOfStudy",
    "publicationTypes",
    "journal",
    "authors",
    "tldr",
}
EDGE_FIELDS = {"contexts", "intents", "isInfluential"}
NESTED = ("references", "citations")  # lists POST /paper/batch nests (paper fields only)
BATCH_CITATIONS = 9_999  # citations one batch answer carries, in all (s2-folks #199)
BATCH_MAX_BYTES = 10 * 2**20  # "Response would exceed maximum size of 10 MB"
TOO_MANY = {
    "message": "Too Many Requests. Please wait and try again or apply for a key for higher rate limits. "
    "https://www.semanticscholar.org/product/api#api-key-form",
    "code": "429",
}


@dataclass
class Faults:
    """Inject a fault into ``rate`` of the requests (seeded), drawn from ``kinds``."""

    rate: float = 0.0
    kinds: tuple[str, ...] = (
        "500",
        "502",
        "503",
        "504",
        "429",
        "429-retry-after",
        "drop",
        "truncate",
        "slow",
    )
    seed: int = 0
    slow_seconds: float = 1.5
    rng: random.Random = field(init=False)

    def __post_init__(self):
        self.rng = random.Random(self.seed)

    def draw(self) -> str | None:
        if self.rate and self.rng.random() < self.rate:
            return self.rng.choice(self.kinds)
        return None


class FakeClock:
    """A monotonic clock that moves only when slept on, for the client's limiter and the server's token bucket.

    Pacing tests run at once and their gaps are exact: ``Limiter(rps, clock=clk, sleep=clk.sleep)`` (or
    :meth:`pace`) on the client and ``FakeS2(..., clock=clk)`` on the server.

    >>> clk = FakeClock()
    >>> clk.sleep(0.25); clk.sleep(-1); clk() - FakeClock.START
    0.25
    """

    START = 1000.0

    def __init__(self) -> None:
        self.now = self.START
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += max(0.0, seconds)

    def pace(self, client):
        """Put ``client``'s limiter on this clock; return the client."""
        client.transport.limiter.clock, client.transport.limiter.sleep = self, self.sleep
        return client


class FakeS2:
    def __init__(
        self,
        corpus: FixtureCorpus,
        *,
        api_key: str | None = None,
        rate_limit: float | None = None,
        burst: float = 1.0,
        faults: Faults | None = None,
        latency: float = 0.0,
        clock=time.monotonic,
    ):
        self.corpus = corpus
        self.api_key = api_key
        self.rate_limit = rate_limit
        self.burst = burst
        self.faults = faults or Faults()
        self.latency = latency
        self.clock = clock  # arrival times and the token bucket; a FakeClock shared with the client's limiter
        self.batch_max_bytes = BATCH_MAX_BYTES  # lower it in a test to see the 10 MB 400
        self.batch_citations = BATCH_CITATIONS
        self.log: list[dict] = []
        self._scripts: list[tuple[re.Pattern, list]] = []
        self._lock = threading.Lock()
        self._tokens = burst
        self._last = clock()
        self._httpd: ThreadingHTTPServer | None = None
        self._handler: type | None = None
        self._thread: threading.Thread | None = None

    # -- control -------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/graph/v1"

    def start(self) -> FakeS2:
        server = self

        class Handler(_Handler):
            fake = server

        self._handler = Handler
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            # a class is part of a reference cycle (its __mro__): without this, the handler class would keep the
            # server, and with it the corpus and the log, alive until the next full garbage collection
            self._handler.fake = None

    def __enter__(self) -> FakeS2:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def script(self, path_regex: str, *responses) -> None:
        """Answer the next requests whose path matches with ``responses`` in turn: each a status (int), a fault
        name (``"drop"``, ``"truncate"``, ``"slow"``, ``"429-retry-after"``), ``(status, body, headers)``, or a
        callable ``(handler, query, body)`` returning ``(status, body, headers)`` or writing raw bytes itself."""
        with self._lock:
            self._scripts.append((re.compile(path_regex), list(responses)))

    def requests(self, method: str | None = None, path_regex: str | None = None) -> list[dict]:
        return [
            r
            for r in self.log
            if (method is None or r["method"] == method)
            and (path_regex is None or re.search(path_regex, r["path"]))
        ]

    def min_gap(self) -> float:
        ts = sorted(r["t"] for r in self.log)
        return min((b - a for a, b in zip(ts, ts[1:], strict=False)), default=float("inf"))

    # -- decisions made under the lock ---------------------------------------------------------------------
    def _scripted(self, path: str):
        with self._lock:
            for i, (rx, responses) in enumerate(self._scripts):
                if rx.search(path) and responses:
                    r = responses.pop(0)
                    if not responses:
                        self._scripts.pop(i)
                    return r
        return None

    def _take_token(self) -> bool:
        if not self.rate_limit:
            return True
        with self._lock:
            now = self.clock()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate_limit)
            self._last = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return True
            return False

    # -- the API -------------------------------------------------------------------------------------------
    def answer(self, method: str, path: str, query: dict, body: bytes) -> tuple[int, object]:
        """A status and its JSON payload (a batch answer with lists comes already encoded, as bytes)."""
        m = re.fullmatch(r"/graph/v1(/.*)", path)
        if not m:
            return 404, {"message": "Not Found"}
        route = m.group(1)
        fields = [f for f in (query.get("fields", [""])[0]).split(",") if f]
        if method == "POST" and route == "/paper/batch":
            return self._batch(fields, body)
        if method != "GET":
            return 405, {"message": "Method Not Allowed"}
        if route == "/paper/search/match":
            return self._match(query.get("query", [""])[0], fields)
        m = re.fullmatch(r"/paper/(.+)/(references|citations)", route)
        if m:
            return self._edges(unquote(m.group(1)), m.group(2), fields, query)
        m = re.fullmatch(r"/paper/(.+)", route)
        if m:
            pid = self.corpus.resolve(unquote(m.group(1)))
            bad = self._bad_fields(fields, PAPER_FIELDS)
            if bad:
                return bad
            if pid is None:
                return 404, {"error": f"Paper with id {unquote(m.group(1))} not found"}
            return 200, self._paper(pid, fields)
        return 404, {"message": "Not Found"}

    def _bad_fields(self, fields, allowed):
        unknown = [f for f in fields if f not in allowed]
        if unknown:
            return 400, {"error": f"Unrecognized or unsupported fields: [{', '.join(unknown)}]"}
        return None

    def _paper(self, pid: str, fields) -> dict:
        p = self.corpus.papers[pid]
        out = {"paperId": pid}
        for f in fields or ["title"]:
            if f == "corpusId":
                out[f] = p["externalIds"].get("CorpusId")
            elif f in p:
                out[f] = p[f]
            elif f != "paperId":
                out[f] = None
        return out

    def _batch(self, fields, body: bytes):
        """Papers with nested ``references.…`` / ``citations.…`` lists: paper fields only, the citations capped
        at :data:`BATCH_CITATIONS` over the whole answer (filled in the order asked), a 400 past 10 MB."""
        plain = [f for f in fields if "." not in f]
        nested: dict[str, list[str]] = {}
        for f in fields:
            if "." in f:
                head, _, sub = f.partition(".")
                if head not in NESTED:
                    return 400, {"error": f"Unrecognized or unsupported fields: [{f}]"}
                nested.setdefault(head, []).append(sub)
        bad = self._bad_fields(plain, PAPER_FIELDS)
        if bad:
            return bad
        for head, subs in nested.items():
            unknown = [f"{head}.{f}" for f in subs if f not in PAPER_FIELDS]
            if unknown:
                return 400, {"error": f"Unrecognized or unsupported fields: [{', '.join(unknown)}]"}
        try:
            ids = json.loads(body or b"{}")["ids"]
        except (ValueError, KeyError, TypeError):
            return 400, {"error": "Body must be a JSON object with an ids list"}
        if len(ids) > 500:
            return 400, {"error": "Cannot process more than 500 ids at once"}
        out = []
        citations_left = self.batch_citations
        for i in ids:
            pid = self.corpus.resolve(str(i))
            if pid is None:
                out.append(None)
                continue
            paper = self._paper(pid, plain)
            if "references" in nested:
                subs = nested["references"]
                refs = [self._paper(c, subs) for c, *_ in self.corpus.refs.get(pid, [])]
                refs += [
                    {"paperId": None, **{f: None for f in subs if f != "paperId"}, "title": t}
                    for t in self.corpus.null_refs.get(pid, [])
                ]
                paper["references"] = refs
            if "citations" in nested:
                rows = self.corpus.citers(pid)[: max(citations_left, 0)]
                citations_left -= len(rows)
                paper["citations"] = [self._paper(c, nested["citations"]) for c, *_ in rows]
            out.append(paper)
        if nested:
            raw = _dumps(out)  # sent as it is: encoded once
            if len(raw) > self.batch_max_bytes:
                return 400, {
                    "error": f"Response would exceed maximum size of {self.batch_max_bytes / 2**20:g} MB. "
                    "Please request fewer papers or fields."
                }
            return 200, raw
        return 200, out

    def _match(self, q: str, fields):
        """The paper whose normalised title is most like ``q`` (difflib's ratio, the first of equals), if it is at
        least 0.8 like it. An equal title wins at once; the others are bounded by length and by letter counts
        (difflib's own upper bounds) before the ratio is computed."""
        bad = self._bad_fields(fields, PAPER_FIELDS)
        if bad:
            return bad
        import difflib
        from collections import Counter

        from graphkit.seeds import normalise_title

        nq = normalise_title(q)
        exact, rows = self.corpus.titles()
        best, score = exact.get(nq), 1.0
        if best is None:
            cq, lq, score = Counter(nq), len(nq), 0.0
            for pid, nt in rows:
                total = lq + len(nt)
                if total == 0:
                    continue
                floor = max(score, 0.8)  # below 0.8 nothing is answered, so no candidate there matters
                if (
                    2.0 * min(lq, len(nt)) / total < floor
                    or 2.0 * sum((cq & Counter(nt)).values()) / total < floor
                ):
                    continue
                r = difflib.SequenceMatcher(None, nq, nt, autojunk=False).ratio()
                if r > score:
                    best, score = pid, r
        if best is None or score < 0.8:
            return 404, {"error": "Title match not found"}
        paper = self._paper(best, fields)
        paper["matchScore"] = round(score * 200, 3)
        return 200, {"data": [paper]}

    def _edges(self, raw_id: str, kind: str, fields, query):
        bad = self._bad_fields(fields, PAPER_FIELDS | EDGE_FIELDS)
        if bad:
            return bad
        pid = self.corpus.resolve(raw_id)
        if pid is None:
            return 404, {"error": f"Paper with id {raw_id} not found"}
        try:
            offset = int(query.get("offset", ["0"])[0])
            limit = int(query.get("limit", ["100"])[0])
        except ValueError:
            return 400, {"error": "offset and limit must be integers"}
        if limit > 1000 or limit < 1 or offset < 0:
            return 400, {"error": "Limit must be between 1 and 1000"}
        if kind == "citations" and offset + limit >= 10_000:
            return 400, {"error": "The sum of offset and limit must be < 10000"}
        if kind == "references":
            rows = [(c, i, it, cx) for c, i, it, cx in self.corpus.refs.get(pid, [])]
            nulls = self.corpus.null_refs.get(pid, [])
        else:
            rows = self.corpus.citers(pid)
            nulls = []
        total = len(rows) + len(nulls)
        data = []
        side = "citedPaper" if kind == "references" else "citingPaper"
        paper_fields = [f for f in fields if f in PAPER_FIELDS]
        edge_fields = [f for f in fields if f in EDGE_FIELDS]
        for k in range(offset, min(offset + limit, total)):
            if k < len(rows):
                other, infl, intents, contexts = rows[k]
                item = {
                    e: {"isInfluential": infl, "intents": intents, "contexts": contexts}[e]
                    for e in edge_fields
                }
                item[side] = self._paper(other, paper_fields)
            else:
                item = {e: {"isInfluential": False, "intents": [], "contexts": []}[e] for e in edge_fields}
                item[side] = {
                    "paperId": None,
                    **{f: None for f in paper_fields if f != "paperId"},
                    "title": nulls[k - len(rows)],
                }
            data.append(item)
        page = {"offset": offset, "data": data}
        if offset + limit < total:
            page["next"] = offset + limit
        return 200, page


class _Handler(BaseHTTPRequestHandler):
    fake: FakeS2
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def setup(self):
        super().setup()
        # headers and body go out in separate writes: without this, Nagle + delayed ACK add 40 ms a request
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def _handle(self, method: str):
        fake = self.fake
        t = fake.clock()
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        entry = {
            "t": t,
            "method": method,
            "path": parts.path,
            "query": {k: v[0] for k, v in query.items()},
            "body": body.decode("utf-8", "replace"),
            "key": self.headers.get("x-api-key"),
            "headers": dict(self.headers),
            "status": None,
        }
        with fake._lock:
            fake.log.append(entry)
        if fake.latency:
            time.sleep(fake.latency)
        if fake.api_key is not None and self.headers.get("x-api-key") != fake.api_key:
            return self._send(entry, 403, {"message": "Forbidden"})
        if not fake._take_token():
            return self._send(entry, 429, TOO_MANY)
        action = fake._scripted(parts.path)
        if action is None:
            action = fake.faults.draw()
        if action is not None:
            if callable(
                action
            ):  # a hostile answer: computes (status, payload, headers), or writes raw and returns None
                entry["status"] = "custom"
                got = action(self, query, body)
                if got is None:
                    return None
                status, payload, headers = got
                return self._send(entry, status, payload, headers)
            if isinstance(action, tuple):
                status, payload, headers = action
                return self._send(entry, status, payload, headers)
            if isinstance(action, int):
                payload = TOO_MANY if action == 429 else {"message": f"fixture fault {action}"}
                return self._send(entry, action, payload)
            if action in ("500", "502", "503", "504", "429"):
                code = int(action)
                return self._send(
                    entry, code, TOO_MANY if code == 429 else {"message": "Internal Server Error"}
                )
            if action == "429-retry-after":
                return self._send(entry, 429, TOO_MANY, {"Retry-After": "1"})
            if action == "drop":
                entry["status"] = "drop"
                return self._hang_up()
            if action == "slow":
                time.sleep(fake.faults.slow_seconds)
            elif action == "truncate":
                status, payload = fake.answer(method, parts.path, query, body)
                raw = payload if isinstance(payload, bytes) else _dumps(payload)
                entry["status"] = "truncate"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw[: max(1, len(raw) // 2)])
                self.wfile.flush()
                return self._hang_up()
        status, payload = fake.answer(method, parts.path, query, body)
        self._send(entry, status, payload)

    def _hang_up(self) -> None:
        """Close the connection mid-answer (a dropped connection or a truncated body)."""
        self.close_connection = True
        try:
            self.connection.shutdown(2)
        except OSError:
            pass

    def _send(self, entry, status, payload, headers=None):
        entry["status"] = status
        raw = payload if isinstance(payload, bytes) else _dumps(payload)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass
