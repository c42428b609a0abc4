"""A small FIXTURE graph for the map tests: 60 seeds in sections (some Chinese), missing papers, hostile strings."""

from __future__ import annotations

import networkx as nx

from graphkit.discover import find_missing
from graphkit.lineage import check_declared, main_path

HOSTILE_TITLE = "<img src=x onerror=alert(1)> FIXTURE hostile"
HOSTILE_VENUE = "<script>window.__pwned=1</script>"
SECTIONS = ["1 综述", "5 基本网络", "7 改进方向", "A <b>bold</b> section"]


def pid(name: str) -> str:
    import hashlib

    return hashlib.sha1(name.encode()).hexdigest()


def demo_graph(n_seeds: int = 60) -> nx.DiGraph:
    G = nx.DiGraph(title="FIXTURE map 「测试」", date="2019-05-14")
    seeds = []
    for i in range(n_seeds):
        n = pid(f"seed{i}")
        sec = SECTIONS[i % len(SECTIONS)]
        G.add_node(
            n,
            seed=True,
            key=f"arXiv:19{i:02d}.0000{i % 10}",
            label=f"Net{i}",
            title=f"FIXTURE seed paper {i}",
            year=2010 + i % 10,
            venue="CVPR",
            authors=["A. Author", "B. Author"],
            citationCount=10 * i,
            externalIds={"ArXiv": f"19{i:02d}.0000{i % 10}"},
            sections=[sec, sec + ".1"],
            paths=[[sec]],
            line=i + 1,
        )
        for j in seeds[-3:]:
            G.add_edge(n, j, isInfluential=j == seeds[-1], intents=[], contexts=[])
        seeds.append(n)
    G.nodes[seeds[5]].update(title=HOSTILE_TITLE, venue=HOSTILE_VENUE, label="Hostile")
    for k in range(6):  # foundations cited by many seeds
        f = pid(f"found{k}")
        G.add_node(f, seed=False, title=f"FIXTURE foundation {k}", year=2005 + k, citationCount=5000)
        for s in seeds[k::2]:
            G.add_edge(s, f, isInfluential=False, intents=[], contexts=[])
    for k in range(4):  # follow-ups citing many seeds
        u = pid(f"follow{k}")
        G.add_node(u, seed=False, title=f"FIXTURE follow-up {k}", year=2021, publicationDate="2021-03-01")
        for s in seeds[k::3]:
            G.add_edge(u, s, isInfluential=False, intents=[], contexts=[])
    for k in range(300):  # heavy citers that must not be drawn
        c = pid(f"citer{k}")
        G.add_node(c, seed=False, title=f"FIXTURE citer {k}", year=2020)
        G.add_edge(c, seeds[0], isInfluential=False, intents=[], contexts=[])
    return G


def demo_analyses(G):
    seeds = [n for n, d in G.nodes(data=True) if d.get("seed")]
    declared = check_declared(G, [["Net0", "Net1", "Net2"], ["Net3", "Net9"]])
    return {
        "missing": find_missing(G, top=20),
        "declared": declared,
        "main_path": main_path(G),
        "seeds": seeds,
    }
