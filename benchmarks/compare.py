"""graphkit vs the `semanticscholar` PyPI client: the same job on the same loopback server at 1 request/s with a key.

The job: resolve the example post's seeds (one batch for the id seeds, a title match for each title-only seed),
then every resolved seed's references and citations with the fields graphkit needs.

  (a) ``graphkit build POST -o OUT --api-url URL --cache-dir EMPTY`` with ``S2_API_KEY`` set, default pace
      (1 request/s with a key), as a subprocess of the installed console script;
  (b) a script using ``semanticscholar`` as its documentation shows: ``SemanticScholar(api_key=…, api_url=…)``,
      ``get_papers`` (batch), ``search_paper(title, match_title=True)``, then ``get_paper_references`` and
      ``get_paper_citations`` for each seed, iterated to the end (``limit=1000``, its maximum, so it can need no
      more pages than graphkit; its default is 100).

The server (tests/s2server.py, FIXTURE data) is a token bucket of 1 request/s, burst 1, and requires the key,
like S2 with a key. Requests and 429s are counted from the server's own log. L is the job's lower bound
(graphkit's summary; the same seeds, so the same L for both).

The `semanticscholar` package (0.12) does not send ``x-api-key`` on its paginated calls (references,
citations): the key-requiring server answers 403 there. Real S2 serves a keyless call at the anonymous rate
instead, so when that happens the script notes it, stops requiring the key on the server, and goes on.

    python benchmarks/compare.py              # the full example post: a few minutes per client
    python benchmarks/compare.py --scale 0.1  # a tenth of the seeds, for a quick run
    python benchmarks/compare.py --only graphkit
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import POST, ROOT, machine, table

from graphkit.s2 import EDGE_FIELDS, PAPER_FIELDS  # noqa: E402
from graphkit.seeds import parse_seeds  # noqa: E402
from tests.corpus import from_seedlist  # noqa: E402
from tests.s2server import FakeS2  # noqa: E402

KEY = "bench-key-not-a-secret"


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


def run_graphkit(fake: FakeS2, source: Path, tmp: Path) -> dict:
    env = dict(os.environ, S2_API_KEY=KEY)
    env.pop("S2_RPS", None)
    env.pop("S2_API_URL", None)
    exe = Path(sys.executable).with_name("graphkit")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "graphkit"]
    cmd += ["build", str(source), "-o", str(tmp / "site"), "--api-url", fake.url, "--cache-dir",
            str(tmp / "gk-cache"), "--json"]
    start = len(fake.log)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"graphkit build failed ({p.returncode}):\n{p.stderr[-2000:]}")
    s = json.loads(p.stdout)
    items = None
    return {"client": "graphkit", **window(fake, start), "wall": wall, "L": s["lower_bound"],
            "reported_requests": s["requests"], "papers": s["papers"], "edges": s["edges"], "items": items,
            "error": ""}


def run_semanticscholar(fake: FakeS2, source: Path) -> dict:
    from semanticscholar import SemanticScholar
    from semanticscholar.SemanticScholarException import ObjectNotFoundException

    sl = parse_seeds(str(source))
    paper_fields = PAPER_FIELDS.split(",")
    edge_fields = EDGE_FIELDS.split(",") + paper_fields
    notes = []
    start = len(fake.log)
    t0 = time.perf_counter()
    sch = SemanticScholar(api_key=KEY, api_url=fake.url.removesuffix("/graph/v1"))

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
        refs = keyed(lambda pid=p.paperId: list(sch.get_paper_references(pid, fields=edge_fields, limit=1000)))
        cits = keyed(lambda pid=p.paperId: list(sch.get_paper_citations(pid, fields=edge_fields, limit=1000)))
        items += len(refs) + len(cits)
    wall = time.perf_counter() - t0
    return {"client": "semanticscholar", **window(fake, start), "wall": wall, "items": items,
            "resolved": len(seen), "error": "; ".join(dict.fromkeys(notes))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="share of the post's seeds, 0 < K ≤ 1 (default 1)")
    ap.add_argument("--only", choices=["graphkit", "semanticscholar"], default=None)
    ap.add_argument("--quick", action="store_true", help="same as --scale 0.05")
    args = ap.parse_args()
    scale = 0.05 if args.quick else args.scale
    print(machine())
    with tempfile.TemporaryDirectory(prefix="graphkit-compare-") as d:
        tmp = Path(d)
        source = source_for(scale, tmp)
        sl = parse_seeds(str(source))
        corpus = from_seedlist(sl)
        print(f"job: {len(sl.papers)} seeds of {POST.name} ({sum(1 for s in sl.papers if not s.api_id)} title-only); "
              "FIXTURE server at 1 request/s (token bucket, burst 1), key required", flush=True)
        rows = []
        L = None
        with FakeS2(corpus, api_key=KEY, rate_limit=1.0) as fake:
            if args.only in (None, "graphkit"):
                r = run_graphkit(fake, source, tmp)
                L = r["L"]
                rows.append(r)
                print(f"  graphkit done: {r['requests']} requests in {r['wall']:.1f}s", flush=True)
                time.sleep(1.2)  # let the bucket refill
            try:
                import semanticscholar  # noqa: F401
            except ImportError:
                if args.only == "semanticscholar":
                    raise SystemExit("the semanticscholar package is missing: pip install -e '.[bench]'") from None
                print("  semanticscholar is not installed (pip install -e '.[bench]'): graphkit only", flush=True)
                args.only = "graphkit"
            if args.only in (None, "semanticscholar"):
                fake.api_key = KEY
                r = run_semanticscholar(fake, source)
                rows.append(r)
                print(f"  semanticscholar done: {r['requests']} requests in {r['wall']:.1f}s", flush=True)
        if L is None:  # --only semanticscholar: L from graphkit's own planner, offline of the server
            L = _lower_bound(corpus, sl)
    out = []
    for r in rows:
        out.append({"client": r["client"], "requests": r["requests"], "429s": r["429s"], "403s": r["403s"],
                    "keyless": r["keyless"], "wall s": round(r["wall"], 1), "L": L,
                    "requests/L": round(r["requests"] / L, 3), "wall/L s": round(r["wall"] / L, 3),
                    "min gap s": round(r["min_gap"], 3)})
    print()
    print(table(out, "same job, same server (1 request/s, key)"))
    gk = next((r for r in rows if r["client"] == "graphkit"), None)
    ss = next((r for r in rows if r["client"] == "semanticscholar"), None)
    if gk:
        print(f"\ngraphkit: requests {gk['requests']} = {gk['requests'] / L:.3f} × L (goal ≤ 1.0 × L); "
              f"wall {gk['wall']:.1f}s = {gk['wall'] / L:.3f} × L s (goal ≤ 1.15 × L); "
              f"graph {gk['papers']:,} papers, {gk['edges']:,} edges")
    if gk and ss:
        print(f"semanticscholar / graphkit: requests × {ss['requests'] / gk['requests']:.2f}, "
              f"wall × {ss['wall'] / gk['wall']:.2f}, 429s {ss['429s']} vs {gk['429s']}")
    if ss and ss["error"]:
        print(f"semanticscholar note: {ss['error']} ({ss['keyless']} requests went without the key)")


def _lower_bound(corpus, sl) -> int:
    from graphkit.fetch import lower_bound

    ids = {s.api_id for s in sl.papers if s.api_id}
    titles = sum(1 for s in sl.papers if not s.api_id)
    found = {corpus.resolve(i) for i in ids} - {None}
    for s in sl.papers:
        if not s.api_id:
            found |= {p for p, d in corpus.papers.items() if d["title"] == s.title}
    return lower_bound(len(ids), titles, [corpus.papers[p] for p in found])


if __name__ == "__main__":
    main()
