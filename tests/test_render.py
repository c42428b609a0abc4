"""Layer 1: what the map draws, and the page it writes (escaping, self-containment, size)."""

from __future__ import annotations

import json
import re

from graphkit.render import map_view, write_html
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
    assert all((x1 < x2) == (y1 < y2) for x1, y1 in pairs for x2, y2 in pairs if y1 != y2)
    seeds = [n for n in v["nodes"] if G.nodes[n["id"]].get("seed")]
    by_section = {}
    for n in seeds:
        by_section.setdefault(G.nodes[n["id"]]["sections"][0], set()).add(n["color"]["background"])
    assert all(len(c) == 1 for c in by_section.values()) and len({min(c) for c in by_section.values()}) == 4
    assert [s["name"] for s in v["legend"]["sections"]] == ["1 综述", "5 基本网络", "7 改进方向", "A <b>bold</b> section"]
    missing = [n for n in v["nodes"] if not G.nodes[n["id"]].get("seed")]
    assert {n["shape"] for n in missing} == {"diamond", "triangle"} and all(n["color"]["background"] == "#ffffff" for n in missing)
    hl = [e for e in v["edges"] if e["hl"]]
    assert hl and all(e["width"] == 5 for e in hl)
    sizes = {n["id"]: n["size"] for n in seeds}
    assert sizes[a["seeds"][59]] > sizes[a["seeds"][1]]  # more citations, bigger (log scale)


def test_page_is_self_contained_escaped_and_small(tmp_path):
    G = demo_graph()
    a = demo_analyses(G)
    out = tmp_path / "index.html"
    info = write_html(G, out, title="<b>My</b> map", missing=a["missing"], declared=a["declared"], main_path=a["main_path"])
    page = out.read_text(encoding="utf-8")
    assert info["bytes"] == len(page.encode()) <= 2_000_000
    assert "<title>&lt;b&gt;My&lt;/b&gt; map</title>" in page
    assert "<h1" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing loaded from elsewhere
    assert "<link" not in page and "@import" not in page and "bootstrap" not in page.lower()
    assert HOSTILE_TITLE not in page and HOSTILE_VENUE not in page
    data = re.search(r'<script type="application/json" id="graphkit-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in data and ">" not in data
    doc = json.loads(data)
    assert any(i["title"] == HOSTILE_TITLE for i in doc["info"])  # kept as data, shown with textContent
    assert "innerHTML" not in page.split('id="graphkit-data"')[1].split("</script>", 2)[2]  # our own script
    assert len(doc["nodes"]) == info["nodes"] and len(doc["edges"]) == info["edges"]
