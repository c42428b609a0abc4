"""Fetch a synthetic corpus of N seeds from a loopback FIXTURE server, cold then warm: requests vs the lower bound L.

Pacing is off (``rps=0``): this measures graphkit's request count and its own overhead, not the network.

    python benchmarks/fetch.py             # 100 seeds
    python benchmarks/fetch.py --seeds 500
    python benchmarks/fetch.py --quick     # 20 seeds
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import dir_bytes, machine, mib, table

from graphkit.fetch import fetch_corpus  # noqa: E402
from graphkit.s2 import S2Client  # noqa: E402
from graphkit.seeds import parse_seeds  # noqa: E402
from tests.corpus import synthetic  # noqa: E402
from tests.s2server import FakeS2  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--seeds", type=int, default=100, help="seed papers in the synthetic corpus (default 100)"
    )
    ap.add_argument("--quick", action="store_true", help="20 seeds")
    args = ap.parse_args()
    n = 20 if args.quick else args.seeds
    print(machine())
    t0 = time.perf_counter()
    corpus, lines = synthetic(n, seed=0)
    print(
        f"FIXTURE corpus: {n} seeds, {len(corpus.papers):,} papers (built in {time.perf_counter() - t0:.1f}s)"
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="graphkit-fetch-") as d, FakeS2(corpus) as fake:
        src = Path(d) / "seeds.txt"
        src.write_text("\n".join(lines) + "\n", encoding="utf-8")
        sl = parse_seeds(str(src))
        cache = Path(d) / "cache"
        for run, detail in (
            ("cold", "lists"),
            ("warm", "lists"),
            ("cold full", "full"),
            ("warm full", "full"),
        ):
            client = S2Client(base_url=fake.url, cache_dir=cache, rps=0)
            start = len(fake.log)
            t = time.perf_counter()
            got = fetch_corpus(sl, client, detail=detail)
            wall = time.perf_counter() - t
            client.close()
            st = got["stats"]
            served = len(fake.log) - start
            items = sum(len(v) for v in got["references"].values()) + sum(
                len(v) for v in got["citations"].values()
            )
            rows.append(
                {
                    "run": run,
                    "requests": st["requests"],
                    "server log": served,
                    "B": st["batch_requests"],
                    "L": st["paged_requests"],
                    "requests/bound": round(st["requests"] / st["batch_requests"], 3),
                    "cache hits": st["cache_hits"],
                    "edges read": items,
                    "wall s": round(wall, 2),
                    "ms/request": round(1000 * wall / st["requests"], 1) if st["requests"] else None,
                    "cache MiB": round(mib(dir_bytes(cache)), 1),
                }
            )
    print()
    print(table(rows, f"fetch_corpus, {n} seeds, pacing off (rps 0), loopback"))
    cold, warm, full, _ = rows
    print(
        f"\ncold: {cold['requests']} requests = {cold['requests/bound']} × B, {cold['requests'] / cold['L']:.3f} × L; "
        f"--detail full: {full['requests']} = {full['requests/bound']} × L; warm: {warm['requests']} requests (goal 0)"
    )


if __name__ == "__main__":
    main()
