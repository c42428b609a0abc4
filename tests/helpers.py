"""Helpers the tests share (not graphkit's: nothing in the package needs them)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import networkx as nx


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
