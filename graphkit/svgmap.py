"""The map as a static SVG that explains itself (feeds, e-mail, a README): the view of :mod:`graphkit.mapview` drawn
with its style table — the legend strip, the same positions, names and colours as the page, each paper linked to
its page with its title as a ``<title>``, the data's date. No script; every string XML-escaped.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .graph import S2_PAPER
from .layout import BOX_VPAD, FONT, LABEL_GAP
from .mapview import EDGE_STYLE, MISSING_STYLE, STYLE, _tint

SVG_PAD = 12
SVG_TICKS = 22


def _paper_url(i: dict) -> str | None:
    """A paper's page: Semantic Scholar for an S2 id, else arXiv, else its DOI (ids as the page checks them).

    >>> _paper_url({"id": "a" * 40}), _paper_url({"id": "x", "arxiv": "1608.00859"}), _paper_url({"id": "x"})
    ('https://www.semanticscholar.org/paper/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'https://arxiv.org/abs/1608.00859', None)
    """
    from urllib.parse import quote

    if re.fullmatch(r"[0-9a-f]{40}", i.get("id") or ""):
        return S2_PAPER + i["id"]
    if re.fullmatch(r"[A-Za-z0-9./-]+", i.get("arxiv") or ""):
        return "https://arxiv.org/abs/" + i["arxiv"]
    if re.fullmatch(r"10\.[0-9]+/\S+", i.get("doi") or ""):
        return "https://doi.org/" + quote(i["doi"], safe="/:;()._-")
    return None


SVG_LEGEND_ROW = 18


def _svg_legend(view: dict, width: float) -> tuple[list[str], float]:
    """The legend strip as SVG (sections, the kinds of missing papers, the kinds of links), wrapped to ``width``;
    returns the elements and the strip's height."""
    from .layout import text_width

    items = [("section", s["color"], s["name"]) for s in view["legend"]["sections"]]
    items += [(k["kind"], STYLE["shape"], k["name"]) for k in view["legend"]["kinds"]]
    items += [("link", lk["color"], lk["name"], lk["dashed"]) for lk in view["legend"]["links"]]
    out, x, y = [], SVG_PAD, 14.0
    for kind, colour, name, *dashed in items:
        w = 16 + text_width(name, 11) + 14
        if x + w > width - SVG_PAD and x > SVG_PAD:
            x, y = SVG_PAD, y + SVG_LEGEND_ROW
        if kind == "section":
            mark = f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" rx="2" fill="{_tint(colour)}" stroke="{colour}"/>'
        elif kind == "link":
            dash = ' stroke-dasharray="4 3"' if dashed and dashed[0] else ""
            mark = f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 12:.1f}" y2="{y - 4:.1f}" stroke="{colour}" stroke-width="3"{dash}/>'
        else:
            mark = _svg_shape(
                MISSING_STYLE[kind]["shape"],
                x + 5,
                y - 4,
                5,
                f'fill="#fff" stroke="{colour}" stroke-width="1.5"',
            )
        out.append(
            mark
            + f'<text x="{x + 16:.1f}" y="{y:.1f}" font-size="11" fill="{STYLE["fg"]}">{escape(name)}</text>'
        )
        x += w
    return out, y + 8


def _svg_shape(shape: str, x: float, y: float, r: float, style: str) -> str:
    if shape == "diamond":
        return f'<polygon points="{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} {x - r:.1f},{y:.1f}" {style}/>'
    if shape == "triangle":
        return f'<polygon points="{x:.1f},{y - r:.1f} {x + r:.1f},{y + r * 0.8:.1f} {x - r:.1f},{y + r * 0.8:.1f}" {style}/>'
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" {style}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" {style}/>'


def svg_document(view: dict) -> str:
    """The map as a static SVG that explains itself: the legend strip, the same positions, names, colours and
    default edges as the page, each paper linked to its page (S2, arXiv or DOI) with its title as a ``<title>``,
    and the date the data was fetched. No script; every string is XML-escaped.

    >>> import networkx as nx
    >>> from graphkit.mapview import map_view
    >>> G = nx.DiGraph()
    >>> G.add_node("a" * 40, seed=True, title="<A>", year=2014, sections=["1 X"], label="A&B", line=1)
    >>> svg = svg_document(map_view(G, title="T <1>"))
    >>> "A&amp;B" in svg and "<title>T &lt;1&gt;</title>" in svg and "<script" not in svg
    True
    >>> "<title>&lt;A&gt; (2014)</title>" in svg and 'href="https://www.semanticscholar.org/paper/' in svg
    True
    """
    w = view["extent"]["width"] + 2 * SVG_PAD
    legend, top = _svg_legend(view, w)
    h = top + view["extent"]["height"] + 2 * SVG_PAD + SVG_TICKS + 8
    ox, oy = w / 2, top + SVG_TICKS + SVG_PAD + view["extent"]["height"] / 2
    pos = {n["id"]: (n["x"] + ox, n["y"] + oy) for n in view["nodes"]}
    node_of = {n["id"]: n for n in view["nodes"]}
    info = {i["id"]: i for i in view.get("info") or []}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{w:.0f}" '
        f'height="{h:.0f}" viewBox="0 0 {w:.1f} {h:.1f}" '
        "font-family=\"system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif\">",
        f"<title>{escape(view.get('title') or 'graphkit map')}</title>",
        "<defs>"
        + "".join(
            f'<marker id="a-{k}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="5" markerHeight="5" '
            f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{st["color"]}"/></marker>'
            for k, st in EDGE_STYLE.items()
        )
        + "</defs>",
        f'<rect width="{w:.1f}" height="{h:.1f}" fill="#ffffff"/>',
        f'<g id="legend"><rect width="{w:.1f}" height="{top:.1f}" fill="{STYLE["panel"]}"/>'
        + "".join(legend)
        + "</g>",
        f'<rect y="{top:.1f}" width="{w:.1f}" height="{SVG_TICKS}" fill="#ffffff"/>',
    ]
    for c in view["columns"]:
        out.append(
            f'<text x="{c["x"] + ox:.1f}" y="{top + 15:.1f}" font-size="11" fill="{STYLE["muted"]}" text-anchor="middle">'
            f"{escape(c['name'])}</text>"
        )
    edges = sorted((e for e in view["edges"] if not e["hidden"]), key=lambda e: EDGE_ORDER.index(e["kind"]))
    out += [_svg_edge(e, pos, node_of) for e in edges]
    out += [_svg_node(n, pos[n["id"]], info.get(n["id"], {})) for n in view["nodes"]]
    fetched = f" · data fetched {view['fetched']}" if view.get("fetched") else ""
    out.append(
        f'<text x="{SVG_PAD}" y="{h - 5:.1f}" font-size="10" fill="{STYLE["muted"]}">{escape(view.get("title") or "")}'
        f"{escape(fetched)} · time runs left to right · click a paper for its page · made with graphkit</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _svg_edge(e: dict, pos: dict, node_of: dict) -> str:
    """One drawn citation, ending at the edge of the paper it points to (box or shape), like the page."""
    (x1, y1), (x2, y2) = pos[e["from"]], pos[e["to"]]
    t = node_of[e["to"]]
    dx, dy = x2 - x1, y2 - y1
    dist = math.hypot(dx, dy) or 1.0
    size = (t.get("font") or {}).get("size", FONT)
    if t["shape"] != "box":
        r = t.get("size", 7) + 3.0
    else:
        r = min(
            abs(t.get("w", 30) / 2 / (dx / dist)) if dx else 1e9,
            abs((size / 2 + BOX_VPAD + 1) / (dy / dist)) if dy else 1e9,
        )
    r = min(r, dist / 2)
    x2, y2 = x2 - dx / dist * r, y2 - dy / dist * r
    dash = ' stroke-dasharray="6 4"' if e.get("dashes") else ""
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{e["color"]}" '
        f'stroke-width="{e["width"]}"{dash} marker-end="url(#a-{e["kind"]})"/>'
    )


def _svg_node(n: dict, at: tuple[float, float], i: dict) -> str:
    """One paper: its box (or shape) and name, its title and year as a ``<title>``, a link to its page."""
    x, y = at
    label = escape(n["label"])
    col = n.get("color") or {}
    about = " ".join(
        str(v)
        for v in (i.get("title") or i.get("label") or n["label"], f"({i['year']})" if i.get("year") else "")
        if v
    )
    shape = [f"<title>{escape(about)}</title>"]
    size = (n.get("font") or {}).get("size", FONT)
    if n["shape"] == "box":
        bw, bh = n.get("w", 30), size + 2 * BOX_VPAD + 2
        shape.append(
            f'<rect x="{x - bw / 2:.1f}" y="{y - bh / 2:.1f}" width="{bw:.1f}" height="{bh}" rx="4" '
            f'fill="{col.get("background")}" stroke="{col.get("border")}" stroke-width="1.5"/>'
            f'<text x="{x:.1f}" y="{y + size * 0.36:.1f}" font-size="{size}" fill="{STYLE["fg"]}" '
            f'text-anchor="middle">{label}</text>'
        )
    else:
        r = n.get("size", 7)
        style = (
            f'fill="{col.get("background", "#fff")}" stroke="{col.get("border", STYLE["shape"])}" '
            f'stroke-width="{n.get("borderWidth", 2)}"'
        )
        shape.append(_svg_shape(n["shape"], x, y, r, style))
        if label:
            shape.append(
                f'<text x="{x:.1f}" y="{y + r + LABEL_GAP + size * 0.85:.1f}" font-size="{size}" '
                f'fill="{STYLE["shape_text"]}" text-anchor="middle">{label}</text>'
            )
    body = "".join(shape)
    url = _paper_url(i or {"id": n["id"]})
    if url:
        return f'<a href={quoteattr(url)} xlink:href={quoteattr(url)} target="_blank">{body}</a>'
    return f"<g>{body}</g>"


EDGE_ORDER = ["other", "backbone", "main", "lineage-indirect", "lineage"]  # drawn first to last (last on top)


def write_svg(view: dict, path: str | Path) -> int:
    """Write :func:`svg_document` of ``view``; returns its size in bytes."""
    from .files import atomic_write

    doc = svg_document(view)
    with atomic_write(path) as f:
        f.write(doc)
    return len(doc.encode("utf-8"))
