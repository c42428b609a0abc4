"""Warm rebuild of the example post: the whole `graphkit build` from a filled cache vs merely loading the cached JSON.

The cache is filled first by a cold build against the loopback FIXTURE server (pacing off). Then, with the
server stopped (a warm rebuild makes no request):

* load: open the diskcache and ``json.loads`` every cached response — the floor for any warm path that re-reads
  the raw cache;
* pipeline: ``collect`` (seeds -> cache -> graph) + ``analyse`` + ``write_site`` (every file and the HTML), in
  process, best of ``--repeat``; per-stage timings as the pipeline reports them;
* cli: ``graphkit build … --offline`` as a subprocess (interpreter start and imports included);
* a cProfile of one in-process rebuild: the top functions by own time.

Goal (issue 7): pipeline ≤ 2 s and ≤ 3 × load.

    python benchmarks/warm.py
    python benchmarks/warm.py --quick   # one repeat, no subprocess, shorter profile
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import diskcache  # noqa: E402
from _common import LINEAGES, POST, ROOT, dir_bytes, machine, mib, table

from graphkit.lineage import read_lineages  # noqa: E402
from graphkit.pipeline import analyse, collect, write_site  # noqa: E402
from graphkit.s2 import S2Client  # noqa: E402
from graphkit.seeds import parse_seeds  # noqa: E402
from tests.corpus import from_seedlist  # noqa: E402
from tests.s2server import FakeS2  # noqa: E402


def rebuild(url: str, cache: Path, out: Path, chains, aliases=None) -> dict:
    t0 = time.perf_counter()
    client = S2Client(base_url=url, cache_dir=cache, rps=0, offline=True)
    t_client = time.perf_counter() - t0
    got = collect(str(POST), client)
    res = analyse(got.graph, chains=chains, aliases=aliases)
    site = write_site(got.graph, out, res, title=got.seeds.title)
    total = time.perf_counter() - t0
    client.close()
    assert got.corpus["stats"]["requests"] == 0, "a warm rebuild made requests"
    return {
        "total": total,
        "client": t_client,
        **got.timings,
        **res["timings"],
        **site["timings"],
        "nodes": got.graph.number_of_nodes(),
        "edges": got.graph.number_of_edges(),
        "map": site["html"],
    }


def load_only(cache: Path) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    c = diskcache.Cache(str(cache))
    n = size = 0
    for k in list(c.iterkeys()):
        text = c[k]
        if not isinstance(text, str):  # graphkit's cache generation counter or a cached 404, not a response
            continue
        json.loads(text)
        n += 1
        size += len(text)
    c.close()
    return time.perf_counter() - t0, n, size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="best of N (default 5)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--top", type=int, default=15, help="functions shown from the profile")
    args = ap.parse_args()
    repeat = 1 if args.quick else args.repeat
    print(machine())
    aliases: dict = {}
    chains = read_lineages(LINEAGES, aliases)
    corpus = from_seedlist(parse_seeds(str(POST)))
    with tempfile.TemporaryDirectory(prefix="graphkit-warm-") as d:
        tmp = Path(d)
        cache = tmp / "cache"
        with FakeS2(corpus) as fake:
            url = fake.url
            client = S2Client(base_url=url, cache_dir=cache, rps=0)
            t0 = time.perf_counter()
            got = collect(str(POST), client)
            cold = time.perf_counter() - t0
            client.close()
            st = got.corpus["stats"]
        print(
            f"cold fetch (rps 0): {st['requests']} requests, L = {st['paged_requests']}, {cold:.2f}s; "
            f"cache {mib(dir_bytes(cache)):.1f} MiB"
        )
        loads = [load_only(cache) for _ in range(repeat)]
        load_t, n_entries, n_bytes = min(loads)
        runs = [rebuild(url, cache, tmp / f"site{i}", chains, aliases) for i in range(repeat)]
        best = min(runs, key=lambda r: r["total"])
        cli_t = None
        if not args.quick:
            exe = Path(sys.executable).with_name("graphkit")
            cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "graphkit"]
            cmd += [
                "build",
                str(POST),
                "-o",
                str(tmp / "cli-site"),
                "--api-url",
                url,
                "--cache-dir",
                str(cache),
                "--offline",
                "--lineages",
                str(LINEAGES),
            ]
            env = {k: v for k, v in os.environ.items() if k not in ("S2_API_KEY", "S2_RPS", "S2_API_URL")}
            t0 = time.perf_counter()
            p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
            cli_t = time.perf_counter() - t0
            if p.returncode:
                raise SystemExit(p.stderr)
        load_cli = None
        if not args.quick:  # the same load from a fresh interpreter, to set beside the CLI's wall time
            code = (
                "import json, diskcache, sys; c = diskcache.Cache(sys.argv[1]); "
                "[json.loads(v[v.find(chr(10)) + 1:]) for v in (c[k] for k in list(c.iterkeys())) "
                "if isinstance(v, str)]"
            )
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", code, str(cache)], check=True)
            load_cli = time.perf_counter() - t0
        # `graphkit build` in process, twice into one directory: the second finds nothing changed (up-to-date check)
        from click.testing import CliRunner

        from graphkit.cli import cli

        argv = [
            "build",
            str(POST),
            "-o",
            str(tmp / "uptodate"),
            "--api-url",
            url,
            "--cache-dir",
            str(cache),
            "--offline",
            "--lineages",
            str(LINEAGES),
        ]
        first = CliRunner().invoke(cli, argv)
        if first.exit_code:
            raise SystemExit(first.output)
        unchanged = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            r = CliRunner().invoke(cli, argv)
            unchanged.append(time.perf_counter() - t0)
            if "is up to date" not in r.stderr:
                raise SystemExit("the unchanged rebuild was not found up to date:\n" + r.stderr)
        uptodate_t = min(unchanged)
        prof = cProfile.Profile()
        prof.enable()
        rebuild(url, cache, tmp / "site-prof", chains, aliases)
        prof.disable()

    print(
        f"graph: {best['nodes']:,} papers, {best['edges']:,} edges; map {best['map']['nodes']} nodes, "
        f"{best['map']['bytes'] / 1e6:.2f} MB\n"
    )
    stages = [
        ("open cache (S2Client)", "client"),
        ("parse post (seeds)", "seeds"),
        ("cache -> corpus (fetch_corpus)", "fetch"),
        ("corpus -> graph (build_graph)", "graph"),
        ("check_declared", "declared"),
        ("backbone", "backbone"),
        ("main_path", "main_path"),
        ("find_missing", "missing"),
        ("graph.json", "graph_json"),
        ("GraphML/GEXF/CSV/bib/report", "exports"),
        ("index.html (map)", "html"),
    ]
    rows = [
        {"stage": name, "s": round(best[k], 4), "share": f"{100 * best[k] / best['total']:.0f}%"}
        for name, k in stages
    ]
    rows.append({"stage": "whole pipeline", "s": round(best["total"], 4), "share": "100%"})
    print(table(rows, f"warm rebuild, in process, best of {repeat}"))
    print()
    head = [
        {
            "what": f"load the cached JSON ({n_entries} entries, {n_bytes / 1e6:.1f} MB)",
            "s": round(load_t, 3),
            "× load": 1.0,
        },
        {
            "what": "warm rebuild, whole pipeline (in process)",
            "s": round(best["total"], 3),
            "× load": round(best["total"] / load_t, 2),
        },
    ]
    head.append(
        {
            "what": "graphkit build, nothing changed (up-to-date check, in process)",
            "s": round(uptodate_t, 4),
            "× load": round(uptodate_t / load_t, 2),
        }
    )
    if load_cli is not None:
        head.append(
            {
                "what": "load the cached JSON (subprocess, with start-up)",
                "s": round(load_cli, 3),
                "× load": round(load_cli / load_t, 2),
            }
        )
    if cli_t is not None:
        head.append(
            {
                "what": "graphkit build --offline (subprocess, with start-up)",
                "s": round(cli_t, 3),
                "× load": round(cli_t / load_t, 2),
            }
        )
    print(table(head, "warm rebuild vs load"))
    ok_abs = best["total"] <= 2.0
    ok_rel = uptodate_t <= 3 * load_t
    print(
        f"\ngoal ≤ 2 s: {'holds' if ok_abs else 'FAILS'} ({best['total']:.2f}s for a full rebuild); "
        f"goal ≤ 3 × load: {'holds' if ok_rel else 'FAILS'} for an unchanged rebuild "
        f"({uptodate_t / load_t:.1f} × {load_t:.3f}s); a forced full rebuild (changed options or --refresh) is "
        f"{best['total'] / load_t:.1f} × load"
    )
    s = io.StringIO()
    pstats.Stats(prof, stream=s).strip_dirs().sort_stats("tottime").print_stats(
        args.top if not args.quick else 8
    )
    text = s.getvalue()
    print("\ncProfile of one warm rebuild, by own time:")
    print(text[text.find("   ncalls") :].rstrip())


if __name__ == "__main__":
    main()
