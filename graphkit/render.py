"""The interactive lineage map: graph -> one self-contained HTML file (pyvis + graphkit's own template).

:func:`map_view` decides, in pure code, what is drawn and how (which nodes, where on the time axis, colour, size,
shape, highlighted edges, tooltip text). :func:`write_html` builds the pyvis network from that view, and pours
pyvis's node/edge/option data into ``templates/map.html`` with vis-network's JS and CSS inlined from the copy pyvis
ships: no CDN, no Bootstrap, no external fonts or images, 0 network requests. All text from S2 or the post travels
as JSON inside ``<script type="application/json">`` (with ``<``, ``>``, ``&`` escaped) and reaches the page only
through ``textContent``; vis-network's HTML ``title`` is never used.
"""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path

import networkx as nx

from .errors import OutputError
from .graph import node_label

PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#17becf", "#8c564b", "#bcbd22"]
MISSING_STYLE = {
    "foundation": {"shape": "diamond", "name": "missing foundation (many seeds cite it)", "css": "hollow"},
    "followup": {"shape": "triangle", "name": "missing follow-up (cites many seeds)", "css": "tri"},
}
PLAIN_EDGE = "#c3cad5"
LINEAGE_COLOR = "#d9480f"
MAIN_COLOR = "#1c64f2"
MAP_MISSING = 12  # the map draws the top 12 missing papers of each kind
X_PER_YEAR = 190  # px between two consecutive years' columns


def _year(d: dict) -> int | None:
    y = d.get("year")
    if isinstance(y, int):
        return y
    pd = d.get("publicationDate") or ""
    return int(pd[:4]) if pd[:4].isdigit() else None


def map_view(G: nx.DiGraph, *, missing=(), declared=(), main_path=None, max_nodes: int = 500, title: str = "") -> dict:
    """What the map draws. Pure.

    Nodes: every seed, then the missing papers in their rank order, then intermediate papers of declared
    indirect paths, up to ``max_nodes``. Edges: the citations among the drawn nodes, drawn from the cited paper
    to the citing one (knowledge flows left to right, like time). Declared lineage links and the main path are
    highlighted.

    >>> G = nx.DiGraph()
    >>> G.add_node("a" * 40, seed=True, title="A", year=2014, sections=["1 X"], label="A", citationCount=9)
    >>> G.add_node("b" * 40, seed=True, title="B", year=2016, sections=["2 Y"], label="B", citationCount=99)
    >>> G.add_node("c" * 40, seed=False, title="C", year=2010)
    >>> G.add_edge("b" * 40, "a" * 40); G.add_edge("b" * 40, "c" * 40)
    >>> v = map_view(G, max_nodes=2)
    >>> [n["label"] for n in v["nodes"]], [(e["from"][0], e["to"][0]) for e in v["edges"]]
    (['A', 'B'], [('a', 'b')])
    """
    seeds = sorted((n for n, d in G.nodes(data=True) if d.get("seed")),
                   key=lambda n: (G.nodes[n].get("line") or 0, n))
    kind_of: dict[str, str] = {}
    reason_of: dict[str, str] = {}
    chosen: list[str] = []
    seen: set[str] = set()

    def take(n):
        if n in G and n not in seen and len(chosen) < max_nodes:
            seen.add(n)
            chosen.append(n)

    for n in seeds:
        take(n)
    per_kind: dict[str, int] = {}
    for m in missing or ():
        per_kind[m["kind"]] = per_kind.get(m["kind"], 0) + 1
        if per_kind[m["kind"]] > MAP_MISSING:
            continue
        if m["paperId"] in G and m["paperId"] not in seen:
            kind_of[m["paperId"]] = m["kind"]
            reason_of[m["paperId"]] = m["reason"]
            take(m["paperId"])
    for d in declared or ():
        for n in d.get("path") or []:
            take(n)

    # highlighted flow edges (cited -> citing)
    lineage_edges: dict[tuple[str, str], bool] = {}  # -> dashed (part of an indirect path)
    for d in declared or ():
        path = d.get("path") or []
        for citing, cited in zip(path, path[1:], strict=False):
            lineage_edges[(cited, citing)] = d.get("status") == "indirect"
    main_edges = set()
    for path in (main_path or {}).get("paths", []):
        main_edges.update(zip(path, path[1:], strict=False))

    # sections: colour by top-level section, in the post's order
    sections: list[str] = []
    for n in seeds:
        top = (G.nodes[n].get("sections") or ["(no section)"])[0]
        if top not in sections:
            sections.append(top)
    colour = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(sections)}

    years = [y for y in (_year(G.nodes[n]) for n in chosen) if y]
    y0, y1 = (min(years), max(years)) if years else (0, 0)
    # time reads left to right: one column per distinct year, in order (a lone 1995 paper does not squash the rest)
    column = {y: i for i, y in enumerate(sorted(set(years)))}
    lanes = {s: i for i, s in enumerate(sections)}
    nodes, info = [], []
    for k, n in enumerate(chosen):
        d = G.nodes[n]
        y = _year(d)
        cc = d.get("citationCount") or 0
        size = round(8 + 5 * math.log10(1 + cc), 1)
        x = (column[y] if y else len(column)) * X_PER_YEAR
        kind = "seed" if d.get("seed") else kind_of.get(n, "path")
        if kind == "seed":
            top = (d.get("sections") or ["(no section)"])[0]
            fill = colour[top]
            lane = lanes[top]
            node = {"shape": "dot", "color": {"background": fill, "border": fill,
                                             "highlight": {"background": fill, "border": "#1d2430"}}}
        else:
            lane = len(sections) + (0 if kind == "foundation" else 1)
            node = {"shape": MISSING_STYLE.get(kind, {"shape": "dot"})["shape"],
                    "color": {"background": "#ffffff", "border": "#6b7280",
                              "highlight": {"background": "#f3f4f6", "border": "#1d2430"}},
                    "borderWidth": 2}
        node.update(id=n, label=node_label(G, n), x=x, y=lane * 70 + (k % 7) * 10, size=size,
                    fixed={"x": True, "y": False}, font={"color": "#1d2430", "size": 16})
        nodes.append(node)
        ext = d.get("externalIds") or {}
        info.append({
            "id": n, "label": node_label(G, n), "title": d.get("title") or "", "year": y, "venue": d.get("venue") or "",
            "authors": ", ".join((d.get("authors") or [])[:6]) + (" et al." if len(d.get("authors") or []) > 6 else ""),
            "citations": d.get("citationCount"), "sections": " / ".join(d.get("sections") or []),
            "reason": reason_of.get(n, ""), "kind": kind, "arxiv": str(ext.get("ArXiv") or ""),
        })
    edges = []
    for citing, cited in G.subgraph(chosen).edges:
        flow = (cited, citing)
        e = {"id": f"{cited}>{citing}", "from": cited, "to": citing, "width": 1, "color": PLAIN_EDGE,
             "dashes": False, "hl": False}
        if flow in main_edges:
            e.update(width=5, color=MAIN_COLOR, hl=True)
        if flow in lineage_edges:
            e.update(width=5, color=LINEAGE_COLOR, dashes=lineage_edges[flow], hl=True)
        edges.append(e)
    edges.sort(key=lambda e: e["id"])
    legend = {
        "sections": [{"name": s, "color": colour[s]} for s in sections],
        "kinds": [{"name": MISSING_STYLE[k]["name"], "css": MISSING_STYLE[k]["css"]} for k in MISSING_STYLE
                  if k in kind_of.values()],
        "links": [{"name": "declared lineage", "color": LINEAGE_COLOR, "dashed": False},
                  {"name": "declared, through other papers", "color": LINEAGE_COLOR, "dashed": True},
                  {"name": "main path (search path count)", "color": MAIN_COLOR, "dashed": False},
                  {"name": "citation (older → newer)", "color": PLAIN_EDGE, "dashed": False}],
    }
    return {"title": title, "nodes": nodes, "edges": edges, "info": info, "legend": legend,
            "years": [y0, y1] if years else [], "plainEdge": PLAIN_EDGE}


OPTIONS = {
    "autoResize": True,
    "layout": {"improvedLayout": False},
    "nodes": {"borderWidth": 1, "font": {"face": "system-ui, sans-serif"}},
    "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "smooth": False,
              "selectionWidth": 2, "hoverWidth": 0},
    "interaction": {"hover": True, "tooltipDelay": 80, "navigationButtons": False, "keyboard": False,
                    "multiselect": False},
    "physics": {"enabled": True, "solver": "repulsion",
                "repulsion": {"nodeDistance": 95, "centralGravity": 0.02, "springLength": 150,
                              "springConstant": 0.004, "damping": 0.45},
                "stabilization": {"enabled": True, "iterations": 250, "updateInterval": 50, "fit": True}},
}


def _vis_assets() -> tuple[str, str]:
    import pyvis

    lib = Path(pyvis.__file__).parent / "lib"
    for name in sorted((p.name for p in lib.glob("vis-*")), reverse=True):
        js, css = lib / name / "vis-network.min.js", lib / name / "vis-network.css"
        if js.is_file() and css.is_file():
            return js.read_text(encoding="utf-8"), css.read_text(encoding="utf-8")
    raise OutputError(f"pyvis's copy of vis-network was not found under {lib}; reinstall pyvis")


def json_for_script(obj) -> str:
    """JSON that is safe inside ``<script type="application/json">``: no ``<``, ``>``, ``&``, U+2028/9.

    >>> json_for_script({"t": "</script><img src=x onerror=alert(1)>"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    text = json.dumps(obj, ensure_ascii=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def write_html(G: nx.DiGraph, path: str | Path, *, title: str, missing=(), declared=(), main_path=None,
               max_nodes: int = 500) -> dict:
    """Write the map; returns ``{"nodes", "edges", "bytes"}``."""
    from pyvis.network import Network

    view = map_view(G, missing=missing, declared=declared, main_path=main_path, max_nodes=max_nodes, title=title)
    net = Network(height="100%", width="100%", directed=True)
    for n in view["nodes"]:
        attrs = {k: v for k, v in n.items() if k not in ("id", "label")}
        net.add_node(n["id"], label=n["label"], **attrs)
    for e in view["edges"]:
        net.add_edge(e["from"], e["to"], **{k: v for k, v in e.items() if k not in ("from", "to")})
    net.set_options(json.dumps(OPTIONS))
    nodes, edges, _heading, _h, _w, options = net.get_network_data()
    data = dict(view, nodes=nodes, edges=edges, options=json.loads(options) if isinstance(options, str) else options)
    js, css = _vis_assets()
    template = (Path(__file__).parent / "templates" / "map.html").read_text(encoding="utf-8")
    values = {"TITLE": html.escape(title or "graphkit map"), "VIS_CSS": css, "VIS_JS": js, "DATA": json_for_script(data)}
    page = re.sub(r"\{\{(TITLE|VIS_CSS|VIS_JS|DATA)\}\}", lambda m: values[m.group(1)], template)
    from .files import atomic_write

    with atomic_write(path) as f:  # old-and-complete or new-and-complete, whatever kills the build
        f.write(page)
    return {"nodes": len(nodes), "edges": len(edges), "bytes": len(page.encode("utf-8"))}


def embed_snippet(outdir: str | Path, *, title: str = "Citation map", height: int = 640,
                  asset_path: str = "/assets/graphkit/index.html") -> str:
    """What to paste into a Jekyll post to embed the map, and where to copy the page.

    >>> print(embed_snippet("site", title='My "map"').splitlines()[0])
    Copy site/index.html to assets/graphkit/index.html in your blog, then paste into the post:
    """
    src = html.escape(asset_path, quote=True)
    dest = asset_path.lstrip("/")
    return (
        f"Copy {Path(outdir) / 'index.html'} to {dest} in your blog, then paste into the post:\n\n"
        f'<iframe src="{{{{ \'{src}\' | relative_url }}}}" title="{html.escape(title, quote=True)}" loading="lazy"\n'
        f'        style="width: 100%; height: {int(height)}px; border: 1px solid #d8dde5; border-radius: 6px;"></iframe>\n'
    )
