"""The map in a real headless Chromium (Debian's package, driven by Playwright): drawn, silent, offline, inert."""

from __future__ import annotations

import pytest

from graphkit.mapview import map_view
from graphkit.render import write_html
from tests.browsing import ARTIFACTS, SECOND_POST, open_map, post_map, second_corpus
from tests.mapdata import HOSTILE_TITLE, demo_analyses, demo_graph
from tests.mapmeasure import embed_page, measure


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    G = demo_graph()
    a = demo_analyses(G)
    d = tmp_path_factory.mktemp("map")
    info = write_html(
        G,
        d / "index.html",
        title="FIXTURE map",
        missing=a["missing"],
        declared=a["declared"],
        main_path=a["main_path"],
    )
    view = map_view(G, missing=a["missing"], declared=a["declared"], main_path=a["main_path"])
    (d / "embed.html").write_text(
        '<!doctype html><meta charset="utf-8"><body style="margin:0">'
        '<iframe id="f" src="index.html" title="map" style="width:700px;height:640px;border:0">'
        "</iframe>",
        encoding="utf-8",
    )
    return {"dir": d, "view": view, "info": info, "G": G}


def test_drawn_offline_silent_and_settled(site, browser):
    page, seen = open_map(browser, (site["dir"] / "index.html").as_uri())
    page.wait_for_function("() => window.graphkit && window.graphkit.stabilized", timeout=20_000)
    assert page.evaluate("graphkit.nodes.length") == len(site["view"]["nodes"]) == site["info"]["nodes"]
    assert page.evaluate("graphkit.edges.length") == len(site["view"]["edges"]) == site["info"]["edges"]
    assert page.evaluate("graphkit.network.physics.physicsEnabled") is False  # physics off once settled
    assert page.evaluate("document.querySelectorAll('#gk-legend .gk-sec').length") == 4
    assert "「测试」" not in page.title() and page.title() == "FIXTURE map"
    assert page.text_content("#gk-legend").count("基本网络") == 1
    # the page draws the positions it was given: nothing moves
    pos = page.evaluate("graphkit.network.getPositions()")
    assert all(
        abs(pos[n["id"]]["x"] - n["x"]) < 1 and abs(pos[n["id"]]["y"] - n["y"]) < 1
        for n in site["view"]["nodes"]
    )  # (getPositions rounds)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map.png"))
    assert seen["errors"] == []
    assert all(u.startswith(("file:", "data:")) for u in seen["requests"]), seen["requests"]


def test_hostile_title_is_text_in_tooltip_and_search(site, browser):
    page, seen = open_map(browser, (site["dir"] / "index.html").as_uri())
    page.wait_for_function("() => window.graphkit && window.graphkit.stabilized", timeout=20_000)
    hostile = next(n for n in site["G"] if site["G"].nodes[n]["title"] == HOSTILE_TITLE)
    page.evaluate(f"graphkit.network.focus('{hostile}', {{scale: 1.5}})")
    page.wait_for_timeout(200)
    box = page.locator("#gk-network").bounding_box()
    pos = page.evaluate(
        f"(() => {{ const p = graphkit.network.getPosition('{hostile}'); return graphkit.network.canvasToDOM(p); }})()"
    )
    page.mouse.move(box["x"] + pos["x"] - 30, box["y"] + pos["y"] - 30)
    page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"], steps=5)
    page.wait_for_selector("#gk-tip", state="visible", timeout=5000)
    tip = page.text_content("#gk-tip")
    assert HOSTILE_TITLE in tip and "<script>window.__pwned=1</script>" in tip  # shown as text
    assert page.evaluate("document.querySelectorAll('#gk-tip img, #gk-tip script').length") == 0
    page.fill("#gk-q", "hostile")
    assert HOSTILE_TITLE in page.text_content("#gk-results")
    assert page.evaluate("document.querySelectorAll('#gk-results img').length") == 0
    assert page.evaluate("window.__pwned") is None and seen["dialogs"] == []
    assert seen["errors"] == []


def test_search_focuses_and_click_highlights(site, browser):
    page, seen = open_map(browser, (site["dir"] / "index.html").as_uri())
    page.wait_for_function("() => window.graphkit && window.graphkit.stabilized", timeout=20_000)
    page.fill("#gk-q", "Net17")
    page.press("#gk-q", "Enter")
    target = next(n for n in site["G"] if site["G"].nodes[n].get("label") == "Net17")
    assert page.evaluate("graphkit.network.getSelectedNodes()") == [target]
    info = page.text_content("#gk-info")
    assert "FIXTURE seed paper 17" in info
    links = page.eval_on_selector_all("#gk-info a", "as => as.map(a => [a.href, a.target, a.rel])")
    assert [h for h, *_ in links] == [
        f"https://www.semanticscholar.org/paper/{target}",
        "https://arxiv.org/abs/1917.00007",
    ]
    assert all(t == "_blank" and "noopener" in r for _, t, r in links)
    page.fill("#gk-q", "follow-up 3")  # cites a few seeds: its ancestors light up, later seeds dim
    page.press("#gk-q", "Enter")
    dimmed = page.evaluate("graphkit.nodes.get().filter(n => n.font && n.font.color === '#c2c8d0').length")
    assert 0 < dimmed < len(site["view"]["nodes"])  # ancestors and descendants lit, the rest dimmed
    assert seen["errors"] == []


def test_works_in_a_700px_iframe(site, browser):
    page, seen = open_map(browser, (site["dir"] / "embed.html").as_uri(), width=760)
    frame = page.frame_locator("#f")
    frame.locator("#gk-network canvas").wait_for(timeout=20_000)
    inner = page.frames[1]
    inner.wait_for_function("() => window.graphkit && window.graphkit.stabilized", timeout=20_000)
    assert inner.evaluate("graphkit.nodes.length") == len(site["view"]["nodes"])
    width = inner.evaluate("document.querySelector('#gk-network canvas').getBoundingClientRect().width")
    assert 300 < width <= 700
    assert inner.evaluate("document.documentElement.scrollWidth") <= 700  # no horizontal overflow
    page.screenshot(path=str(ARTIFACTS / "map-700px-iframe.png"))
    assert seen["errors"] == []
    assert all(u.startswith(("file:", "data:")) for u in seen["requests"])


def test_example_post_map_acceptance(example_map, browser):
    """The example post's map, built end to end from its FIXTURE corpus (with hostile strings) on loopback."""
    page, seen = open_map(browser, (example_map["dir"] / "index.html").as_uri())
    page.wait_for_function("() => window.graphkit && window.graphkit.stabilized", timeout=20_000)
    drawn = set(page.evaluate("graphkit.nodes.getIds()"))
    G = example_map["G"]
    seeds = {n for n, d in G.nodes(data=True) if d.get("seed")}
    # the planted, clearly-ranked ones
    top = {m["paperId"] for m in example_map["results"]["missing"] if m["score"] >= 10}
    assert seeds <= drawn and top <= drawn and len(drawn) <= 130
    assert example_map["html"]["bytes"] <= 800_000  # one file: vis-network, the data and the page
    assert page.evaluate("graphkit.network.physics.physicsEnabled") is False
    assert page.evaluate("window.__pwned") is None and seen["dialogs"] == []
    assert page.evaluate("document.querySelectorAll('img, script[src], link').length") == 0
    assert page.text_content("#gk-legend").count("5 基本网络") == 1
    assert seen["errors"] == []
    assert all(u.startswith(("file:", "data:")) for u in seen["requests"]), seen["requests"]


# ----------------------------------------------------------------------------------------------------------------
# What a reader sees, measured in the page at the embedded size (760×640 iframe) and at full width (1280×800).
@pytest.fixture(scope="module")
def heavy_map(tmp_path_factory, heavy_lists_build):
    m = post_map(tmp_path_factory, "heavy", built=heavy_lists_build[0])
    assert m["G"].number_of_nodes() > 25_000  # the field as it is: four seeds cited thousands of times
    return m


def _open_embedded(browser, site_dir, width):
    if width == 760:  # a blog page holding the map in a 760×640 iframe
        page, seen = open_map(browser, (site_dir / "embed.html").as_uri(), width=800)
        page.frame_locator("#f").locator("#gk-network canvas").wait_for(timeout=20_000)
        frame = page.frames[1]
    else:
        page, seen = open_map(browser, (site_dir / "index.html").as_uri(), width=1280)
        frame = page
    frame.wait_for_function("() => window.graphkit && window.graphkit.ready", timeout=20_000)
    return page, frame, seen


@pytest.fixture(scope="module")
def second_map(tmp_path_factory):
    """A second post (tests/fixtures/lists/second-post.md, FIXTURE): another field, 82 seeds, its lineages in its
    front matter, planted so that its map holds about 120 papers."""
    from graphkit.pipeline import build
    from tests.s2server import FakeS2

    d = tmp_path_factory.mktemp("second")
    result = None
    with FakeS2(second_corpus()) as srv:
        result = build(str(SECOND_POST), cache_dir=d / "cache", api_url=srv.url, rps=0)
    site = result.write(d / "site")
    (d / "site" / "embed.html").write_text(embed_page(), encoding="utf-8")
    assert 110 <= site["html"]["nodes"] <= 125 and len(result.seeds.papers) == 82
    return {"dir": d / "site", "G": result.graph, "results": result.analyses, "html": site["html"]}


@pytest.mark.parametrize("which", ["example_map", "heavy_map", "second_map"])
@pytest.mark.parametrize("width", [760, 1280])
def test_map_reads_well_at_embedded_and_full_width(request, browser, which, width):
    m = request.getfixturevalue(which)
    page, frame, seen = _open_embedded(browser, m["dir"], width)
    f = measure(frame)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{which}-{width}.png"))
    seeds = m["G"].graph["seeds"]
    assert f["pane"][1] >= 480, f  # the map keeps at least 480 px of height
    assert f["seeds"] == seeds and f["seeds_drawn"] == seeds, f  # every seed has a drawn label
    assert f["overlap_share"] <= 0.02, f
    assert f["smallest_px"] >= 10, f
    assert f["crossings"] <= 2000, f
    assert f["coverage"] >= 0.6, f
    assert seen["errors"] == [] and all(u.startswith(("file:", "data:")) for u in seen["requests"])


def test_lineage_is_the_strongest_mark_and_the_rest_appears_on_hover(browser, example_map):
    page, frame, seen = _open_embedded(browser, example_map["dir"], 760)
    edges = frame.evaluate("graphkit.edges.get()")
    shown = [e for e in edges if not e.get("hidden")]
    lineage = [e for e in shown if e["kind"].startswith("lineage")]
    assert lineage and max(e["width"] for e in shown if not e["kind"].startswith("lineage")) < min(
        e["width"] for e in lineage
    )
    assert {e["kind"] for e in edges if e.get("hidden")} == {"other"}
    # hovering a missing foundation shows its citations (hidden by default) and dims unrelated papers
    G, top = example_map["G"], example_map["results"]["missing"][0]["paperId"]
    box = frame.locator("#gk-network").bounding_box()  # in the page's coordinates
    pos = frame.evaluate(f"graphkit.network.canvasToDOM(graphkit.network.getPosition('{top}'))")
    page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"] - 40)
    page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"], steps=4)
    frame.wait_for_selector("#gk-tip", state="visible", timeout=5000)
    visible = frame.evaluate(
        f"graphkit.edges.get().filter(e => !e.hidden && (e.from === '{top}' || e.to === '{top}')).length"
    )
    cites = sum(1 for u in G.predecessors(top) if u in set(frame.evaluate("graphkit.nodes.getIds()")))
    assert visible == cites > 2
    # click: the detail card, with the paper's title and safe links; Esc resets everything
    page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
    card = frame.text_content("#gk-card")
    assert G.nodes[top]["title"] in card and "Missing foundation" in card
    page.mouse.move(5, 5)
    frame.press("body", "Escape")
    assert frame.evaluate("getComputedStyle(document.getElementById('gk-card')).display") == "none"
    assert frame.evaluate("graphkit.edges.get().filter(e => !e.hidden && e.kind === 'other').length") == 0
    # lineage only: every other paper fades
    frame.click("#gk-lineage")
    faded = frame.evaluate("graphkit.nodes.get().filter(n => n.font.color === '#c2c8d0').length")
    assert 0 < faded < len(edges) and faded > example_map["G"].graph["seeds"] / 2
    frame.click("#gk-lineage")
    # a section chip fades the others; a kind chip hides that kind
    frame.click("#gk-legend .gk-sec >> nth=0")
    assert frame.evaluate("graphkit.nodes.get().filter(n => n.font.color === '#c2c8d0').length") > 50
    frame.click("#gk-legend .gk-sec >> nth=0")
    frame.click("#gk-legend .gk-kind >> nth=0")
    assert frame.evaluate("graphkit.nodes.get().filter(n => n.hidden).length") > 0
    # zoom-to-fit after panning; year ticks stay pinned to the top edge and follow the columns
    y_tick = frame.evaluate("document.querySelector('#gk-years span').getBoundingClientRect().top")
    frame.evaluate("graphkit.network.moveTo({position: {x: 120, y: 200}, scale: 2})")
    frame.wait_for_timeout(100)
    assert frame.evaluate("document.querySelector('#gk-years span').getBoundingClientRect().top") == y_tick
    frame.click("#gk-fit")
    frame.wait_for_timeout(100)
    assert measure(frame)["coverage"] >= 0.6
    assert seen["errors"] == []


def test_svg_renders_like_the_page(browser, example_map):
    svg = example_map["dir"] / "map.svg"
    page, seen = open_map(browser, svg.as_uri(), width=1280)
    page.wait_for_timeout(200)
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    names = set(page.evaluate("Array.from(document.querySelectorAll('text')).map(t => t.textContent)"))
    seeds = {
        example_map["G"].nodes[n].get("label")
        for n in example_map["G"]
        if example_map["G"].nodes[n].get("seed")
    }
    assert {"TSN", "TSM", "C3D", "I3D", "P3D"} <= names
    assert svg.stat().st_size < 400_000 and seen["errors"] == [] and seeds


def test_a_network_from_the_python_face_writes_a_working_page(site, browser, tmp_path):
    """``render.network(view)`` is a pyvis Network; pyvis's own ``write_html`` gives a page that draws every paper
    where the layout put it, offline and silent."""
    from graphkit.render import network

    net = network(site["view"])
    net.write_html(str(tmp_path / "net.html"))
    page, seen = open_map(browser, (tmp_path / "net.html").as_uri())
    page.wait_for_function("() => window.graphkit && window.graphkit.ready", timeout=20_000)
    pos = page.evaluate("graphkit.network.getPositions()")
    assert len(pos) == len(site["view"]["nodes"])
    assert all(
        abs(pos[n["id"]]["x"] - n["x"]) < 1 and abs(pos[n["id"]]["y"] - n["y"]) < 1
        for n in site["view"]["nodes"]
    )
    assert page.evaluate("graphkit.network.physics.physicsEnabled") is False
    assert seen["errors"] == [] and all(u.startswith(("file:", "data:")) for u in seen["requests"])
