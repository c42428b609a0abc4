"""Full rebuild from a warm cache of a post whose graph has ~30,000 papers, timed as a whole process.

The example post's FIXTURE corpus with four heavily cited seeds (tests/conftest.py ``heavy_post_corpus``, about
28,000 papers) is fetched once into a cache (cold, pacing off). Then ``graphkit build POST -o OUT --offline`` runs
as a subprocess, ``--repeat`` times, each into a fresh OUTDIR (a full rebuild: the up-to-date check cannot skip it),
with the default outputs and with ``--formats all``. Issue 15's target: ≤ 1.5 s for the default outputs.

    python benchmarks/rebuild.py
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import LINEAGES, POST, ROOT, machine, table

from graphkit.s2 import S2Client  # noqa: E402
from graphkit.seeds import parse_seeds  # noqa: E402
from tests.conftest import NO_MATCH  # noqa: E402
from tests.corpus import from_seedlist, with_heavy_citers  # noqa: E402
from tests.s2server import FakeS2  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="best of N (default 3)")
    args = ap.parse_args()
    print(machine())
    sl = parse_seeds(str(POST))
    corpus = with_heavy_citers(from_seedlist(sl, no_match=(NO_MATCH,), hostile=True), sl)
    exe = Path(sys.executable).with_name("graphkit")
    base = [str(exe)] if exe.exists() else [sys.executable, "-m", "graphkit"]
    env = {k: v for k, v in os.environ.items() if k not in ("S2_API_KEY", "S2_RPS", "S2_API_URL")}
    help_text = subprocess.run([*base, "build", "--help"], capture_output=True, text=True, env=env).stdout
    variants = [("default outputs", [])]
    if "--formats" in help_text:
        variants.append(("--formats all", ["--formats", "all"]))
    rows = []
    with tempfile.TemporaryDirectory(prefix="graphkit-rebuild-") as d:
        tmp = Path(d)
        cache = tmp / "cache"
        with FakeS2(corpus) as fake:
            url = fake.url
            t0 = time.perf_counter()
            p = subprocess.run(
                [
                    *base,
                    "build",
                    str(POST),
                    "-o",
                    str(tmp / "cold"),
                    "--api-url",
                    url,
                    "--cache-dir",
                    str(cache),
                    "--rps",
                    "0",
                    "--lineages",
                    str(LINEAGES),
                ],
                capture_output=True,
                text=True,
                env=env,
            )
            cold = time.perf_counter() - t0
            if p.returncode:
                raise SystemExit(p.stderr)
        print(f"cold build (rps 0, subprocess): {cold:.2f}s")
        print(p.stderr.strip().splitlines()[-3])
        S2Client(base_url=url, cache_dir=cache, rps=0, offline=True).close()
        for name, extra in variants:
            times = []
            for i in range(args.repeat):
                out = tmp / f"site-{len(rows)}-{i}"
                t0 = time.perf_counter()
                p = subprocess.run(
                    [
                        *base,
                        "build",
                        str(POST),
                        "-o",
                        str(out),
                        "--api-url",
                        url,
                        "--cache-dir",
                        str(cache),
                        "--offline",
                        "--lineages",
                        str(LINEAGES),
                        *extra,
                    ],
                    capture_output=True,
                    text=True,
                    cwd=ROOT,
                    env=env,
                )
                times.append(time.perf_counter() - t0)
                if p.returncode:
                    raise SystemExit(p.stderr)
            files = sorted(f.name for f in out.iterdir() if not f.name.startswith("."))
            rows.append(
                {
                    "outputs": name,
                    "best s": round(min(times), 3),
                    "worst s": round(max(times), 3),
                    "files": len(files),
                }
            )
    print(table(rows, f"graphkit build --offline into a fresh OUTDIR (whole process), best of {args.repeat}"))
    best = rows[0]["best s"]
    print(f"\ntarget ≤ 1.5 s for the default outputs: {'holds' if best <= 1.5 else 'FAILS'} ({best:.2f}s)")


if __name__ == "__main__":
    main()
