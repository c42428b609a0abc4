"""The interactive lineage map: graph -> one self-contained HTML file (pyvis + graphkit's own template).

:func:`map_view` decides, in pure code, what is drawn and how (which nodes, where on the time axis, colour, size,
shape, highlighted edges, tooltip text). :func:`write_html` turns that view into vis-network data as pyvis's
``Network`` would (:func:`vis_data`), and pours it into ``templates/map.html`` with vis-network's JS and CSS inlined
from the copy pyvis ships: no CDN, no Bootstrap, no external fonts or images, 0 network requests. All text from S2 or the post travels
as JSON inside ``<script type="application/json">`` (with ``<``, ``>``, ``&`` escaped) and reaches the page only
through ``textContent``; vis-network's HTML ``title`` is never used.
"""

from __future__ import annotations

import html
import json
import math
import re
import unicodedata
from pathlib import Path

import networkx as nx

from .errors import OutputError
from .graph import fetched_dates, paper_year, seed_nodes, unique_labels

PALETTE = [
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#17becf",
    "#8c564b",
    "#bcbd22",
]
MISSING_STYLE = {
    "foundation": {
        "shape": "diamond",
        "name": "missing foundation",
        "css": "hollow",
        "long": "a paper many seeds cite, not in the list",
    },
    "followup": {
        "shape": "triangle",
        "name": "missing follow-up",
        "css": "tri",
        "long": "a later paper that cites many seeds, not in the list",
    },
    "survey": {
        "shape": "square",
        "name": "survey",
        "css": "square",
        "long": "a survey or review that covers the list",
    },
}
EDGE_STYLE = {  # drawn cited -> citing (knowledge flows left to right, like time)
    "lineage": {"color": "#d9480f", "width": 3.5, "name": "lineage", "long": "a lineage the post declares"},
    "lineage-indirect": {
        "color": "#d9480f",
        "width": 2.5,
        "name": "lineage, via others",
        "dashes": True,
        "long": "a declared lineage that runs through other papers",
    },
    "main": {
        "color": "#1c64f2",
        "width": 2.0,
        "name": "main path",
        "long": "the main path of the seeds' citations (search path count); click to hide",
    },
    "backbone": {
        "color": "#8e99a8",
        "width": 1.0,
        "name": "cites",
        "long": "a seed citing another, once links implied by longer chains are dropped",
    },
    "other": {"color": "#b9c2ce", "width": 1.0, "name": "more on hover", "long": "every other citation"},
}
MAP_NODES = 120  # the default map: the seeds and the top missing papers that fit
MAP_MAX_SEEDS = 500  # a longer list is drawn up to its first 500 seeds unless --max-nodes says otherwise
MAP_LABELLED = 5  # missing papers named per kind, the best ranked first (the rest are named on hover)
SHAPE_RADIUS = 7
RADIUS_RANGE = (6.0, 11.0)  # a missing paper's shape, from the least to the most influential of its kind
FONT_GROWTH = 2.0  # px a seed's name grows from the least to the most influential seed (legible either way)


def influence(d: dict, now: int) -> float:
    """Citations per year since publication (S2's count; 0 when unknown), the measure the map sizes papers by.

    >>> influence({"citationCount": 3000, "year": 2016}, 2025), influence({"year": 2016}, 2025)
    (300.0, 0.0)
    """
    year = paper_year(d) or now
    return (d.get("citationCount") or 0) / max(1, now - year + 1)


def _ranks(values: dict) -> dict:
    """Each key's rank among ``values`` as a share from 0 (the least) to 1 (the most); ties share a rank.

    >>> _ranks({"a": 5, "b": 1, "c": 5})
    {'a': 1.0, 'b': 0.0, 'c': 1.0}
    """
    order = sorted(set(values.values()))
    top = max(len(order) - 1, 1)
    return {k: order.index(v) / top for k, v in values.items()}


def _tint(hex_colour: str, share: float = 0.78) -> str:
    """``hex_colour`` mixed with white (``share`` of white).

    >>> _tint("#000000", 0.5)
    '#808080'
    """
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * share):02x}" for c in (r, g, b))


def choose_nodes(G: nx.DiGraph, *, missing=(), declared=(), max_nodes: int | None = None) -> list[str]:
    """What the map holds: every seed (in the post's order), the papers on declared paths, then the missing
    papers best first, up to ``max_nodes`` (default: ``MAP_NODES``, or every seed up to ``MAP_MAX_SEEDS`` when the
    list is longer).

    >>> G = nx.DiGraph(); G.add_node("s", seed=True, line=1); G.add_node("m"); G.add_node("n")
    >>> choose_nodes(G, missing=[{"paperId": "m", "kind": "foundation"}, {"paperId": "n", "kind": "followup"}],
    ...              max_nodes=2)
    ['s', 'm']
    """
    seeds = seed_nodes(G)
    cap = max_nodes if max_nodes is not None else max(MAP_NODES, min(len(seeds), MAP_MAX_SEEDS))
    chosen: list[str] = []
    seen: set[str] = set()

    def take(n) -> None:
        if n in G and n not in seen and len(chosen) < cap:
            seen.add(n)
            chosen.append(n)

    for n in seeds:
        take(n)
    for d in declared or ():
        for n in d.get("path") or []:
            take(n)
    for m in missing or ():
        take(m["paperId"])
    return chosen


def _declared_links(declared, shown: set, labels: dict) -> list[dict]:
    """The declared links the map can tell (both papers drawn), in the order declared: each with its names, its
    status, the path it runs along (citing first), S2's influential flag, intents and up to three contexts.

    >>> d = [{"from": "a", "to": "b", "status": "direct", "path": ["b", "a"], "influential": True,
    ...       "intents": ["methodology"], "contexts": ["we build on A", "as A", "A's", "more"]}]
    >>> _declared_links(d, {"a", "b"}, {"a": "A", "b": "B"})[0]["contexts"]
    ['we build on A', 'as A', "A's"]
    """
    out = []
    for d in declared or ():
        if d.get("from") not in shown or d.get("to") not in shown:
            continue
        path = [n for n in d.get("path") or [] if n in shown]
        out.append(
            {
                "from": d["from"],
                "to": d["to"],
                "fromLabel": labels.get(d["from"], ""),
                "toLabel": labels.get(d["to"], ""),
                "status": d.get("status") or "missing",
                "path": path if len(path) == len(d.get("path") or []) else [],
                "via": [labels.get(n, "") for n in path[1:-1]],
                "influential": d.get("influential"),
                "intents": [str(x) for x in d.get("intents") or []],
                "contexts": [str(x) for x in (d.get("contexts") or [])[:3]],
            }
        )
    return out


def map_view(
    G: nx.DiGraph,
    *,
    missing=(),
    declared=(),
    main_path=None,
    backbone=None,
    max_nodes: int | None = None,
    title: str = "",
) -> dict:
    """What the map draws, and where. Pure.

    Nodes (:func:`choose_nodes`): seeds as boxes holding their name, coloured by the post's top-level section;
    missing papers as hollow shapes (diamond: foundation, triangle: follow-up, square: survey), the top
    ``MAP_LABELLED`` of each kind named; papers on declared paths as small grey dots. Positions come from
    :func:`graphkit.layout.compute_layout`; nothing moves in the page.

    Edges: every citation among the drawn papers, from the cited paper to the citing one. Drawn by default:
    the declared lineage (strongest), the main path and the seeds' backbone (``backbone``: pairs
    ``(earlier, later)``; computed when not given); the rest (``kind: "other"``) appear on hover.

    >>> G = nx.DiGraph()
    >>> G.add_node("a" * 40, seed=True, title="A", year=2014, sections=["1 X"], label="TSN", line=1)
    >>> G.add_node("b" * 40, seed=True, title="B", year=2016, sections=["2 Y"], label="I3D", line=2)
    >>> G.add_node("c" * 40, seed=False, title="C", year=2010)
    >>> G.add_edge("b" * 40, "a" * 40); G.add_edge("b" * 40, "c" * 40)
    >>> v = map_view(G, max_nodes=2)
    >>> [n["label"] for n in v["nodes"]], [(e["from"][0], e["to"][0], e["kind"]) for e in v["edges"]]
    (['TSN', 'I3D'], [('a', 'b', 'backbone')])
    >>> v["nodes"][0]["x"] < v["nodes"][1]["x"]
    True
    """
    import time

    from .layout import BOX_PAD, BOX_VPAD, FONT, box_extent, compute_layout, shape_extent
    from .lineage import backbone as seed_backbone

    t0 = time.perf_counter()
    chosen = choose_nodes(G, missing=missing, declared=declared, max_nodes=max_nodes)
    shown = set(chosen)
    labels = unique_labels(G, chosen)
    kind_of: dict[str, str] = {}
    reason_of: dict[str, str] = {}
    rank_in_kind: dict[str, int] = {}
    per_kind: dict[str, int] = {}
    for m in missing or ():
        if m["paperId"] in shown and m["paperId"] not in kind_of and not G.nodes[m["paperId"]].get("seed"):
            kind_of[m["paperId"]] = m["kind"]
            reason_of[m["paperId"]] = m.get("reason") or ""
            per_kind[m["kind"]] = per_kind.get(m["kind"], 0) + 1
            rank_in_kind[m["paperId"]] = per_kind[m["kind"]]

    # the edges, as flows cited -> citing
    lineage: dict[tuple[str, str], bool] = {}  # -> part of an indirect path
    for d in declared or ():
        path = d.get("path") or []
        for citing, cited in zip(path, path[1:], strict=False):
            lineage[(cited, citing)] = d.get("status") == "indirect"
    main: set[tuple[str, str]] = set()
    for path in (main_path or {}).get("paths", []):
        main.update(zip(path, path[1:], strict=False))
    bb = set(backbone if backbone is not None else seed_backbone(G))
    sub = G.subgraph(chosen)
    flows = sorted((cited, citing) for citing, cited in sub.edges)

    def edge_kind(f):
        if f in lineage:
            return "lineage-indirect" if lineage[f] else "lineage"
        return "main" if f in main else "backbone" if f in bb else "other"

    # sections: colour by top-level section, in the post's order
    seeds = [n for n in chosen if G.nodes[n].get("seed")]
    sections: list[str] = []
    for n in seeds:
        top = (G.nodes[n].get("sections") or ["(no section)"])[0]
        if top not in sections:
            sections.append(top)
    colour = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(sections)}

    kind = {n: "seed" if G.nodes[n].get("seed") else kind_of.get(n, "path") for n in chosen}
    # influence (citations a year) sizes papers: a seed's name grows, a missing paper's shape grows; the top
    # missing papers of each kind (as the missing list ranks them) carry their names
    now = max((paper_year(G.nodes[n]) or 0 for n in chosen), default=0) or 2025
    cpy = {n: influence(G.nodes[n], now) for n in chosen}
    seed_rank = _ranks({n: cpy[n] for n in chosen if kind[n] == "seed"})
    shape_rank: dict[str, float] = {}
    named: set[str] = set()
    for k in MISSING_STYLE:
        of_kind = [n for n in chosen if kind[n] == k]
        shape_rank.update(_ranks({n: cpy[n] for n in of_kind}))
        named.update(sorted(of_kind, key=lambda n: rank_in_kind.get(n, 99))[:MAP_LABELLED])
    font = {n: FONT + round(2 * FONT_GROWTH * seed_rank.get(n, 0) ** 3) / 2 for n in chosen}
    radius = {n: RADIUS_RANGE[0] + (RADIUS_RANGE[1] - RADIUS_RANGE[0]) * shape_rank.get(n, 0) for n in chosen}
    labelled = {n: kind[n] in ("seed", "path") or n in named for n in chosen}
    extent = {}
    for n in chosen:
        if kind[n] == "seed":
            extent[n] = box_extent(labels[n], font[n])
        else:
            extent[n] = shape_extent(radius[n] if kind[n] != "path" else 5, labels[n] if labelled[n] else "")
    group = {}
    for n in chosen:
        if kind[n] == "seed":
            group[n] = sections.index((G.nodes[n].get("sections") or ["(no section)"])[0])
        else:
            group[n] = (
                len(sections) + ("path", "foundation", "survey", "followup").index(kind[n])
                if kind[n] in ("path", "foundation", "survey", "followup")
                else len(sections) + 4
            )
    lay = compute_layout(
        chosen,
        {n: paper_year(G.nodes[n]) for n in chosen},
        extent,
        [(u, v) for u, v in flows],
        lineage=[f for f in flows if f in lineage],
        main=[f for f in flows if f in main],
        backbone=[f for f in flows if f in bb],
        group=group,
    )
    seconds = time.perf_counter() - t0

    nodes, info = [], []
    for n in chosen:
        d = G.nodes[n]
        x, y = lay["pos"][n]
        k = kind[n]
        node = {
            "id": n,
            "x": x,
            "y": y,
            "label": labels[n] if labelled[n] else "",
            "kind": k,
            "w": extent[n][0],
        }
        if k == "seed":
            top = (d.get("sections") or ["(no section)"])[0]
            c = colour[top]
            node.update(
                shape="box",
                margin={"top": BOX_VPAD, "bottom": BOX_VPAD, "left": BOX_PAD, "right": BOX_PAD},
                borderWidth=1.5,
                section=sections.index(top),
                shapeProperties={"borderRadius": 4},
                color={
                    "background": _tint(c),
                    "border": c,
                    "highlight": {"background": _tint(c, 0.55), "border": "#1d2430"},
                    "hover": {"background": _tint(c, 0.55), "border": "#1d2430"},
                },
                font={"size": font[n], "color": "#1d2430"},
            )
        elif k == "path":
            node.update(
                shape="dot",
                size=5,
                borderWidth=1,
                color={"background": "#8e99a8", "border": "#5c6675"},
                font={"size": FONT, "color": "#3d4654"},
            )
        else:
            node.update(
                shape=MISSING_STYLE.get(k, {"shape": "dot"})["shape"],
                size=round(radius[n], 1),
                borderWidth=2,
                color={
                    "background": "#ffffff",
                    "border": "#6b7280",
                    "highlight": {"background": "#f3f4f6", "border": "#1d2430"},
                    "hover": {"background": "#f3f4f6", "border": "#1d2430"},
                },
                font={"size": FONT, "color": "#3d4654"},
            )
        nodes.append(node)
        ext = d.get("externalIds") or {}
        authors = [str(a) for a in d.get("authors") or []]
        info.append(
            {
                "id": n,
                "label": labels[n],
                "title": d.get("title") or "",
                "year": paper_year(d),
                "venue": d.get("venue") or "",
                "authors": ", ".join(authors[:6]) + (" et al." if len(authors) > 6 else ""),
                "citations": d.get("citationCount"),
                "perYear": round(cpy[n]),
                "sections": " / ".join(d.get("sections") or []),
                "reason": reason_of.get(n, ""),
                "kind": k,
                "arxiv": str(ext.get("ArXiv") or ""),
                "doi": str(ext.get("DOI") or ""),
            }
        )
    links = _declared_links(declared, shown, labels)
    link_of = {}  # a flow of a declared link's path -> the link (the first that runs along it)
    for k, link in enumerate(links):
        for citing, cited in zip(link["path"], link["path"][1:], strict=False):
            link_of.setdefault((cited, citing), k)
    edges = []
    for cited, citing in flows:
        ek = edge_kind((cited, citing))
        st = EDGE_STYLE[ek]
        edges.append(
            {
                "id": f"{cited}>{citing}",
                "from": cited,
                "to": citing,
                "kind": ek,
                "width": st["width"],
                "color": st["color"],
                "dashes": bool(st.get("dashes")),
                "hidden": ek == "other",
                **({"link": link_of[(cited, citing)]} if (cited, citing) in link_of else {}),
            }
        )
    legend = {
        "sections": [{"name": s, "color": colour[s]} for s in sections],
        "kinds": [
            {
                "kind": k,
                "name": MISSING_STYLE[k]["name"],
                "css": MISSING_STYLE[k]["css"],
                "long": MISSING_STYLE[k]["long"],
            }
            for k in MISSING_STYLE
            if k in kind_of.values()
        ],
        "links": [
            {
                "kind": k,
                "name": v["name"],
                "color": v["color"],
                "dashed": bool(v.get("dashes")),
                "long": v["long"],
            }
            for k, v in EDGE_STYLE.items()
            if any(e["kind"] == k for e in edges) or k == "backbone"
        ],
    }
    years = [y for y in (paper_year(G.nodes[n]) for n in chosen) if y]
    return {
        "title": title,
        "fetched": fetched_dates(G),
        "nodes": nodes,
        "edges": edges,
        "info": info,
        "legend": legend,
        "columns": lay["columns"],
        "extent": {"width": lay["width"], "height": lay["height"]},
        "edgeStyle": EDGE_STYLE,
        "links": links,
        "years": [min(years), max(years)] if years else [],
        "layout": {
            "crossings": lay["crossings"],
            "seconds": round(seconds, 4),
            "default_edges": sum(1 for e in edges if not e["hidden"]),
        },
    }


OPTIONS = {
    "autoResize": True,
    "layout": {"improvedLayout": False, "randomSeed": 1},
    "physics": {"enabled": False, "stabilization": {"enabled": False, "fit": False}},
    "nodes": {"font": {"face": "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif"}},
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
        "smooth": False,
        "selectionWidth": 1,
        "hoverWidth": 0,
    },
    "interaction": {
        "hover": True,
        "tooltipDelay": 80,
        "navigationButtons": False,
        "keyboard": False,
        "multiselect": False,
        "dragNodes": False,
        "hideEdgesOnDrag": False,
        "zoomView": False,  # the wheel scrolls the post; Ctrl/⌘ + wheel, pinch and the + / − buttons zoom
        "zoomSpeed": 0.6,
    },
}


def _vis_in_line(env) -> str:
    """vis-network's JS as pyvis's own ``template.html`` includes it in line, found among the files that template
    references and read through the template loader (as text: 470 KB of minified JS is not lexed as a
    template). Read once per process. (vis-network's CSS, 220 KB of which are images of controls the map does not
    show, is left out: the map styles what it shows.)"""
    key = tuple(getattr(env.loader, "searchpath", ()))
    if key not in _VIS_TEXT:
        from jinja2 import meta

        source = env.loader.get_source(env, "template.html")[0]
        names = [t for t in meta.find_referenced_templates(env.parse(source)) if t]
        js = [t for t in names if Path(t).name == "vis-network.min.js"]
        if not js:
            raise OutputError(
                "pyvis's template no longer includes vis-network in line; "
                "reinstall graphkit's pyvis (pip install 'pyvis>=0.3.2,<0.4')"
            )
        _VIS_TEXT[key] = env.loader.get_source(env, js[0])[0]
    return _VIS_TEXT[key]


_VIS_TEXT: dict[tuple, str] = {}


def network(view: dict, *, height: str = "640px"):
    """The map as a ``pyvis.network.Network``: every drawn paper at its computed position with the view's styling
    (physics off), the edges, :data:`OPTIONS`, and graphkit's template (``templates/map.html``: its frame, legend,
    card and search) set through pyvis's template mechanism. ``net.generate_html()`` gives the page graphkit writes;
    ``net.show("map.html", notebook=True)`` shows it in Jupyter. The rest of the view (legend, columns, card text)
    travels as the template's ``graphkit`` global; vis-network comes in line from the copy pyvis's own template
    includes (``cdn_resources="in_line"``).

    >>> G = nx.DiGraph(); G.add_node("a", title="A", year=2015, seed=True, label="A")
    >>> net = network(map_view(G, title="t"))
    >>> (net.nodes[0]["id"], net.nodes[0]["physics"], net.options["physics"]["enabled"])
    ('a', False, False)
    """
    try:
        from jinja2 import FileSystemLoader
        from pyvis.network import Network
    except ImportError as e:
        raise OutputError(f"pyvis cannot be imported ({e}); reinstall graphkit (pip install -e .)") from None

    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line")
    pyvis_templates = (
        net.template_dir
    )  # pyvis's own templates, for the vis-network files its template includes
    seen = set()
    for n in view["nodes"]:
        if n["id"] in seen:
            continue
        seen.add(n["id"])
        style = {k: v for k, v in n.items() if k not in ("id", "label", "shape", "color")}
        net.add_node(
            n["id"],
            label=n["label"] or n["id"],
            shape=n.get("shape", "dot"),
            color=n.get("color"),
            physics=False,
            **style,
        )
        net.get_node(n["id"])["label"] = n[
            "label"
        ]  # pyvis names an unlabelled node by its id; the map does not
    for e in view["edges"]:
        if e["from"] not in seen or e["to"] not in seen:
            raise OutputError(f"the map has an edge {e['from']} -> {e['to']} to a paper it does not draw")
        if (
            e["kind"] == "other"
        ):  # hidden until hovered: the page styles it from its kind (a third of the bytes)
            net.add_edge(e["from"], e["to"], kind="other", **({"link": e["link"]} if "link" in e else {}))
        else:
            net.add_edge(e["from"], e["to"], **{k: v for k, v in e.items() if k not in ("from", "to")})
    net.options = json.loads(
        json.dumps(OPTIONS)
    )  # a dict, as written: set_options would strip the font stack's blanks
    net.set_template_dir(str(Path(__file__).parent / "templates"), "map.html")
    net.templateEnv.loader = FileSystemLoader([net.template_dir, pyvis_templates])
    js = _vis_in_line(net.templateEnv)
    extra = {k: v for k, v in view.items() if k not in ("nodes", "edges")}
    extra["layout"] = {k: v for k, v in view["layout"].items() if k != "seconds"}
    net.templateEnv.globals.update(graphkit=extra, vis_js=js)
    # |tojson escapes < > & ' for the page's <script type="application/json">; names stay UTF-8, in the given order
    net.templateEnv.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
    net.prep_notebook()  # the same template for net.show(..., notebook=True)
    return net


def write_html(
    G: nx.DiGraph,
    path: str | Path,
    *,
    title: str,
    missing=(),
    declared=(),
    main_path=None,
    backbone=None,
    max_nodes: int | None = None,
    view: dict | None = None,
    slug: str = "map",
) -> dict:
    """Write the map (from ``view``, else from :func:`map_view` of the rest), rendered by pyvis from
    :func:`network`; returns ``{"nodes", "edges", "bytes", "layout"}``."""
    if view is None:
        view = map_view(
            G,
            missing=missing,
            declared=declared,
            main_path=main_path,
            backbone=backbone,
            max_nodes=max_nodes,
            title=title,
        )
    net = network(view)
    net.templateEnv.globals.update(page_title=title or "graphkit map", slug=slug)
    page = net.generate_html()
    from .files import atomic_write

    with atomic_write(path) as f:  # old-and-complete or new-and-complete, whatever kills the build
        f.write(page)
    return {
        "nodes": len(net.nodes),
        "edges": len(net.edges),
        "bytes": len(page.encode("utf-8")),
        "layout": view["layout"],
    }


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


S2_PAPER = "https://www.semanticscholar.org/paper/"
SVG_LEGEND_ROW = 18


def _svg_legend(view: dict, width: float) -> tuple[list[str], float]:
    """The legend strip as SVG (sections, the kinds of missing papers, the kinds of links), wrapped to ``width``;
    returns the elements and the strip's height."""
    from xml.sax.saxutils import escape

    from .layout import text_width

    items = [("section", s["color"], s["name"]) for s in view["legend"]["sections"]]
    items += [(k["kind"], "#6b7280", k["name"]) for k in view["legend"]["kinds"]]
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
            mark + f'<text x="{x + 16:.1f}" y="{y:.1f}" font-size="11" fill="#1d2430">{escape(name)}</text>'
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

    >>> G = nx.DiGraph()
    >>> G.add_node("a" * 40, seed=True, title="<A>", year=2014, sections=["1 X"], label="A&B", line=1)
    >>> svg = svg_document(map_view(G, title="T <1>"))
    >>> "A&amp;B" in svg and "<title>T &lt;1&gt;</title>" in svg and "<script" not in svg
    True
    >>> "<title>&lt;A&gt; (2014)</title>" in svg and 'href="https://www.semanticscholar.org/paper/' in svg
    True
    """
    from xml.sax.saxutils import escape, quoteattr

    from .layout import BOX_VPAD, FONT, LABEL_GAP

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
        f'<g id="legend"><rect width="{w:.1f}" height="{top:.1f}" fill="#f6f8fb"/>'
        + "".join(legend)
        + "</g>",
        f'<rect y="{top:.1f}" width="{w:.1f}" height="{SVG_TICKS}" fill="#ffffff"/>',
    ]
    for c in view["columns"]:
        out.append(
            f'<text x="{c["x"] + ox:.1f}" y="{top + 15:.1f}" font-size="11" fill="#5c6675" text-anchor="middle">'
            f"{escape(c['name'])}</text>"
        )
    for e in sorted((e for e in view["edges"] if not e["hidden"]), key=lambda e: EDGE_ORDER.index(e["kind"])):
        (x1, y1), (x2, y2) = pos[e["from"]], pos[e["to"]]
        # end the line at the target's edge (box half-width or shape radius), like the page
        t = node_of[e["to"]]
        dx, dy = x2 - x1, y2 - y1
        dist = math.hypot(dx, dy) or 1.0
        size = (t.get("font") or {}).get("size", FONT)
        r = (
            t.get("size", 7) + 3.0
            if t["shape"] != "box"
            else min(
                abs(t.get("w", 30) / 2 / (dx / dist)) if dx else 1e9,
                abs((size / 2 + BOX_VPAD + 1) / (dy / dist)) if dy else 1e9,
            )
        )
        r = min(r, dist / 2)
        x2, y2 = x2 - dx / dist * r, y2 - dy / dist * r
        dash = ' stroke-dasharray="6 4"' if e.get("dashes") else ""
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{e["color"]}" '
            f'stroke-width="{e["width"]}"{dash} marker-end="url(#a-{e["kind"]})"/>'
        )
    for n in view["nodes"]:
        x, y = pos[n["id"]]
        label = escape(n["label"])
        col = n.get("color") or {}
        i = info.get(n["id"], {})
        about = " ".join(
            str(v)
            for v in (
                i.get("title") or i.get("label") or n["label"],
                f"({i['year']})" if i.get("year") else "",
            )
            if v
        )
        url = _paper_url(i or {"id": n["id"]})
        shape = [f"<title>{escape(about)}</title>"]
        size = (n.get("font") or {}).get("size", FONT)
        if n["shape"] == "box":
            bw = n.get("w", 30)
            bh = size + 2 * BOX_VPAD + 2
            shape.append(
                f'<rect x="{x - bw / 2:.1f}" y="{y - bh / 2:.1f}" width="{bw:.1f}" height="{bh}" rx="4" '
                f'fill="{col.get("background")}" stroke="{col.get("border")}" stroke-width="1.5"/>'
            )
            shape.append(
                f'<text x="{x:.1f}" y="{y + size * 0.36:.1f}" font-size="{size}" fill="#1d2430" '
                f'text-anchor="middle">{label}</text>'
            )
        else:
            r = n.get("size", 7)
            style = (
                f'fill="{col.get("background", "#fff")}" stroke="{col.get("border", "#6b7280")}" '
                f'stroke-width="{n.get("borderWidth", 2)}"'
            )
            shape.append(_svg_shape(n["shape"], x, y, r, style))
            if label:
                shape.append(
                    f'<text x="{x:.1f}" y="{y + r + LABEL_GAP + size * 0.85:.1f}" font-size="{size}" '
                    f'fill="#3d4654" text-anchor="middle">{label}</text>'
                )
        body = "".join(shape)
        if url:
            out.append(f'<a href={quoteattr(url)} xlink:href={quoteattr(url)} target="_blank">{body}</a>')
        else:
            out.append(f"<g>{body}</g>")
    fetched = f" · data fetched {view['fetched']}" if view.get("fetched") else ""
    out.append(
        f'<text x="{SVG_PAD}" y="{h - 5:.1f}" font-size="10" fill="#5c6675">{escape(view.get("title") or "")}'
        f"{escape(fetched)} · time runs left to right · click a paper for its page · made with graphkit</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


EDGE_ORDER = ["other", "backbone", "main", "lineage-indirect", "lineage"]  # drawn first to last (last on top)


def write_svg(view: dict, path: str | Path) -> int:
    """Write :func:`svg_document` of ``view``; returns its size in bytes."""
    from .files import atomic_write

    doc = svg_document(view)
    with atomic_write(path) as f:
        f.write(doc)
    return len(doc.encode("utf-8"))


def post_slug(source: str, front_matter: dict | None = None) -> str:
    """The name a post's map assets live under: its front-matter ``slug``, else its file name without a Jekyll
    date prefix or extension; ``map`` for stdin.

    >>> post_slug("_posts/2019-05-14-video-classification.md"), post_slug("x.md", {"slug": "My Post!"})
    ('video-classification', 'my-post')
    >>> post_slug("-")
    'map'
    """
    raw = str((front_matter or {}).get("slug") or "")
    if not raw and source != "-":
        raw = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", Path(source).stem)
    slug = re.sub(
        r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode().lower()
    )
    return slug.strip("-") or "map"


# The few lines the embed snippet puts in the post: the map and its post talk through postMessage, each checking
# who is speaking (the frame's window and origin). A paper clicked on the map scrolls the post to its entry (found by
# a link to its arXiv / DOI / S2 page, else by its title in the text); a link to #map:NAME focuses that paper.
POST_SCRIPT = """<script>
(function () {
  var f = document.getElementById("FRAME_ID"); if (!f) return;
  var origin = new URL(f.getAttribute("src"), location.href).origin;
  function entry(p) {
    var keys = [p.arxiv, p.doi, p.id].filter(Boolean).map(function (k) { return String(k).toLowerCase(); });
    var links = document.querySelectorAll("a[href]"), i, k;
    for (i = 0; i < links.length; i++) for (k = 0; k < keys.length; k++)
      if (links[i].href.toLowerCase().indexOf(keys[k]) >= 0) return links[i].closest("li, p, tr, h2, h3, h4, blockquote") || links[i];
    var t = String(p.title || "").toLowerCase().replace(/\\s+/g, " ").trim(), els = document.querySelectorAll("li, p, td, h2, h3, h4, blockquote");
    if (t.length < 12) return null;
    for (i = 0; i < els.length; i++) if (els[i].textContent.toLowerCase().replace(/\\s+/g, " ").indexOf(t) >= 0) return els[i];
    return null;
  }
  window.addEventListener("message", function (e) {
    var p = e.data, el;
    if (e.source !== f.contentWindow || e.origin !== origin || !p || p.type !== "graphkit:paper" || !(el = entry(p))) return;
    el.scrollIntoView({ behavior: "smooth", block: "center" });
    el.style.outline = "3px solid #d9480f"; el.setAttribute("data-graphkit-shown", "");
    setTimeout(function () { el.style.outline = ""; el.removeAttribute("data-graphkit-shown"); }, 2500);
  });
  function show(name) {
    f.contentWindow.postMessage({ type: "graphkit:focus", name: name }, origin);
    f.scrollIntoView({ behavior: "smooth", block: "nearest" });
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest('a[href^="#map:"]') : null; if (!a) return;
    e.preventDefault(); show(decodeURIComponent(a.getAttribute("href").slice(5)));
  });
  if (location.hash.indexOf("#map:") === 0) f.addEventListener("load", function () { show(decodeURIComponent(location.hash.slice(5))); });
})();
</script>
"""


def embed_snippet(
    outdir: str | Path,
    *,
    title: str = "Citation map",
    height: int = 640,
    slug: str = "map",
    asset_dir: str | None = None,
    copied_to: str | None = None,
) -> str:
    """What to paste into a Jekyll post to embed the map (an iframe, and a static picture for feeds and e-mail),
    and where the two files go.

    >>> print(embed_snippet("site", title='My "map"', slug="video").splitlines()[0])
    Copy site/index.html and site/map.svg to assets/graphkit/video/ in your blog, then paste into the post:
    """
    base = (asset_dir or f"/assets/graphkit/{slug}").rstrip("/")
    page, svg = html.escape(base + "/index.html", quote=True), html.escape(base + "/map.svg", quote=True)
    alt = liquid_safe(title)
    where = (
        f"Copied index.html and map.svg to {copied_to}; paste into the post:"
        if copied_to
        else f"Copy {Path(outdir) / 'index.html'} and {Path(outdir) / 'map.svg'} to {base.lstrip('/')}/ in your "
        "blog, then paste into the post:"
    )
    frame = f"graphkit-map-{re.sub(r'[^a-z0-9-]', '-', slug.lower())}"
    return (
        f"{where}\n\n"
        f'<iframe id="{frame}" src="{{{{ \'{page}\' | relative_url }}}}" title="{alt}" loading="lazy"\n'
        f'        style="width: 100%; height: {int(height)}px; border: 1px solid #d8dde5; border-radius: 6px;"></iframe>\n'
        f"<noscript><a href=\"{{{{ '{page}' | relative_url }}}}\"><img src=\"{{{{ '{svg}' | relative_url }}}}\" "
        f'alt="{alt}" style="max-width: 100%;"></a></noscript>\n'
        + POST_SCRIPT.replace("FRAME_ID", frame)
        + "\nA link in the post to #map:NAME (a name on the map, an arXiv id or a DOI) shows that paper on the map;"
        " a paper clicked on the map scrolls the post to where it lists it.\n\n"
        "Where iframes are stripped (feeds, e-mail, a README), the static map:\n\n"
        f"![{liquid_safe(title).replace('[', chr(92) + '[').replace(']', chr(92) + ']')}]"
        f"({{{{ '{base}/map.svg' | relative_url }}}})\n"
    )


def liquid_safe(text: str) -> str:
    """Text for a Jekyll post: HTML-escaped, and with Liquid's ``{{ }}`` and ``{% %}`` made inert (as entities).

    >>> liquid_safe('{{ site.secret }} {% include x %} "q"')
    '&#123;&#123; site.secret &#125;&#125; &#123;&#37; include x &#37;&#125; &quot;q&quot;'
    """
    return html.escape(text, quote=True).replace("{", "&#123;").replace("}", "&#125;").replace("%", "&#37;")
