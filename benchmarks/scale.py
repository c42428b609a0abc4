"""Scale: cold `graphkit build` of synthetic corpora of 100, 1,000 and 3,000 seeds, pacing off, on a loopback server.

Each build runs as its own subprocess (the installed console script, ``--rps 0``), so its peak RSS is its own
(``os.wait4``). The FIXTURE corpus (tests/corpus.py ``synthetic``: seeds cite 20–60 pool papers and some earlier
seeds; 0–2,500 citers each, one seed above S2's 10,000 cap) is served by tests/s2server.py in this process.

Per size: requests vs L, wall time, peak RSS, cache size, HTML size and node count; then the growth per seed
between sizes. Goal (issue 7): a 1,000-seed build ≤ 4 GB peak RSS, its map ≤ 500 nodes and ≤ 2 MB.

    python benchmarks/scale.py                   # 100, 1,000, 3,000 seeds
    python benchmarks/scale.py --sizes 100,500
    python benchmarks/scale.py --quick           # 20 and 100 seeds
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, dir_bytes, machine, mib, table

from tests.corpus import synthetic  # noqa: E402
from tests.s2server import FakeS2  # noqa: E402


def map_nodes(html_path: Path) -> int:
    text = html_path.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="graphkit-data">(.*?)</script>', text, re.S)
    return len(json.loads(m.group(1))["nodes"]) if m else -1


def build(n: int, tmp: Path) -> dict:
    t0 = time.perf_counter()
    corpus, lines = synthetic(n, seed=0)
    t_corpus = time.perf_counter() - t0
    src = tmp / f"seeds-{n}.txt"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, cache = tmp / f"site-{n}", tmp / f"cache-{n}"
    exe = Path(sys.executable).with_name("graphkit")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "graphkit"]
    env = {k: v for k, v in os.environ.items() if k not in ("S2_API_KEY", "S2_RPS", "S2_API_URL")}
    with FakeS2(corpus) as fake:
        cmd += [
            "build",
            str(src),
            "-o",
            str(out),
            "--api-url",
            fake.url,
            "--cache-dir",
            str(cache),
            "--rps",
            "0",
            "--json",
        ]
        with open(tmp / f"out-{n}.json", "w") as so, open(tmp / f"err-{n}.txt", "w") as se:
            t0 = time.perf_counter()
            import subprocess

            p = subprocess.Popen(cmd, stdout=so, stderr=se, cwd=ROOT, env=env)
            _pid, status, ru = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t0
            p.returncode = os.waitstatus_to_exitcode(status)
        served = len(fake.log)
    if p.returncode:
        raise SystemExit(f"build of {n} seeds failed:\n" + (tmp / f"err-{n}.txt").read_text()[-2000:])
    s = json.loads((tmp / f"out-{n}.json").read_text())
    html = out / "index.html"
    return {
        "seeds": n,
        "papers": s["papers"],
        "edges": s["edges"],
        "requests": s["requests"],
        "served": served,
        "B": s["batch_requests"],
        "L": s.get("paged_requests"),
        "requests/B": round(s["requests"] / s["batch_requests"], 3),
        "wall s": round(wall, 1),
        "peak RSS MiB": round(ru.ru_maxrss / 1024),
        "cache MiB": round(mib(dir_bytes(cache)), 1),
        "output MiB": round(mib(dir_bytes(out)), 1),
        "html MB": round(html.stat().st_size / 1e6, 2),
        "map nodes": map_nodes(html),
        "_corpus_s": t_corpus,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sizes", default="100,1000,3000", help="comma-separated seed counts (default 100,1000,3000)"
    )
    ap.add_argument("--quick", action="store_true", help="20 and 100 seeds")
    args = ap.parse_args()
    sizes = [20, 100] if args.quick else [int(x) for x in args.sizes.split(",") if x.strip()]
    print(machine())
    rows = []
    with tempfile.TemporaryDirectory(prefix="graphkit-scale-") as d:
        for n in sizes:
            r = build(n, Path(d))
            print(
                f"  {n:,} seeds: {r['requests']:,} requests, {r['wall s']}s, {r['peak RSS MiB']:,} MiB "
                f"(FIXTURE corpus made in {r.pop('_corpus_s'):.1f}s)",
                flush=True,
            )
            rows.append(r)
    print()
    print(
        table(
            rows, "cold graphkit build, pacing off (rps 0), loopback FIXTURE server; one subprocess per size"
        )
    )
    growth = []
    for a, b in zip(rows, rows[1:], strict=False):
        dn = b["seeds"] - a["seeds"]
        growth.append(
            {
                "from → to": f"{a['seeds']:,} → {b['seeds']:,}",
                "requests/seed": round((b["requests"] - a["requests"]) / dn, 2),
                "L/seed": round((b["L"] - a["L"]) / dn, 2),
                "ms/seed": round(1000 * (b["wall s"] - a["wall s"]) / dn, 1),
                "RSS MiB/seed": round((b["peak RSS MiB"] - a["peak RSS MiB"]) / dn, 3),
                "cache MiB/seed": round((b["cache MiB"] - a["cache MiB"]) / dn, 3),
                "papers/seed": round((b["papers"] - a["papers"]) / dn, 1),
                "html KB/seed": round(1000 * (b["html MB"] - a["html MB"]) / dn, 2),
            }
        )
    if growth:
        print()
        print(table(growth, "growth per seed between sizes"))
    k = next((r for r in rows if r["seeds"] == 1000), None)
    if k:
        print(
            f"\n1,000 seeds: peak RSS {k['peak RSS MiB']:,} MiB (goal ≤ 4,096: "
            f"{'holds' if k['peak RSS MiB'] <= 4096 else 'FAILS'}); map {k['map nodes']} nodes (goal ≤ 500: "
            f"{'holds' if k['map nodes'] <= 500 else 'FAILS'}), {k['html MB']} MB (goal ≤ 2: "
            f"{'holds' if k['html MB'] <= 2 else 'FAILS'})"
        )
    worst = max(r["requests/B"] for r in rows)
    print(
        f"requests/B ≤ {worst} at every size (B: the batch plan's bound; goal ≤ 1.05); "
        f"requests/L ≤ {max(round(r['requests'] / r['L'], 3) for r in rows)}"
    )


if __name__ == "__main__":
    main()
