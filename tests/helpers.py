"""Helpers the tests share (not graphkit's: nothing in the package needs them)."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

import networkx as nx

# the installed console script, next to the interpreter running the tests
EXE = shutil.which("graphkit", path=str(Path(sys.executable).parent))

# a two-paper list (TSN, TRN) as a post, and the FIXTURE corpus that answers it (TRN cites TSN; three citers)
TWO_PAPER_POST = (
    "# Nets\n1. [TSN: Temporal Segment Networks](https://arxiv.org/abs/1608.00859)\n"
    "1. [Temporal Relational Reasoning in Videos](https://arxiv.org/abs/1711.08496)\n"
)


def two_paper_corpus():
    from tests.corpus import FixtureCorpus

    fc = FixtureCorpus()
    a = fc.add("a", "TSN: Temporal Segment Networks", 2016, arxiv="1608.00859")
    b = fc.add("b", "Temporal Relational Reasoning in Videos", 2017, arxiv="1711.08496")
    fc.cite(b, a, influential=True)
    for i in range(3):
        fc.cite(fc.add(f"c{i}", f"Citer {i}", 2020), a)
    return fc.finalise()


def load_graph(path: str | Path) -> nx.DiGraph:
    """Read a graph written by :func:`graphkit.graph.save_graph` (networkx's node-link JSON)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return nx.node_link_graph(data, directed=True, edges="edges")


def label_overlaps(boxes: Mapping[str, tuple[float, float, float, float]]) -> set[str]:
    """The papers whose label box ``(cx, cy, w, h)`` overlaps another's.

    >>> sorted(label_overlaps({"a": (0, 0, 10, 10), "b": (8, 0, 10, 10), "c": (30, 0, 10, 10)}))
    ['a', 'b']
    """
    ids = list(boxes)
    out = set()
    for i, a in enumerate(ids):
        ax, ay, aw, ah = boxes[a]
        for b in ids[i + 1 :]:
            bx, by, bw, bh = boxes[b]
            if abs(ax - bx) < (aw + bw) / 2 and abs(ay - by) < (ah + bh) / 2:
                out.update((a, b))
    return out
