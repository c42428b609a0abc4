"""Analyses and exports at scale: a synthetic graph of 1,000 seeds and 1,000,000 edges, time and peak RSS per stage.

The graph is built directly with networkx in the shape `graphkit build` gives (every edge touches a seed, node
and edge attributes as in graphkit/graph.py): seeds cite a shared pool of older papers (a few foundations cited
by most seeds) and some earlier seeds; many citers each cite a few seeds, popular seeds far more than others.
All data is synthetic (FIXTURE).

Stages: check_declared on a few chains, backbone, main_path, find_missing, export.write_all (GraphML, GEXF,
CSV, BibTeX, report), render.write_html (≤ 500 nodes), graph.json (save_graph). Peak RSS per stage is the
kernel's high-water mark reset before the stage (/proc/self/clear_refs), so each stage shows its own peak.

Goal (issue 4): all analyses and exports together ≤ 60 s and ≤ 4 GB peak RSS on a 2-core machine.

    python benchmarks/analyses.py
    python benchmarks/analyses.py --quick              # 200 seeds, 100,000 edges
    python benchmarks/analyses.py --seeds 1000 --edges 2000000
"""

from __future__ import annotations

import argparse
import bisect
import gc
import itertools
import random
import tempfile
import time
from pathlib import Path

import networkx as nx  # noqa: E402
from _common import dir_bytes, machine, mib, peak_rss_mib, peak_since_reset_mib, reset_peak, rss_mib, table

from graphkit import discover, export, lineage, render  # noqa: E402
from graphkit.graph import save_graph  # noqa: E402

INTENTS = (["background"], ["methodology"], ["result"], ["background", "methodology"], [])


def _hex(rng: random.Random) -> str:
    return f"{rng.getrandbits(160):040x}"


def _paper(rng: random.Random, i: int, kind: str, year: int) -> dict:
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    n_auth = rng.randint(1, 8)
    return {
        "title": f"FIXTURE {kind} paper {i}: a study of spatio-temporal representations for video number {i}",
        "year": year,
        "publicationDate": f"{year:04d}-{month:02d}-{day:02d}",
        "venue": rng.choice(("CVPR", "ICCV", "ECCV", "NeurIPS", "arXiv.org", "TPAMI", "")),
        "authors": [f"Author {rng.randint(1, 50_000)}" for _ in range(n_auth)],
        "citationCount": rng.randint(0, 500),
        "influentialCitationCount": rng.randint(0, 20),
        "referenceCount": rng.randint(5, 80),
        "externalIds": {
            "CorpusId": 10_000_000 + i,
            **({"DOI": f"10.9999/fixture.{i}"} if i % 3 == 0 else {}),
        },
        "url": None,
        "seed": False,
    }


def _edge(rng: random.Random) -> dict:
    ctx = (
        [f"FIXTURE context {rng.getrandbits(32):08x}: as shown in [12], temporal modelling improves accuracy"]
        if rng.random() < 0.3
        else []
    )
    return {"isInfluential": rng.random() < 0.1, "intents": list(rng.choice(INTENTS)), "contexts": ctx}


def synthetic_graph(n_seeds: int = 1000, n_edges: int = 1_000_000, seed: int = 0) -> nx.DiGraph:
    """A graphkit-shaped citation graph with exactly ``n_edges`` edges (FIXTURE data)."""
    rng = random.Random(seed)
    G = nx.DiGraph(title="FIXTURE synthetic reading list", date="2024-01-01", seeds=n_seeds, unresolved=[])
    seeds = []
    for i in range(n_seeds):
        pid = _hex(rng)
        year = 2005 + (i * 20) // n_seeds
        attrs = _paper(rng, i, "seed", year)
        attrs.update(
            seed=True,
            key=f"arXiv:{year % 100:02d}{1 + i % 12:02d}.{10000 + i:05d}",
            label=f"S{i}",
            sections=[f"{1 + i % 9} Section {i % 9}"],
            paths=[[f"{1 + i % 9} Section {i % 9}"]],
            line=i + 1,
            unmatched_refs=rng.randint(0, 3),
            citations_cut=False,
        )
        attrs["externalIds"]["ArXiv"] = attrs["key"][6:]
        G.add_node(pid, **attrs)
        seeds.append(pid)
    # a pool of older papers the seeds cite; Zipf-like popularity, so a few are foundations most seeds cite
    pool_n = max(1000, n_seeds * 50)
    pool = [_hex(rng) for _ in range(pool_n)]
    for j, pid in enumerate(pool):
        G.add_node(pid, **_paper(rng, 1_000_000 + j, "pool", 1995 + j % 25))
    cum = list(itertools.accumulate(1 / (r + 1) ** 1.1 for r in range(pool_n)))
    for k, s in enumerate(seeds):
        for cited in {pool[bisect.bisect(cum, rng.random() * cum[-1])] for _ in range(rng.randint(20, 60))}:
            G.add_edge(s, cited, **_edge(rng))
        for cited in rng.sample(seeds[:k], min(k, rng.randint(0, 6))):
            G.add_edge(s, cited, **_edge(rng))
    # many citers, each citing 1–6 seeds; popular seeds are cited far more (≤ ~10,000 each, S2's cap)
    scum = list(itertools.accumulate(1 / (r + 1) ** 0.7 for r in range(n_seeds)))
    order = seeds[:]
    rng.shuffle(order)
    i = 0
    m = G.number_of_edges()  # O(nodes) in networkx: counted by hand below
    while m < n_edges:
        pid = _hex(rng)
        G.add_node(pid, **_paper(rng, 2_000_000 + i, "citing", 2010 + i % 15))
        i += 1
        for _ in range(rng.randint(1, 6)):
            cited = order[bisect.bisect(scum, rng.random() * scum[-1])]
            if m < n_edges and not G.has_edge(pid, cited):
                G.add_edge(pid, cited, **_edge(rng))
                m += 1
    return G


def chains_for(G: nx.DiGraph, rng: random.Random, n: int = 6) -> list[list[str]]:
    """A few declared chains by seed label: along real seed->seed citations (direct), and random ones."""
    seeds = [s for s, d in G.nodes(data=True) if d.get("seed")]
    out = []
    for s in rng.sample(seeds, len(seeds)):
        later = [u for u, _ in G.in_edges(s) if G.nodes[u].get("seed")]
        if later:
            b = rng.choice(later)
            nxt = [u for u, _ in G.in_edges(b) if G.nodes[u].get("seed")]
            chain = [s, b] + ([rng.choice(nxt)] if nxt else [])
            out.append([G.nodes[x]["label"] for x in chain])
        if len(out) >= n // 2:
            break
    for _ in range(n - len(out)):
        a, b = rng.sample(seeds, 2)
        out.append([G.nodes[a]["label"], G.nodes[b]["label"]])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=1000)
    ap.add_argument("--edges", type=int, default=1_000_000)
    ap.add_argument("--quick", action="store_true", help="200 seeds, 100,000 edges")
    args = ap.parse_args()
    n_seeds, n_edges = (200, 100_000) if args.quick else (args.seeds, args.edges)
    print(machine())
    can_reset = reset_peak()
    rows = []

    def stage(name, fn):
        gc.collect()
        reset_peak()
        before = rss_mib()
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        rows.append(
            {
                "stage": name,
                "s": round(dt, 2),
                "peak RSS MiB": round(peak_since_reset_mib()),
                "RSS after MiB": round(rss_mib()),
                "Δ RSS MiB": round(rss_mib() - before),
            }
        )
        print(f"  {name}: {dt:.2f}s", flush=True)
        return out

    G = stage("build synthetic graph (not graphkit)", lambda: synthetic_graph(n_seeds, n_edges))
    print(
        f"graph: {G.number_of_nodes():,} nodes ({n_seeds:,} seeds), {G.number_of_edges():,} edges "
        f"(FIXTURE data)",
        flush=True,
    )
    chains = chains_for(G, random.Random(1))
    with tempfile.TemporaryDirectory(prefix="graphkit-analyses-") as d:
        out = Path(d)
        declared = stage(
            f"lineage.check_declared ({len(chains)} chains)", lambda: lineage.check_declared(G, chains)
        )
        stage("lineage.backbone", lambda: lineage.backbone(G))
        main = stage("lineage.main_path", lambda: lineage.main_path(G))
        missing = stage(
            "discover.find_missing (top 20 each)", lambda: discover.find_missing(G, kind="all", top=20)
        )
        stage(
            "export.write_all",
            lambda: export.write_all(G, out, declared=declared, main=main, missing=missing),
        )
        html = stage(
            "render.write_html",
            lambda: render.write_html(
                G, out / "index.html", title="FIXTURE", missing=missing, declared=declared, main_path=main
            ),
        )
        stage("graph.save_graph (graph.json)", lambda: save_graph(G, out / "graph.json"))
        sizes = {p.name: p.stat().st_size for p in sorted(out.iterdir())}
        total_bytes = dir_bytes(out)
    work = [r for r in rows if not r["stage"].startswith("build synthetic")]
    total = sum(r["s"] for r in work)
    peak = max(r["peak RSS MiB"] for r in work)
    rows.append(
        {
            "stage": "analyses + exports (total)",
            "s": round(total, 2),
            "peak RSS MiB": round(peak),
            "RSS after MiB": None,
            "Δ RSS MiB": None,
        }
    )
    print()
    print(table(rows, f"{n_seeds:,} seeds, {n_edges:,} edges; time and peak RSS per stage"))
    statuses = {}
    for r in declared:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    print(
        f"\ndeclared pairs: {statuses}; backbone/main path: {len(main['paths'])} path(s) of "
        f"{len(main['paths'][0]) if main['paths'] else 0} seeds, {main['dropped_edges']} cycle edges dropped; "
        f"map: {html['nodes']} nodes, {html['edges']} edges, {html['bytes'] / 1e6:.2f} MB"
    )
    print(
        "files: "
        + ", ".join(f"{k} {mib(v):.1f} MiB" for k, v in sizes.items())
        + f" (total {mib(total_bytes):.0f} MiB)"
    )
    note = "" if can_reset else " (peak-RSS reset unavailable: per-stage peaks are cumulative)"
    print(f"process peak RSS (incl. building the graph): {peak_rss_mib():,.0f} MiB{note}")
    print(
        f"goal ≤ 60 s: {'holds' if total <= 60 else 'FAILS'} ({total:.1f}s); "
        f"goal ≤ 4 GB: {'holds' if peak_rss_mib() <= 4096 else 'FAILS'} ({peak_rss_mib() / 1024:.2f} GiB peak)"
    )


if __name__ == "__main__":
    main()
