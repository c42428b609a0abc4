"""The map as a reader sees it: measured in headless Chromium at the blog's embedded size and at full width.

For the example post (FIXTURE corpus), the same post with four seeds cited 3,100–11,500 times (~27,000 papers),
and 1,000 seeds, this prints: labels drawn / overlapping, the smallest label in px on screen, crossings among the
edges drawn by default, the share of the map pane the drawing covers, the time until the page is fully drawn,
and the seconds the Python layout took. With ``--baseline REV`` (default: 96966e6, the release before the
computed layout) the same figures for that release's map of the same graphs are printed beside them.

    python benchmarks/map.py                 # needs Debian's chromium and playwright (the test extra)
    python benchmarks/map.py --no-baseline --only example
"""

from __future__ import annotations

import argparse
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import LINEAGES, POST, ROOT, machine, table

from graphkit.lineage import read_lineages
from graphkit.pipeline import analyse, collect, write_site
from graphkit.s2 import S2Client
from graphkit.seeds import parse_seeds
from tests.browsing import ARGS, CHROMIUM
from tests.corpus import from_seedlist, synthetic, with_heavy_citers
from tests.mapmeasure import embed_page, measure
from tests.s2server import FakeS2

OLD_RENDER = """
import pickle, sys
sys.path.insert(0, sys.argv[1])
from graphkit.render import write_html
G, results, title = pickle.load(open(sys.argv[2], "rb"))
write_html(G, sys.argv[3], title=title, missing=results["missing"], declared=results["declared"],
           main_path=results["main_path"])
"""


def corpora(only: str | None):
    sl = parse_seeds(str(POST))
    aliases: dict = {}
    chains = read_lineages(LINEAGES, aliases)
    if only in (None, "example"):
        yield "example post", from_seedlist(sl, hostile=True), str(POST), (chains, aliases)
    if only in (None, "heavy"):
        yield (
            "example, 4 seeds cited 3-11k",
            with_heavy_citers(from_seedlist(sl, hostile=True), sl),
            str(POST),
            (chains, aliases),
        )
    if only in (None, "1000"):
        fc, lines = synthetic(1000, seed=3)
        tmp = Path(tempfile.mkdtemp()) / "ids.txt"
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        yield "1,000 seeds (id list)", fc, str(tmp), ([], {})


def open_and_measure(browser, site: Path, width: int, screenshot: str | None = None) -> dict:
    page = browser.new_page(
        viewport={"width": 800 if width == 760 else width, "height": 700 if width == 760 else 800}
    )
    url = (site / ("embed.html" if width == 760 else "index.html")).as_uri()
    t0 = time.perf_counter()
    page.goto(url)
    frame = page
    if width == 760:
        page.frame_locator("#f").locator("#gk-network canvas").wait_for(timeout=120_000)
        frame = page.frames[1]
    frame.wait_for_function(
        "() => window.graphkit && (window.graphkit.ready || window.graphkit.stabilized)", timeout=120_000
    )
    drawn_s = time.perf_counter() - t0
    f = measure(frame)
    if screenshot:
        page.locator("#f").screenshot(path=screenshot)
    page.close()
    return {**f, "drawn_s": drawn_s}


def row(name: str, release: str, width: int, f: dict, layout_s: float | None, nodes: int) -> dict:
    return {
        "map": name,
        "release": release,
        "iframe": f"{width}x{640 if width == 760 else 800}",
        "nodes": nodes,
        "pane h": f["pane"][1],
        "labels": f["labels"],
        "drawn": f["drawn"],
        "overlap %": round(100 * f["overlap_share"], 1),
        "min px": f["smallest_px"],
        "crossings": f["crossings"],
        "coverage %": round(100 * f["coverage"], 1),
        "drawn s": round(f["drawn_s"], 2),
        "layout s": layout_s,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", default="96966e6", help="git revision of the release to compare with")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--only", choices=["example", "heavy", "1000"])
    ap.add_argument(
        "--screenshot", metavar="PNG", help="also save the example post's map at 760x640 (the README's)"
    )
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="graphkit-map-"))
    old = None
    if not a.no_baseline:
        old = work / "baseline"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(old), a.baseline], check=True
        )
    rows = []
    print(machine())
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for k, (name, fc, source, (chains, aliases)) in enumerate(corpora(a.only)):
                d = work / f"m{k}"
                with FakeS2(fc) as srv:
                    got = collect(source, S2Client(srv.url, cache_dir=d / "cache", rps=0))
                results = analyse(got.graph, chains=chains, aliases=aliases)
                site = write_site(got.graph, d / "site", results, title=got.seeds.title or name)
                (d / "site" / "embed.html").write_text(embed_page(), encoding="utf-8")
                lay = site["html"]["layout"]
                print(
                    f"{name}: {got.graph.number_of_nodes():,} papers, {got.graph.number_of_edges():,} citations; "
                    f"map {site['html']['nodes']} nodes, {site['html']['bytes'] / 1e6:.2f} MB, "
                    f"map.svg {site['html']['svg_bytes'] / 1e3:.0f} kB",
                    flush=True,
                )
                for width in (760, 1280):
                    shot = a.screenshot if (k == 0 and width == 760 and a.only in (None, "example")) else None
                    rows.append(
                        row(
                            name,
                            "this",
                            width,
                            open_and_measure(browser, d / "site", width, shot),
                            lay["seconds"],
                            site["html"]["nodes"],
                        )
                    )
                if old is not None:
                    (d / "old").mkdir()
                    pk = d / "g.pickle"
                    pk.write_bytes(pickle.dumps((got.graph, results, got.seeds.title or name)))
                    subprocess.run(
                        [sys.executable, "-c", OLD_RENDER, str(old), str(pk), str(d / "old" / "index.html")],
                        check=True,
                    )
                    (d / "old" / "embed.html").write_text(embed_page(), encoding="utf-8")
                    for width in (760, 1280):
                        f = open_and_measure(browser, d / "old", width)
                        rows.append(row(name, a.baseline, width, f, None, f["nodes"]))
            browser.close()
    finally:
        if old is not None:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=False)
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(
        table(
            rows,
            "The map as a reader sees it (targets: every seed labelled, overlap <= 2 %, min px >= 10, "
            "crossings <= 2,000, coverage >= 60 %, pane >= 480 px, drawn <= 1.5 s)",
        )
    )


if __name__ == "__main__":
    main()
