"""Reading a big BibTeX export: ``graphkit seeds FILE`` as a process on generated files, plain and with a LaTeX
macro in every entry (the worst case: LaTeX decoding makes reference cycles) — wall time and peak RSS.

Goal (issue 22): memory linear in the file, not held by a paused garbage collector (was 100,000 entries: 58 s and
5.6 GB).

    python benchmarks/bibtex.py                       # 20,000 and 100,000 entries
    python benchmarks/bibtex.py --entries 5000 20000
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine, table


def make(n: int, latex: bool) -> str:
    title = '{{\\"U}ber Netze %d}' if latex else "{A Paper About Topic %d and {Things}}"
    return "".join(
        f"@article{{k{i},\n  title={title % i},\n  author={{Wang, Limin and Xiong, Yuanjun}},\n"
        f"  journal={{arXiv preprint arXiv:16{i % 12 + 1:02d}.{i % 100000:05d}}},\n  year={{2016}}\n}}\n"
        for i in range(n)
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, nargs="+", default=[20_000, 100_000])
    args = ap.parse_args()
    print(machine())
    rows = []
    with tempfile.TemporaryDirectory(prefix="graphkit-bib-") as d:
        for n in args.entries:
            for latex in (False, True):
                path = Path(d) / f"{n}-{latex}.bib"
                path.write_text(make(n, latex), encoding="utf-8")
                before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                t0 = time.perf_counter()
                p = subprocess.run(
                    [sys.executable, "-m", "graphkit", "seeds", str(path), "--max-size", "1GB"],
                    capture_output=True,
                    text=True,
                )
                wall = time.perf_counter() - t0
                peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                rows.append(
                    {
                        "entries": n,
                        "LaTeX in each": "yes" if latex else "no",
                        "MB": round(path.stat().st_size / 1e6, 1),
                        "exit": p.returncode,
                        "seconds": wall,
                        "peak MiB (max so far)": round(max(peak, before) / 1024),
                    }
                )
    print(table(rows, "graphkit seeds on generated BibTeX: wall seconds, peak RSS of the children so far"))


if __name__ == "__main__":
    main()
