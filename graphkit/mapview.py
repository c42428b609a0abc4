"""What the map draws, and where — pure, in four passes over the graph and the analyses:

1. **choose** (:func:`choose_nodes`): every seed, the papers on declared paths, the top missing papers;
2. **classify** (:func:`classify`): each paper's kind, section, name, influence (size) and whether it is named;
   each citation's kind (declared lineage, main path, backbone, other) and the declared links' stories;
3. **lay out** (:func:`lay_out`): the sizes the names and shapes take, then :func:`graphkit.layout.compute_layout`;
4. **style** (:func:`style`): the drawn nodes and edges, the card's text, the legend — from one table of colours
   and shapes (:data:`STYLE`, :data:`MISSING_STYLE`, :data:`EDGE_STYLE`) that the HTML and the SVG writers both
   read.

:func:`map_view` runs the four; :mod:`graphkit.render` (HTML, via pyvis) and :mod:`graphkit.svgmap` draw its result.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import networkx as nx

from .graph import S2_PAPER, fetched_dates, paper_year, seed_nodes, unique_labels
from .layout import BOX_PAD, BOX_VPAD, FONT, box_extent, compute_layout, shape_extent

# the page's and the picture's colours (the template's CSS variables come from here too)
STYLE = {
    "fg": "#1d2430",
    "muted": "#5c6675",
    "line": "#d8dde5",
    "panel": "#f6f8fb",
    "accent": "#d9480f",
    "main": "#1c64f2",
    "up": "#0f766e",  # what a paper builds on, when it is hovered
    "down": "#7e22ce",  # what builds on it
    "shape": "#6b7280",  # a missing paper's outline
    "shape_text": "#3d4654",
    "path": "#8e99a8",  # a paper on a declared path, not in the list
    "path_border": "#5c6675",
}

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
    "lineage": {
        "color": STYLE["accent"],
        "width": 3.5,
        "name": "lineage",
        "long": "a lineage the post declares",
    },
    "lineage-indirect": {
        "color": STYLE["accent"],
        "width": 2.5,
        "name": "lineage, via others",
        "dashes": True,
        "long": "a declared lineage that runs through other papers",
    },
    "main": {
        "color": STYLE["main"],
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


@dataclass
class Classes:
    """What :func:`classify` found: per paper its kind, name, section, influence, size and whether it is named;
    per citation (a flow cited -> citing) its kind; the sections in the post's order and their colours."""

    chosen: list[str]
    labels: dict[str, str]
    kind: dict[str, str]
    reason: dict[str, str]
    sections: list[str]
    colour: dict[str, str]
    section: dict[str, int]
    per_year: dict[str, float]
    font: dict[str, float]
    radius: dict[str, float]
    named: dict[str, bool]
    flows: list[tuple[str, str]]
    flow_kind: dict[tuple[str, str], str]
    links: list[dict]


def classify(
    G: nx.DiGraph, chosen: list[str], *, missing=(), declared=(), main_path=None, backbone=None
) -> Classes:
    """Pass 2: kinds, names, sections, influence and sizes of the chosen papers; kinds of the citations among them."""
    from .lineage import backbone as seed_backbone

    shown = set(chosen)
    labels = unique_labels(G, chosen)
    kind_of: dict[str, str] = {}
    reason: dict[str, str] = {}
    rank_in_kind: dict[str, int] = {}
    for m in missing or ():
        pid = m["paperId"]
        if pid in shown and pid not in kind_of and not G.nodes[pid].get("seed"):
            kind_of[pid] = m["kind"]
            reason[pid] = m.get("reason") or ""
            rank_in_kind[pid] = sum(1 for k in kind_of.values() if k == m["kind"])
    kind = {n: "seed" if G.nodes[n].get("seed") else kind_of.get(n, "path") for n in chosen}
    sections: list[str] = []
    for n in chosen:
        if kind[n] == "seed":
            top = (G.nodes[n].get("sections") or ["(no section)"])[0]
            if top not in sections:
                sections.append(top)
    section = {
        n: sections.index((G.nodes[n].get("sections") or ["(no section)"])[0])
        for n in chosen
        if kind[n] == "seed"
    }
    # influence (citations a year) sizes papers: a seed's name grows, a missing paper's shape grows; the top
    # missing papers of each kind (as the missing list ranks them) carry their names
    now = max((paper_year(G.nodes[n]) or 0 for n in chosen), default=0) or 2025
    per_year = {n: influence(G.nodes[n], now) for n in chosen}
    seed_rank = _ranks({n: per_year[n] for n in chosen if kind[n] == "seed"})
    shape_rank: dict[str, float] = {}
    named_missing: set[str] = set()
    for k in MISSING_STYLE:
        of_kind = [n for n in chosen if kind[n] == k]
        shape_rank.update(_ranks({n: per_year[n] for n in of_kind}))
        named_missing.update(sorted(of_kind, key=lambda n: rank_in_kind.get(n, 99))[:MAP_LABELLED])
    low, high = RADIUS_RANGE
    flows, flow_kind = _flow_kinds(
        G, chosen, declared, main_path, backbone if backbone is not None else seed_backbone(G)
    )
    return Classes(
        chosen=chosen,
        labels=labels,
        kind=kind,
        reason=reason,
        sections=sections,
        colour={s: PALETTE[i % len(PALETTE)] for i, s in enumerate(sections)},
        section=section,
        per_year=per_year,
        font={n: FONT + round(2 * FONT_GROWTH * seed_rank.get(n, 0) ** 3) / 2 for n in chosen},
        radius={n: (low + (high - low) * shape_rank.get(n, 0)) if kind[n] != "path" else 5.0 for n in chosen},
        named={n: kind[n] in ("seed", "path") or n in named_missing for n in chosen},
        flows=flows,
        flow_kind=flow_kind,
        links=_declared_links(declared, shown, labels),
    )


def _flow_kinds(G, chosen, declared, main_path, backbone) -> tuple[list, dict]:
    """Every citation among ``chosen`` as a flow (cited, citing), and its kind: ``lineage`` (``-indirect`` when
    the declared link runs through other papers), ``main``, ``backbone`` or ``other``."""
    lineage: dict[tuple[str, str], bool] = {}  # -> part of an indirect path
    for d in declared or ():
        path = d.get("path") or []
        for citing, cited in zip(path, path[1:], strict=False):
            lineage[(cited, citing)] = d.get("status") == "indirect"
    main: set[tuple[str, str]] = set()
    for path in (main_path or {}).get("paths", []):
        main.update(zip(path, path[1:], strict=False))
    bb = set(backbone)
    flows = sorted((cited, citing) for citing, cited in G.subgraph(chosen).edges)
    kinds = {}
    for f in flows:
        if f in lineage:
            kinds[f] = "lineage-indirect" if lineage[f] else "lineage"
        else:
            kinds[f] = "main" if f in main else "backbone" if f in bb else "other"
    return flows, kinds


GROUP_ORDER = ("path", "foundation", "survey", "followup")  # after the sections, in the columns' order


def lay_out(G: nx.DiGraph, c: Classes) -> dict:
    """Pass 3: each paper's drawing (a box around its name, or a shape with its name under it) and the layout."""
    extent, group = {}, {}
    for n in c.chosen:
        if c.kind[n] == "seed":
            extent[n] = box_extent(c.labels[n], c.font[n])
            group[n] = c.section[n]
        else:
            extent[n] = shape_extent(c.radius[n], c.labels[n] if c.named[n] else "")
            kind = c.kind[n]
            group[n] = len(c.sections) + (
                GROUP_ORDER.index(kind) if kind in GROUP_ORDER else len(GROUP_ORDER)
            )
    by_kind = {
        k: [f for f in c.flows if c.flow_kind[f].startswith(k)] for k in ("lineage", "main", "backbone")
    }
    lay = compute_layout(
        c.chosen,
        {n: paper_year(G.nodes[n]) for n in c.chosen},
        extent,
        list(c.flows),
        lineage=by_kind["lineage"],
        main=by_kind["main"],
        backbone=by_kind["backbone"],
        group=group,
    )
    lay["extent"] = extent
    return lay


def _node(n: str, c: Classes, lay: dict) -> dict:
    """One drawn paper, styled by its kind."""
    x, y = lay["pos"][n]
    k = c.kind[n]
    node = {
        "id": n,
        "x": x,
        "y": y,
        "label": c.labels[n] if c.named[n] else "",
        "kind": k,
        "w": lay["extent"][n][0],
    }
    if k == "seed":
        colour = c.colour[c.sections[c.section[n]]]
        lit = {"background": _tint(colour, 0.55), "border": STYLE["fg"]}
        node.update(
            shape="box",
            margin={"top": BOX_VPAD, "bottom": BOX_VPAD, "left": BOX_PAD, "right": BOX_PAD},
            borderWidth=1.5,
            section=c.section[n],
            shapeProperties={"borderRadius": 4},
            color={"background": _tint(colour), "border": colour, "highlight": lit, "hover": lit},
            font={"size": c.font[n], "color": STYLE["fg"]},
        )
    elif k == "path":
        node.update(
            shape="dot",
            size=5,
            borderWidth=1,
            color={"background": STYLE["path"], "border": STYLE["path_border"]},
            font={"size": FONT, "color": STYLE["shape_text"]},
        )
    else:
        lit = {"background": "#f3f4f6", "border": STYLE["fg"]}
        node.update(
            shape=MISSING_STYLE.get(k, {"shape": "dot"})["shape"],
            size=round(c.radius[n], 1),
            borderWidth=2,
            color={"background": "#ffffff", "border": STYLE["shape"], "highlight": lit, "hover": lit},
            font={"size": FONT, "color": STYLE["shape_text"]},
        )
    return node


def _card(G: nx.DiGraph, n: str, c: Classes) -> dict:
    """What the card (and the SVG's tooltip and link) says of a paper: text only."""
    d = G.nodes[n]
    ext = d.get("externalIds") or {}
    authors = [str(a) for a in d.get("authors") or []]
    return {
        "id": n,
        "label": c.labels[n],
        "title": d.get("title") or "",
        "year": paper_year(d),
        "venue": d.get("venue") or "",
        "authors": ", ".join(authors[:6]) + (" et al." if len(authors) > 6 else ""),
        "citations": d.get("citationCount"),
        "perYear": round(c.per_year[n]),
        "sections": " / ".join(d.get("sections") or []),
        "reason": c.reason.get(n, ""),
        "kind": c.kind[n],
        "arxiv": str(ext.get("ArXiv") or ""),
        "doi": str(ext.get("DOI") or ""),
    }


def _edges(c: Classes) -> list[dict]:
    link_of = {}  # a flow of a declared link's path -> the link (the first that runs along it)
    for k, link in enumerate(c.links):
        for citing, cited in zip(link["path"], link["path"][1:], strict=False):
            link_of.setdefault((cited, citing), k)
    edges = []
    for f in c.flows:
        kind = c.flow_kind[f]
        st = EDGE_STYLE[kind]
        edge = {
            "id": f"{f[0]}>{f[1]}",
            "from": f[0],
            "to": f[1],
            "kind": kind,
            "width": st["width"],
            "color": st["color"],
            "dashes": bool(st.get("dashes")),
            "hidden": kind == "other",
        }
        if f in link_of:
            edge["link"] = link_of[f]
        edges.append(edge)
    return edges


def _legend(c: Classes, edges: list[dict]) -> dict:
    kinds = set(c.kind.values())
    return {
        "sections": [{"name": s, "color": c.colour[s]} for s in c.sections],
        "kinds": [
            {"kind": k, "name": v["name"], "css": v["css"], "long": v["long"]}
            for k, v in MISSING_STYLE.items()
            if k in kinds
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


def style(G: nx.DiGraph, c: Classes, lay: dict, *, title: str = "") -> dict:
    """Pass 4: the view the writers draw — nodes, edges, cards, legend, year columns, declared links."""
    edges = _edges(c)
    years = [y for y in (paper_year(G.nodes[n]) for n in c.chosen) if y]
    return {
        "title": title,
        "fetched": fetched_dates(G),
        "nodes": [_node(n, c, lay) for n in c.chosen],
        "edges": edges,
        "info": [_card(G, n, c) for n in c.chosen],
        "legend": _legend(c, edges),
        "columns": lay["columns"],
        "extent": {"width": lay["width"], "height": lay["height"]},
        "edgeStyle": EDGE_STYLE,
        "style": STYLE,
        "s2Paper": S2_PAPER,
        "links": c.links,
        "years": [min(years), max(years)] if years else [],
        "layout": {"crossings": lay["crossings"], "default_edges": sum(1 for e in edges if not e["hidden"])},
    }


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
    """What the map draws, and where: the four passes (choose, classify, lay out, style). Pure.

    Seeds are boxes holding their name, coloured by the post's top-level section; missing papers hollow shapes
    (diamond: foundation, triangle: follow-up, square: survey), the top ``MAP_LABELLED`` of each kind named;
    papers on declared paths small grey dots. Edges flow from the cited paper to the citing one; drawn by default:
    the declared lineage, the main path and the seeds' backbone; the rest (``kind: "other"``) on hover.

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
    t0 = time.perf_counter()
    chosen = choose_nodes(G, missing=missing, declared=declared, max_nodes=max_nodes)
    classes = classify(G, chosen, missing=missing, declared=declared, main_path=main_path, backbone=backbone)
    lay = lay_out(G, classes)
    view = style(G, classes, lay, title=title)
    view["layout"]["seconds"] = round(time.perf_counter() - t0, 4)
    return view
