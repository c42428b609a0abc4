"""graphkit's batch plan vs its paged plan (--detail full) vs the `semanticscholar` PyPI client: the same job on
the same loopback server, at S2's keyed pace (1 request/s) and its anonymous pace (100 requests per 5 minutes).

The job: resolve the example post's seeds (id seeds by batch, a title match for each title-only seed), then every
resolved seed's references and citations. By default the post's FIXTURE corpus has four seeds cited 3,100-11,500
times (``--corpus heavy``, about 27,000 citations in all: the field as it is); ``--corpus post`` is the light one.

  (a) ``graphkit build POST -o OUT --api-url URL --cache-dir EMPTY`` (the batch plan: nested lists in
      ``POST /paper/batch``), as a subprocess of the installed console script, default pace for the key (or none);
  (b) the same with ``--detail full`` (every seed's reference and citation pages, with every edge's details: L);
  (c) a script using ``semanticscholar`` as its documentation shows: ``SemanticScholar(api_key=…, api_url=…)``,
      ``get_papers`` (batch), ``search_paper(title, match_title=True)``, then ``get_paper_references`` and
      ``get_paper_citations`` for each seed, iterated to the end (``limit=1000``, its maximum, so it can need no
      more pages than graphkit; its default is 100).

Each run has its own server (tests/s2server.py, FIXTURE data): a token bucket at the pace (burst 1), requiring the
key at the keyed pace, like S2. Requests and 429s are counted from the server's own log. B is the batch plan's
bound and L the paged one (graphkit's summary; the same seeds, so the same for every client). Runs go side by side
in threads (``--parallel``, default) — each waits on its own server's pace, so they hardly meet on the CPU.

The `semanticscholar` package (0.12) does not send ``x-api-key`` on its paginated calls (references,
citations): the key-requiring server answers 403 there. Real S2 serves a keyless call at the anonymous rate
instead, so when that happens the script notes it, stops requiring the key on the server, and goes on.

    python benchmarks/compare.py                         # every client at both paces (about 30 minutes)
    python benchmarks/compare.py --paces keyed --only graphkit
    python benchmarks/compare.py --scale 0.1 --corpus post   # a tenth of the seeds, for a quick run
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import POST, ROOT, machine, table

from graphkit.s2 import ANON_RPS, EDGE_FIELDS, KEYED_RPS, PAPER_FIELDS  # noqa: E402
from graphkit.seeds import parse_seeds  # noqa: E402
from tests.conftest import NO_MATCH  # noqa: E402
from tests.corpus import from_seedlist, with_heavy_citers  # noqa: E402
from tests.s2server import FakeS2  # noqa: E402

KEY = "bench-key-not-a-secret"
PACES = {"keyed": KEYED_RPS, "anonymous": ANON_RPS}


def source_for(scale: float, tmp: Path) -> Path:
    """The post itself, or (scale < 1) an id list of its first ⌈scale × n⌉ seeds."""
    if scale >= 1:
        return POST
    sl = parse_seeds(str(POST))
    n = max(1, math.ceil(scale * len(sl.papers)))
    lines = [(s.api_id or s.title or "") for s in sl.papers[:n]]
    path = tmp / "subset.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def window(fake: FakeS2, start: int) -> dict:
    log = fake.log[start:]
    ts = [r["t"] for r in log]
    gaps = [b - a for a, b in zip(ts, ts[1:], strict=False)]
    return {
        "requests": len(log),
        "429s": sum(1 for r in log if r["status"] == 429),
        "403s": sum(1 for r in log if r["status"] == 403),
        "keyless": sum(1 for r in log if r.get("key") != KEY),
        "min_gap": min(gaps, default=float("nan")),
        "span": (ts[-1] - ts[0]) if len(ts) > 1 else 0.0,
    }


def run_graphkit(fake: FakeS2, source: Path, tmp: Path, *, detail: str, keyed: bool) -> dict:
    env = dict(os.environ)
    for name in ("S2_RPS", "S2_API_URL", "S2_API_KEY"):
        env.pop(name, None)
    if keyed:
        env["S2_API_KEY"] = KEY
    exe = Path(sys.executable).with_name("graphkit")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "graphkit"]
    cmd += [
        "build",
        str(source),
        "-o",
        str(tmp / "site"),
        "--api-url",
        fake.url,
        "--cache-dir",
        str(tmp / "gk-cache"),
        "--detail",
        detail,
        "--json",
    ]
    start = len(fake.log)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"graphkit build failed ({p.returncode}):\n{p.stderr[-2000:]}")
    s = json.loads(p.stdout)
    return {
        "client": "graphkit" if detail == "lists" else "graphkit --detail full",
        **window(fake, start),
        "wall": wall,
        "B": s["batch_requests"] if detail == "lists" else None,
        "L": s.get("paged_requests"),
        "reported_requests": s["requests"],
        "papers": s["papers"],
        "edges": s["edges"],
        "items": None,
        "error": "",
    }


def run_semanticscholar(fake: FakeS2, source: Path, *, keyed: bool) -> dict:
    from semanticscholar import SemanticScholar
    from semanticscholar.SemanticScholarException import ObjectNotFoundException

    sl = parse_seeds(str(source))
    paper_fields = PAPER_FIELDS.split(",")
    edge_fields = EDGE_FIELDS.split(",") + paper_fields
    notes = []
    start = len(fake.log)
    t0 = time.perf_counter()
    sch = SemanticScholar(api_key=KEY if keyed else None, api_url=fake.url.removesuffix("/graph/v1"))

    def keyed(call):
        """Run one call; on the package's keyless-paging 403, relax the server (as real S2 would) and redo it."""
        try:
            return call()
        except PermissionError:
            if fake.api_key is None:
                raise
            notes.append("403 on a paginated call: the package sends no x-api-key there; went on keyless")
            fake.api_key = None
            return call()

    ids = list(dict.fromkeys(s.api_id for s in sl.papers if s.api_id))
    papers = []
    for i in range(0, len(ids), 500):
        papers += keyed(lambda chunk=ids[i : i + 500]: sch.get_papers(chunk, fields=paper_fields))
    for s in sl.papers:
        if s.api_id or not s.title:
            continue
        try:
            papers.append(keyed(lambda t=s.title: sch.search_paper(t, match_title=True, fields=paper_fields)))
        except ObjectNotFoundException:
            pass
    seen = set()
    items = 0
    for p in papers:
        if p.paperId in seen:
            continue
        seen.add(p.paperId)
        refs = keyed(
            lambda pid=p.paperId: list(sch.get_paper_references(pid, fields=edge_fields, limit=1000))
        )
        cits = keyed(lambda pid=p.paperId: list(sch.get_paper_citations(pid, fields=edge_fields, limit=1000)))
        items += len(refs) + len(cits)
    wall = time.perf_counter() - t0
    return {
        "client": "semanticscholar",
        **window(fake, start),
        "wall": wall,
        "items": items,
        "resolved": len(seen),
        "error": "; ".join(dict.fromkeys(notes)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--scale", type=float, default=1.0, help="share of the post's seeds, 0 < K ≤ 1 (default 1)"
    )
    ap.add_argument(
        "--corpus",
        choices=["heavy", "post"],
        default="heavy",
        help="heavy: four seeds cited 3,100-11,500 times (default); post: the light FIXTURE corpus",
    )
    ap.add_argument(
        "--only",
        choices=["graphkit", "full", "semanticscholar"],
        action="append",
        default=None,
        help="run only these clients (repeat); graphkit = the batch plan, full = --detail full",
    )
    ap.add_argument("--paces", default="keyed,anonymous", help="keyed, anonymous or both (default both)")
    ap.add_argument("--serial", action="store_true", help="one run after the other instead of side by side")
    ap.add_argument("--quick", action="store_true", help="same as --scale 0.05")
    args = ap.parse_args()
    scale = 0.05 if args.quick else args.scale
    paces = [p.strip() for p in args.paces.split(",") if p.strip()]
    clients = args.only or ["graphkit", "full", "semanticscholar"]
    if "semanticscholar" in clients:
        try:
            import semanticscholar  # noqa: F401
        except ImportError:
            print("semanticscholar is not installed (pip install -e '.[bench]'): graphkit only", flush=True)
            clients = [c for c in clients if c != "semanticscholar"]
    print(machine())
    with tempfile.TemporaryDirectory(prefix="graphkit-compare-") as d:
        tmp = Path(d)
        source = source_for(scale, tmp)
        sl = parse_seeds(str(source))
        corpus = from_seedlist(sl, no_match=(NO_MATCH,), hostile=True)
        if args.corpus == "heavy":
            corpus = with_heavy_citers(corpus, sl)
        n_cites = sum(corpus.papers[p]["citationCount"] for p in _found(corpus, sl))
        print(
            f"job: {len(sl.papers)} seeds of {POST.name} ({sum(1 for s in sl.papers if not s.api_id)} title-only), "
            f"{n_cites:,} citations of seeds; FIXTURE servers at {', '.join(paces)} pace (token bucket, burst 1)",
            flush=True,
        )
        rows: list[dict] = []
        lock = threading.Lock()

        def one(client: str, pace: str) -> None:
            keyed = pace == "keyed"
            with FakeS2(corpus, api_key=KEY if keyed else None, rate_limit=PACES[pace]) as fake:
                work = tmp / f"{client}-{pace}"
                work.mkdir()
                if client == "semanticscholar":
                    r = run_semanticscholar(fake, source, keyed=keyed)
                else:
                    r = run_graphkit(
                        fake, source, work, detail="lists" if client == "graphkit" else "full", keyed=keyed
                    )
            r["pace"] = pace
            with lock:
                rows.append(r)
                print(
                    f"  {r['client']} at the {pace} pace: {r['requests']} requests in {r['wall']:.1f}s",
                    flush=True,
                )

        jobs = [(c, p) for p in paces for c in clients]
        if args.serial:
            for job in jobs:
                one(*job)
        else:
            threads = [threading.Thread(target=one, args=job) for job in jobs]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        B, L = _bounds(corpus, sl)
    order = {c: i for i, c in enumerate(["graphkit", "graphkit --detail full", "semanticscholar"])}
    rows.sort(key=lambda r: (paces.index(r["pace"]), order[r["client"]]))
    out = []
    for r in rows:
        out.append(
            {
                "client": r["client"],
                "pace": r["pace"],
                "requests": r["requests"],
                "429s": r["429s"],
                "403s": r["403s"],
                "keyless": r["keyless"],
                "wall s": round(r["wall"], 1),
                "B": B,
                "L": L,
                "requests/L": round(r["requests"] / L, 3),
                "min gap s": round(r["min_gap"], 3),
            }
        )
    print()
    print(
        table(
            out, f"same job, a server per run (B = batch plan's bound, L = paged bound; corpus {args.corpus})"
        )
    )
    for pace in paces:
        gk = next((r for r in rows if r["client"] == "graphkit" and r["pace"] == pace), None)
        full = next((r for r in rows if r["client"] == "graphkit --detail full" and r["pace"] == pace), None)
        ss = next((r for r in rows if r["client"] == "semanticscholar" and r["pace"] == pace), None)
        if gk and full:
            print(
                f"{pace}: the batch plan made {gk['requests']} requests (B = {B}) against {full['requests']} "
                f"(L = {L}): × {full['requests'] / gk['requests']:.1f} fewer, wall {gk['wall']:.1f}s vs "
                f"{full['wall']:.1f}s; graphs {gk['papers']:,} / {full['papers']:,} papers, "
                f"{gk['edges']:,} / {full['edges']:,} edges"
            )
        if gk and ss:
            print(
                f"{pace}: semanticscholar / graphkit: requests × {ss['requests'] / gk['requests']:.1f}, "
                f"wall × {ss['wall'] / gk['wall']:.1f}, 429s {ss['429s']} vs {gk['429s']}"
            )
        if ss and ss["error"]:
            print(
                f"{pace}: semanticscholar note: {ss['error']} ({ss['keyless']} requests went without the key)"
            )


def _found(corpus, sl) -> set:
    ids = {s.api_id for s in sl.papers if s.api_id}
    found = {corpus.resolve(i) for i in ids} - {None}
    for s in sl.papers:
        if not s.api_id:
            found |= {p for p, d in corpus.papers.items() if d["title"] == s.title}
    return found


def _bounds(corpus, sl) -> tuple[int, int]:
    """B and L from graphkit's own planner, on the corpus's counts."""
    from graphkit.fetch import batch_bound, paged_bound

    ids = {s.api_id for s in sl.papers if s.api_id}
    titles = [s.title for s in sl.papers if not s.api_id]
    known = {d["title"] for d in corpus.papers.values()}
    matched = sum(1 for t in titles if t in known)
    papers = [corpus.papers[p] for p in _found(corpus, sl)]
    return batch_bound(len(ids) + matched, len(titles), papers), paged_bound(len(ids), len(titles), papers)


if __name__ == "__main__":
    main()
