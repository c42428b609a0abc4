"""Layer 1: what the map draws, and the page it writes (escaping, self-containment, size)."""

from __future__ import annotations

import json
import re

from graphkit.mapview import map_view
from graphkit.render import OPTIONS, network, write_html
from tests.mapdata import HOSTILE_TITLE, HOSTILE_VENUE, demo_analyses, demo_graph


def test_view_seeds_then_missing_capped():
    G = demo_graph()
    a = demo_analyses(G)
    v = map_view(G, missing=a["missing"], declared=a["declared"], main_path=a["main_path"])
    ids = [n["id"] for n in v["nodes"]]
    assert ids[:60] == a["seeds"]
    assert set(ids[60:]) == {m["paperId"] for m in a["missing"]}
    assert not any(G.nodes[n]["title"].startswith("FIXTURE citer") for n in ids)  # never the heavy citers
    shown = set(ids)
    assert all(e["from"] in shown and e["to"] in shown for e in v["edges"])
    assert len(v["edges"]) == G.subgraph(shown).number_of_edges()
    v = map_view(G, missing=a["missing"], max_nodes=25)
    assert len(v["nodes"]) == 25 and [n["id"] for n in v["nodes"]] == a["seeds"][:25]


def test_time_reads_left_to_right_and_styles():
    G = demo_graph()
    a = demo_analyses(G)
    v = map_view(G, missing=a["missing"], declared=a["declared"], main_path=a["main_path"])
    x_of = {n["id"]: n["x"] for n in v["nodes"]}
    year = {n["id"]: G.nodes[n["id"]]["year"] for n in v["nodes"]}
    pairs = [(x_of[p], year[p]) for p in x_of]
    assert all(x1 <= x2 for x1, y1 in pairs for x2, y2 in pairs if y1 < y2)  # never back in time
    assert len({n["x"] for n in v["nodes"]}) == len(v["columns"]) >= 8  # one column per year (few binned)
    seeds = [n for n in v["nodes"] if G.nodes[n["id"]].get("seed")]
    by_section = {}
    for n in seeds:
        by_section.setdefault(G.nodes[n["id"]]["sections"][0], set()).add(n["color"]["border"])
    assert all(len(c) == 1 for c in by_section.values()) and len({min(c) for c in by_section.values()}) == 4
    assert [s["name"] for s in v["legend"]["sections"]] == [
        "1 综述",
        "5 基本网络",
        "7 改进方向",
        "A <b>bold</b> section",
    ]
    assert {n["shape"] for n in seeds} == {"box"} and all(n["label"] for n in seeds)
    missing = [n for n in v["nodes"] if not G.nodes[n["id"]].get("seed")]
    assert {n["shape"] for n in missing} == {"diamond", "triangle"} and all(
        n["color"]["background"] == "#ffffff" for n in missing
    )
    info = {i["id"]: i for i in v["info"]}
    rank = {m["paperId"]: k for k, m in enumerate(a["missing"])}
    for kind in ("foundation", "followup"):  # the top five of each kind named, the rest on hover
        of_kind = sorted((n for n in missing if n["kind"] == kind), key=lambda n: rank[n["id"]])
        assert (
            len(of_kind) >= 3
            and all(n["label"] for n in of_kind[:5])
            and not any(n["label"] for n in of_kind[5:])
        )
        of_kind.sort(key=lambda n: -info[n["id"]]["perYear"])
        sizes = [n["size"] for n in of_kind]  # shapes grow with influence, within a legible range
        assert sizes == sorted(sizes, reverse=True) and 6 <= min(sizes) <= max(sizes) <= 11
    fonts = sorted((info[n["id"]]["perYear"], n["font"]["size"]) for n in seeds)
    assert [f for _, f in fonts] == sorted(f for _, f in fonts) and 13 <= fonts[0][1] < fonts[-1][1] <= 16
    labels = [i["label"] for i in v["info"]]
    assert len(set(labels)) == len(labels)  # unique on the map
    lineage = [e for e in v["edges"] if e["kind"].startswith("lineage")]
    assert lineage and all(not e["hidden"] and e["width"] > 3 - 1 for e in lineage)
    assert all(e["hidden"] == (e["kind"] == "other") for e in v["edges"])
    assert any(e["kind"] == "other" for e in v["edges"]) and any(e["kind"] == "backbone" for e in v["edges"])


def test_layout_is_fast_and_reads_well_at_the_embedded_size():
    from graphkit.layout import PANE
    from tests.helpers import label_overlaps

    G = demo_graph()
    a = demo_analyses(G)
    v = map_view(G, missing=a["missing"], declared=a["declared"], main_path=a["main_path"])
    boxes = {n["id"]: (n["x"], n["y"], n["w"], 21) for n in v["nodes"] if n["shape"] == "box"}
    assert label_overlaps(boxes) == set()
    scale = min(PANE[0] / v["extent"]["width"], PANE[1] / v["extent"]["height"])
    assert 13 * scale >= 10  # labels of 10 px or more when the map fills the embedded pane
    assert v["layout"]["crossings"] <= 2000


def test_svg_is_the_same_map_static_escaped_and_explains_itself(tmp_path):
    from graphkit.svgmap import write_svg

    G = demo_graph()
    G.graph["fetched"] = {"oldest": "2026-11-30T08:00:00Z", "newest": "2026-12-01T09:00:00Z", "undated": 0}
    a = demo_analyses(G)
    v = map_view(G, missing=a["missing"], declared=a["declared"], main_path=a["main_path"], title="<b>T</b>")
    write_svg(v, tmp_path / "map.svg")
    import xml.etree.ElementTree as ET

    root = ET.parse(tmp_path / "map.svg").getroot()  # well-formed
    ns, xl = "{http://www.w3.org/2000/svg}", "{http://www.w3.org/1999/xlink}"
    texts = [t.text for t in root.iter(ns + "text")]
    assert all(n["label"] in texts for n in v["nodes"] if n["label"])  # every name drawn as text
    assert "Hostile" in texts and HOSTILE_TITLE not in (tmp_path / "map.svg").read_text()
    assert root.find(ns + "title").text == "<b>T</b>"  # escaped in the file, the text itself when parsed
    assert not list(root.iter(ns + "script")) and not list(root.iter(ns + "foreignObject"))
    assert not any(k.startswith("on") for e in root.iter() for k in e.attrib)  # no event handlers either
    # the legend strip: every section, kind of missing paper and kind of link, by name
    legend = next(g for g in root.iter(ns + "g") if g.get("id") == "legend")
    named = {t.text for t in legend.iter(ns + "text")}
    assert {s["name"] for s in v["legend"]["sections"]} <= named and {
        "missing foundation",
        "lineage",
    } <= named
    assert any("data fetched 2026-11-30 – 2026-12-01" in (t or "") for t in texts)  # the data's date
    # each paper a link to its page, with its title (and year) to read on hover
    links = list(root.iter(ns + "a"))
    info = {i["id"]: i for i in v["info"]}
    assert len(links) == len(v["nodes"])
    for link, n in zip(links, v["nodes"], strict=True):
        href = link.get("href")
        assert href == link.get(xl + "href") and href.startswith(
            ("https://www.semanticscholar.org/paper/", "https://arxiv.org/abs/")
        )
        assert link.find(ns + "title").text.startswith(info[n["id"]]["title"] or info[n["id"]]["label"])
    assert any(link.find(ns + "title").text.startswith(HOSTILE_TITLE) for link in links)  # as text, escaped
    drawing = [ln for ln in root.iter(ns + "line") if ln not in set(legend.iter(ns + "line"))]
    assert len(drawing) == sum(1 for e in v["edges"] if not e["hidden"])
    assert {c.get("stroke") for c in drawing} >= {"#d9480f"}  # the lineage, in the page's colour


def test_page_is_self_contained_escaped_and_small(tmp_path):
    G = demo_graph()
    a = demo_analyses(G)
    out = tmp_path / "index.html"
    info = write_html(
        G, out, title="<b>My</b> map", missing=a["missing"], declared=a["declared"], main_path=a["main_path"]
    )
    page = out.read_text(encoding="utf-8")
    assert info["bytes"] == len(page.encode()) <= 2_000_000
    assert "<title>&lt;b&gt;My&lt;/b&gt; map</title>" in page
    assert "<h1" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing loaded from elsewhere
    assert "<link" not in page and "@import" not in page and "bootstrap" not in page.lower()
    assert HOSTILE_TITLE not in page and HOSTILE_VENUE not in page
    blocks = dict(
        re.findall(r'<script type="application/json" id="graphkit-(\w+)">(.*?)</script>', page, re.S)
    )
    assert set(blocks) == {"data", "nodes", "edges", "options"}
    assert not any("<" in b or ">" in b for b in blocks.values())
    doc = json.loads(blocks["data"])
    assert any(i["title"] == HOSTILE_TITLE for i in doc["info"])  # kept as data, shown with textContent
    assert "innerHTML" not in page.rsplit("<script>", 1)[1]  # our own script
    assert (
        len(json.loads(blocks["nodes"])) == info["nodes"]
        and len(json.loads(blocks["edges"])) == info["edges"]
    )
    assert json.loads(blocks["options"]) == OPTIONS  # as written: the font stack keeps its blanks


def test_the_page_is_pyvis_network_rendered_through_graphkits_template(tmp_path):
    from pyvis.network import Network

    G = demo_graph()
    a = demo_analyses(G)
    v = map_view(G, missing=a["missing"], declared=a["declared"], main_path=a["main_path"])
    net = network(v)
    assert isinstance(net, Network) and net.options["physics"]["enabled"] is False
    assert [n["id"] for n in net.nodes] == [n["id"] for n in v["nodes"]]
    placed = {n["id"]: (n["x"], n["y"], n["label"]) for n in v["nodes"]}
    assert all((n["x"], n["y"], n["label"]) == placed[n["id"]] and n["physics"] is False for n in net.nodes)
    assert [(e["from"], e["to"]) for e in net.edges] == [(e["from"], e["to"]) for e in v["edges"]]
    page = net.generate_html()  # pyvis renders graphkit's template
    assert 'id="gk-network"' in page and "vis.Network" in page and "{%" not in page and "{{" not in page
    nodes = json.loads(re.search(r'id="graphkit-nodes">(.*?)</script>', page, re.S).group(1))
    assert nodes == json.loads(json.dumps(net.nodes))
    net.write_html(str(tmp_path / "net.html"))  # pyvis's own writer gives the same page
    assert (tmp_path / "net.html").read_text(encoding="utf-8") == page
