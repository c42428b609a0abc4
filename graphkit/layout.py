"""The map's geometry, computed at build time: columns, order, positions and the edges drawn by default. Pure.

The map is read at the size of a blog's iframe (about 760×640), so nothing is left to a physics simulation:
positions are decided here, once, and the page draws them as given (a static SVG can share them, tests can measure
them). The passes follow Graphviz ``dot`` and CitNetExplorer:

1. **Columns** (:func:`year_columns`): time runs left to right, one column per year; sparse years at either end
   are binned into ``≤2013`` / ``≥2022`` so that one 1995 paper does not stretch the map; papers with no year get
   a last column ``n.d.``.
2. **Order** (:func:`order_columns`): within each column, papers are ordered by barycentre sweeps over their
   citation neighbours in the other columns, alternately left to right and right to left; declared-lineage and
   main-path links weigh more. The ordering with the fewest crossings among the edges drawn by default is kept.
3. **Positions** (:func:`place`): an order-preserving packing places each column
   as near as it can to its neighbours' heights (isotonic regression, so the order never changes and no two labels
   of a column touch); a label too wide for its column is kept clear of the labels of the next columns; declared
   chains are pulled straight.

Coordinates are in CSS pixels at the reference pane (``PANE``): drawn at scale 1 there, the labels are ``FONT``
px tall. :func:`compute_layout` joins the passes; :func:`count_crossings` measures the
result as a reader would see it.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

FONT = 13  # label font size, px at scale 1
BOX_PAD = 5  # px of box left and right of a label
BOX_VPAD = 3  # px of box above and below a label
GAP = 3  # px kept free between two drawings of a column
LABEL_GAP = (
    11  # px between a shape's centre plus radius and the top of the label under it (as vis-network draws it)
)
COL_GAP = 10  # px between the labels of two neighbouring columns
QUANTILES = (1.0, 0.9, 0.8)  # columns are spaced for one of these quantiles of their drawings' widths
PANE = (
    748,
    474,
)  # the drawing area the layout is sized for: a 760×640 iframe less the bars, ticks and margins
WEIGHTS = {"lineage": 8.0, "main": 4.0, "backbone": 2.0, "other": 0.5}


def text_width(text: str, size: float = FONT) -> float:
    """Width in px of ``text`` set in a sans-serif font (DejaVu Sans metrics, the widest common one: an estimate
    that errs on the wide side).

    >>> text_width("TSN") > text_width("ill")
    True
    >>> round(text_width("视频"), 1) == round(2 * FONT, 1)
    True
    """
    w = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            w += 1.0
        elif ch in " '.,:;!|il`ıj":
            w += 0.32
        elif ch in 'ftrI()[]-/\\"':
            w += 0.4
        elif ch in "mwMW@%":
            w += 0.92
        elif ch.isupper() or ch.isdigit():
            w += 0.7
        else:
            w += 0.6
    return w * size


def year_columns(
    years: Mapping[str, int | None],
    *,
    min_share: float = 0.04,
    min_count: int = 3,
    min_columns: int = 6,
    max_columns: int = 12,
) -> tuple[dict[str, int], list[str]]:
    """Assign each paper a column: one per year, sparse years at either end binned.

    The first columns are merged into ``≤Y`` until they hold at least ``max(min_count, min_share × papers)``
    papers, and likewise the last ones into ``≥Y``; while there are more than ``max_columns`` columns the
    smaller end is binned further. A map of ``min_columns`` years or fewer is not binned. Papers with no year go
    to a last column ``n.d.``.

    Returns ``(column index per paper, column names)``.

    >>> ys = {"a": 1995, "z": None, "k": 2025}
    >>> ys.update({f"p{y}{i}": y for y in range(2013, 2021) for i in range(3 if y > 2013 else 1)})
    >>> col, names = year_columns(ys)
    >>> names
    ['≤2014', '2015', '2016', '2017', '2018', '2019', '≥2020', 'n.d.']
    >>> col["a"], col["p20150"], col["k"], col["z"]
    (0, 1, 6, 7)
    >>> year_columns({"a": 2014, "b": 2016})[1]
    ['2014', '2016']
    """
    dated = sorted({y for y in years.values() if isinstance(y, int)})
    count: dict[int, int] = {}
    for y in years.values():
        if isinstance(y, int):
            count[y] = count.get(y, 0) + 1
    need = max(min_count, math.ceil(min_share * sum(count.values())))
    lo, hi = 0, len(dated) - 1
    # contiguous years between the ends (gaps inside are kept as they are: a column per year seen)
    while lo < hi and hi - lo + 1 > min_columns and sum(count[y] for y in dated[: lo + 1]) < need:
        lo += 1
    while hi > lo and hi - lo + 1 > min_columns and sum(count[y] for y in dated[hi:]) < need:
        hi -= 1
    while hi - lo + 1 > max_columns:
        if sum(count[y] for y in dated[: lo + 1]) <= sum(count[y] for y in dated[hi:]):
            lo += 1
        else:
            hi -= 1
    names: list[str] = []
    index: dict[int, int] = {}
    for k, y in enumerate(dated):
        if k <= lo:
            name = f"≤{dated[lo]}" if lo > 0 else str(y)
        elif k >= hi:
            name = f"≥{dated[hi]}" if hi < len(dated) - 1 else str(y)
        else:
            name = str(y)
        if not names or names[-1] != name:
            names.append(name)
        index[y] = len(names) - 1
    col = {}
    for n, y in years.items():
        if isinstance(y, int):
            col[n] = index[y]
        else:
            if not names or names[-1] != "n.d.":
                names.append("n.d.")
            col[n] = len(names) - 1
    return col, names


def count_crossings(pos: Mapping[str, tuple[float, float]], edges: Iterable[tuple[str, str]]) -> int:
    """How many pairs of straight edges cross (edges sharing an end, or touching, do not count).

    Every end lies on a column, so two edges cross exactly when their vertical order flips between the two ends of
    one column interval they both span: the count is a sum of inversions per interval, never a test of all pairs.
    An edge within one column is vertical: it crosses the edges that pass through its column strictly between its
    ends.

    >>> pos = {"a": (0, 0), "b": (10, 10), "c": (0, 10), "d": (10, 0), "e": (20, 0), "f": (10, 20), "g": (20, 20)}
    >>> count_crossings(pos, [("a", "b"), ("c", "d"), ("d", "e")])
    1
    >>> count_crossings(pos, [("b", "f"), ("c", "g"), ("a", "e")])  # a vertical edge crossed once
    1
    """
    seg, vertical = [], []
    for u, v in edges:
        if u in pos and v in pos and u != v:
            (x1, y1), (x2, y2) = pos[u], pos[v]
            if x1 != x2:
                seg.append((x1, y1, x2, y2) if x1 < x2 else (x2, y2, x1, y1))
            elif y1 != y2:
                vertical.append((x1, min(y1, y2), max(y1, y2)))
    if not seg:
        return 0
    s = np.array(seg, dtype=float)
    total = 0
    for x, lo, hi in vertical:
        m = s[(s[:, 0] < x) & (s[:, 2] > x)]
        if len(m):
            y = m[:, 1] + (x - m[:, 0]) / (m[:, 2] - m[:, 0]) * (m[:, 3] - m[:, 1])
            total += int(((y > lo + 1e-9) & (y < hi - 1e-9)).sum())
    xs = np.unique(np.concatenate([s[:, 0], s[:, 2]]))
    for a, b in zip(xs[:-1], xs[1:], strict=True):
        m = s[(s[:, 0] <= a) & (s[:, 2] >= b)]
        if len(m) < 2:
            continue
        t0 = (a - m[:, 0]) / (m[:, 2] - m[:, 0])
        t1 = (b - m[:, 0]) / (m[:, 2] - m[:, 0])
        y0 = m[:, 1] + t0 * (m[:, 3] - m[:, 1])
        y1 = m[:, 1] + t1 * (m[:, 3] - m[:, 1])
        flip = (y0[:, None] - y0[None, :]) * (y1[:, None] - y1[None, :]) < -1e-9
        total += int(flip.sum()) // 2
    return total


def _pav(
    target: Sequence[float], gaps: Sequence[float], band: tuple[float, float] | None = None
) -> list[float]:
    """Positions ``y`` nearest to ``target`` (least squares) with ``y[k+1] - y[k] >= gaps[k]``, all inside
    ``band`` when given (and when they fit): isotonic regression (pool adjacent violators) on the targets less
    the cumulative gaps.

    >>> _pav([0, 0, 0], [10, 10])
    [-10.0, 0.0, 10.0]
    >>> _pav([0, 50, 51], [10, 10])
    [0.0, 45.5, 55.5]
    >>> _pav([-100, 0, 100], [10, 10], band=(-15, 15))
    [-15.0, 0.0, 15.0]
    """
    offs = [0.0]
    for g in gaps:
        offs.append(offs[-1] + g)
    z = [t - o for t, o in zip(target, offs, strict=True)]
    if band is not None and band[1] - band[0] >= offs[-1]:
        z = [min(max(v, band[0]), band[1] - offs[-1]) for v in z]
    blocks: list[list[float]] = []  # [mean, weight, count]
    for v in z:
        blocks.append([v, 1.0, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, c2 = blocks.pop()
            m1, w1, c1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, c1 + c2])
    out: list[float] = []
    for m, _w, c in blocks:
        out.extend([m] * c)
    return [float(v + o) for v, o in zip(out, offs, strict=True)]


def _barycentre(n, pos, nbrs, col_of, k, forward) -> float:
    """The weighted mean height of ``n``'s neighbours on the sweep's side (else on either side, else its own)."""
    side = [(pos[m][1], w) for m, w in nbrs[n] if col_of[m] != k and (col_of[m] < k) == forward]
    if not side:
        side = [(pos[m][1], w) for m, w in nbrs[n] if col_of[m] != k]
    if not side:
        return pos[n][1]
    side = [(y, w) for y, w in side if w >= WEIGHTS["lineage"]] or side  # a declared chain runs straight
    return sum(y * w for y, w in side) / sum(w for _, w in side)


def order_columns(
    columns: list[list[str]],
    weighted: Mapping[tuple[str, str], float],
    drawn: Sequence[tuple[str, str]],
    *,
    sweeps: int = 24,
) -> list[list[str]]:
    """Order the papers of each column to reduce crossings: barycentre sweeps, alternately left to right (by the
    neighbours in earlier columns) and right to left (by those in later ones), over ``weighted`` undirected
    links; the ordering with the fewest crossings among ``drawn`` edges (with each column's papers spaced evenly)
    is returned.

    >>> cols = [["a", "b"], ["d", "c"]]
    >>> order_columns(cols, {("a", "c"): 1.0, ("b", "d"): 1.0}, [("a", "c"), ("b", "d")])
    [['a', 'b'], ['c', 'd']]
    """
    col_of = {n: k for k, col in enumerate(columns) for n in col}
    nbrs: dict[str, list[tuple[str, float]]] = {n: [] for n in col_of}
    for (u, v), w in weighted.items():
        if u in col_of and v in col_of and u != v:
            nbrs[u].append((v, w))
            nbrs[v].append((u, w))
    order = [list(c) for c in columns]

    def rank_pos() -> dict[str, tuple[float, float]]:
        pos = {}
        for k, col in enumerate(order):
            span = max(len(col) - 1, 1)
            for i, n in enumerate(col):
                pos[n] = (float(k), (i - (len(col) - 1) / 2) / span if len(col) > 1 else 0.0)
        return pos

    best = [list(c) for c in order]
    best_x = count_crossings(rank_pos(), drawn)
    for sweep in range(sweeps):
        forward = sweep % 2 == 0
        ks = range(1, len(order)) if forward else range(len(order) - 2, -1, -1)
        for k in ks:
            pos = rank_pos()
            keyed = [(_barycentre(n, pos, nbrs, col_of, k, forward), i, n) for i, n in enumerate(order[k])]
            keyed.sort()
            order[k] = [n for _, _, n in keyed]
        x = count_crossings(rank_pos(), drawn)
        if x < best_x:
            best, best_x = [list(c) for c in order], x
    return best


def place(
    order: list[list[str]],
    weighted: Mapping[tuple[str, str], float],
    extent: Mapping[str, tuple[float, float, float]],
    *,
    iterations: int = 8,
    quantile: float = 1.0,
) -> tuple[dict[str, tuple[float, float]], list[float]]:
    """Positions for ordered columns: x from the columns' widths, y by an order-preserving packing.

    ``extent[n] = (width, above, below)``: how far a paper's drawing (shape and label) reaches left/right (half
    the width), above and below its position. Neighbouring columns are far enough apart for the ``quantile`` of
    their drawings' widths (1: the widest); a drawing wider than that is kept clear of the next columns' drawings
    by the packing. All columns share one band of height, that of the tallest column packed tight (or the
    pane's shape, if taller). Each pass moves every column toward the weighted mean height of its papers' neighbours (:func:`_pav` keeps the order and
    leaves ``GAP`` px between drawings), so chains run straight.

    Returns ``(positions, column x)``.

    >>> ext = {n: (30.0, 10.0, 10.0) for n in "abc"}
    >>> pos, xs = place([["a"], ["b", "c"]], {("a", "b"): 1.0}, ext)
    >>> pos["a"][1] == pos["b"][1] and pos["c"][1] - pos["b"][1] == 20 + GAP
    True
    """

    def typical(col):
        ws = sorted(extent[n][0] for n in col) or [0.0]
        return ws[int(quantile * (len(ws) - 1))]

    xs = [0.0]
    for a, b in zip(order, order[1:], strict=False):
        xs.append(xs[-1] + max(typical(a) / 2 + typical(b) / 2 + COL_GAP, 40.0))
    col_of = {n: k for k, col in enumerate(order) for n in col}
    nbrs: dict[str, list[tuple[str, float]]] = {n: [] for n in col_of}
    for (u, v), w in weighted.items():
        if u in col_of and v in col_of and u != v:
            nbrs[u].append((v, w))
            nbrs[v].append((u, w))

    def gaps(col):
        return [extent[a][2] + extent[b][1] + GAP for a, b in zip(col, col[1:], strict=False)]

    # every column within one band: as tall as the tallest column packed tight, or as the pane's shape asks
    tallest = max(
        (sum(gaps(col)) + extent[col[0]][1] + extent[col[-1]][2] for col in order if col), default=0.0
    )
    wide = (xs[-1] - xs[0]) + max((extent[n][0] for n in col_of), default=0.0)
    half = max(tallest, wide * PANE[1] / PANE[0]) / 2
    band = {k: (-half + extent[col[0]][1], half - extent[col[-1]][2]) for k, col in enumerate(order) if col}
    y: dict[str, float] = {}
    for col in order:  # start: each column centred
        y.update(zip(col, _pav([0.0] * len(col), gaps(col)), strict=True))
    for it in range(iterations):
        ks = range(len(order)) if it % 2 == 0 else range(len(order) - 1, -1, -1)
        for k in ks:
            col = order[k]
            target = []
            for n in col:
                ws = [(y[m], w) for m, w in nbrs[n] if col_of[m] != k]
                chain = [(a, w) for a, w in ws if w >= WEIGHTS["lineage"]]  # a declared chain runs straight
                ws = chain or ws
                target.append(sum(a * w for a, w in ws) / sum(w for _, w in ws) if ws else y[n])
            y.update(zip(col, _pav(target, gaps(col), band[k]), strict=True))
    _clear_wide_drawings(order, xs, extent, y)
    return {n: (xs[col_of[n]], y[n]) for n in col_of}, xs


def _clear_wide_drawings(
    order: list[list[str]],
    xs: list[float],
    extent: Mapping[str, tuple[float, float, float]],
    y: dict[str, float],
) -> None:
    """Drawings wider than their column's room: the next columns' drawings are moved down clear of them (in
    ``y``), the column's order kept."""
    for k in range(1, len(order)):
        col = order[k]
        reach = xs[k] - max(extent[n][0] for n in col) / 2
        obstacles = [
            (xs[j] + extent[m][0] / 2, y[m] - extent[m][1], y[m] + extent[m][2])
            for j in range(max(0, k - 3), k)
            for m in order[j]
            if xs[j] + extent[m][0] / 2 + GAP > reach
        ]
        if not obstacles:
            continue
        placed: list[float] = []
        for i, n in enumerate(col):
            w, up, down = extent[n]
            yy = y[n] if not placed else max(y[n], placed[-1] + extent[col[i - 1]][2] + up + GAP)
            left = xs[k] - w / 2
            for _ in range(len(obstacles) + 1):
                hit = [
                    bot
                    for right, top, bot in obstacles
                    if right + GAP > left and yy - up < bot + GAP and yy + down > top - GAP
                ]
                if not hit:
                    break
                yy = max(hit) + GAP + up
            placed.append(yy)
        y.update(zip(col, placed, strict=True))


def compute_layout(
    nodes: Sequence[str],
    years: Mapping[str, int | None],
    extent: Mapping[str, tuple[float, float, float]],
    edges: Iterable[tuple[str, str]],
    *,
    lineage: Iterable[tuple[str, str]] = (),
    main: Iterable[tuple[str, str]] = (),
    backbone: Iterable[tuple[str, str]] = (),
    group: Mapping[str, int] | None = None,
) -> dict:
    """The whole layout: columns, order, positions. ``extent[n] = (width, above, below)`` of each paper's drawing
    (see :func:`box_extent`); ``edges`` are every citation among ``nodes`` (either direction);
    ``lineage``/``main``/``backbone`` the ones drawn by default (they weigh more in the order).

    Returns ``{"pos": {id: (x, y)}, "columns": [{"name", "x"}], "width", "height", "crossings",
    "default_edges": [(u, v)]}``; positions are centred on (0, 0), ``width``/``height`` are the drawing's extent.

    >>> ext = {n: box_extent(n) for n in "abc"}
    >>> lay = compute_layout(["a", "b", "c"], {"a": 2014, "b": 2016, "c": 2016}, ext, [("b", "a"), ("c", "a")],
    ...                      lineage=[("b", "a")])
    >>> [c["name"] for c in lay["columns"]], lay["pos"]["a"][0] < lay["pos"]["b"][0], lay["crossings"]
    (['2014', '2016'], True, 0)
    """
    nodes = list(nodes)
    col, names = year_columns({n: years.get(n) for n in nodes})
    group = group or {}
    first = {n: i for i, n in enumerate(nodes)}
    columns: list[list[str]] = [[] for _ in names]
    for n in sorted(nodes, key=lambda n: (group.get(n, 1 << 20), years.get(n) or 0, first[n])):
        columns[col[n]].append(n)
    key = lambda u, v: (u, v) if u <= v else (v, u)  # noqa: E731
    weighted: dict[tuple[str, str], float] = {}
    for u, v in edges:
        if u in col and v in col:
            weighted[key(u, v)] = max(weighted.get(key(u, v), 0.0), WEIGHTS["other"])
    for kind, es in (("backbone", backbone), ("main", main), ("lineage", lineage)):
        for u, v in es:
            if u in col and v in col:
                weighted[key(u, v)] = max(weighted.get(key(u, v), 0.0), WEIGHTS[kind])
    drawn = sorted({key(u, v) for u, v in (*backbone, *main, *lineage) if u in col and v in col and u != v})
    order = order_columns(columns, weighted, drawn)
    best = None
    for q in QUANTILES:  # columns spaced for the widest drawings, or narrower: whichever reads largest
        pos, xs = place(order, weighted, extent, quantile=q)
        w = max((p[0] + extent[n][0] / 2 for n, p in pos.items()), default=0) - min(
            (p[0] - extent[n][0] / 2 for n, p in pos.items()), default=0
        )
        h = max((p[1] + extent[n][2] for n, p in pos.items()), default=0) - min(
            (p[1] - extent[n][1] for n, p in pos.items()), default=0
        )
        scale = min(PANE[0] / max(w, 1.0), PANE[1] / max(h, 1.0))
        if best is None or scale > best[0] * 1.02:
            best = (scale, pos, xs)
    _, pos, xs = best
    if pos:
        x0 = min(p[0] - extent[n][0] / 2 for n, p in pos.items())
        x1 = max(p[0] + extent[n][0] / 2 for n, p in pos.items())
        y0 = min(p[1] - extent[n][1] for n, p in pos.items())
        y1 = max(p[1] + extent[n][2] for n, p in pos.items())
    else:
        x0 = x1 = y0 = y1 = 0.0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    pos = {n: (round(x - cx, 1), round(y - cy, 1)) for n, (x, y) in pos.items()}
    return {
        "pos": pos,
        "columns": [{"name": nm, "x": round(x - cx, 1)} for nm, x in zip(names, xs, strict=False)],
        "width": round(x1 - x0, 1),
        "height": round(y1 - y0, 1),
        "crossings": count_crossings(pos, drawn),
        "default_edges": drawn,
    }


def box_extent(label: str, size: float = FONT) -> tuple[float, float, float]:
    """(width, above, below) of a label drawn in a box (the seeds).

    >>> box_extent("TSN") == (text_width("TSN") + 2 * BOX_PAD, FONT / 2 + BOX_VPAD, FONT / 2 + BOX_VPAD)
    True
    """
    half = size / 2 + BOX_VPAD
    return (text_width(label, size) + 2 * BOX_PAD, half, half)


def shape_extent(radius: float, label: str = "", size: float = FONT) -> tuple[float, float, float]:
    """(width, above, below) of a small shape with an optional label under it (the missing papers).

    >>> shape_extent(7)
    (14, 7, 7)
    """
    if not label:
        return (2 * radius, radius, radius)
    return (max(2 * radius, text_width(label, size)), radius, radius + LABEL_GAP + size + 1)
