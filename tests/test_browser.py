"""The map in a real headless Chromium (Debian's package, driven by Playwright): drawn, silent, offline, inert."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from graphkit.render import map_view, write_html
from tests.mapdata import HOSTILE_TITLE, demo_analyses, demo_graph

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the browser tests: install Debian's chromium (.ci/run does)")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    G = demo_graph()
    a = demo_analyses(G)
    d = tmp_path_factory.mktemp("map")
    info = write_html(G, d / "index.html", title="FIXTURE map", missing=a["missing"], declared=a["declared"],
                      main_path=a["main_path"])
    view = map_view(G, missing=a["missing"], declared=a["declared"], main_path=a["main_path"])
    (d / "embed.html").write_text('<!doctype html><meta charset="utf-8"><body style="margin:0">'
                                  '<iframe id="f" src="index.html" title="map" style="width:700px;height:640px;border:0">'
                                  "</iframe>", encoding="utf-8")
    return {"dir": d, "view": view, "info": info, "G": G}


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def open_map(browser, url, width=1280):
    page = browser.new_page(viewport={"width": width, "height": 800})
    seen = {"errors": [], "requests": [], "dialogs": []}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("dialog", lambda dlg: (seen["dialogs"].append(dlg.message), dlg.dismiss()))
    page.goto(url)
    return page, seen


def test_drawn_offline_silent_and_settled(site, browser):
    page, seen = open_map(browser, (site["dir"] / "index.html").as_uri())
    page.wait_for_function("window.graphkit && window.graphkit.stabilized", timeout=20_000)
    assert page.evaluate("graphkit.nodes.length") == len(site["view"]["nodes"]) == site["info"]["nodes"]
    assert page.evaluate("graphkit.edges.length") == len(site["view"]["edges"]) == site["info"]["edges"]
    assert page.evaluate("graphkit.network.physics.physicsEnabled") is False  # physics off once settled
    assert page.evaluate("document.querySelectorAll('#gk-sections li').length") == 4
    assert "「测试」" not in page.title() and page.title() == "FIXTURE map"
    assert page.text_content("#gk-sections") .count("基本网络") == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map.png"))
    assert seen["errors"] == []
    assert all(u.startswith(("file:", "data:")) for u in seen["requests"]), seen["requests"]
    page.close()


def test_hostile_title_is_text_in_tooltip_and_search(site, browser):
    page, seen = open_map(browser, (site["dir"] / "index.html").as_uri())
    page.wait_for_function("window.graphkit && window.graphkit.stabilized", timeout=20_000)
    hostile = next(n for n in site["G"] if site["G"].nodes[n]["title"] == HOSTILE_TITLE)
    page.evaluate(f"graphkit.network.focus('{hostile}', {{scale: 1.5}})")
    page.wait_for_timeout(200)
    box = page.locator("#gk-network").bounding_box()
    pos = page.evaluate(f"(() => {{ const p = graphkit.network.getPosition('{hostile}'); return graphkit.network.canvasToDOM(p); }})()")
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
    page.close()


def test_search_focuses_and_click_highlights(site, browser):
    page, seen = open_map(browser, (site["dir"] / "index.html").as_uri())
    page.wait_for_function("window.graphkit && window.graphkit.stabilized", timeout=20_000)
    page.fill("#gk-q", "Net17")
    page.press("#gk-q", "Enter")
    target = next(n for n in site["G"] if site["G"].nodes[n].get("label") == "Net17")
    assert page.evaluate("graphkit.network.getSelectedNodes()") == [target]
    info = page.text_content("#gk-info")
    assert "FIXTURE seed paper 17" in info
    links = page.eval_on_selector_all("#gk-info a", "as => as.map(a => [a.href, a.target, a.rel])")
    assert [h for h, *_ in links] == [f"https://www.semanticscholar.org/paper/{target}", "https://arxiv.org/abs/1917.00007"]
    assert all(t == "_blank" and "noopener" in r for _, t, r in links)
    page.fill("#gk-q", "follow-up 3")  # cites a few seeds: its ancestors light up, later seeds dim
    page.press("#gk-q", "Enter")
    dimmed = page.evaluate("graphkit.nodes.get().filter(n => n.font && n.font.color === '#b7bec9').length")
    assert 0 < dimmed < len(site["view"]["nodes"])  # ancestors and descendants lit, the rest dimmed
    assert seen["errors"] == []
    page.close()


def test_works_in_a_700px_iframe(site, browser):
    page, seen = open_map(browser, (site["dir"] / "embed.html").as_uri(), width=760)
    frame = page.frame_locator("#f")
    frame.locator("#gk-network canvas").wait_for(timeout=20_000)
    inner = page.frames[1]
    inner.wait_for_function("window.graphkit && window.graphkit.stabilized", timeout=20_000)
    assert inner.evaluate("graphkit.nodes.length") == len(site["view"]["nodes"])
    width = inner.evaluate("document.querySelector('#gk-network canvas').getBoundingClientRect().width")
    assert 300 < width <= 700
    assert inner.evaluate("document.documentElement.scrollWidth") <= 700  # no horizontal overflow
    page.screenshot(path=str(ARTIFACTS / "map-700px-iframe.png"))
    assert seen["errors"] == []
    assert all(u.startswith(("file:", "data:")) for u in seen["requests"])
    page.close()


@pytest.fixture(scope="module")
def post_site(tmp_path_factory, post_seeds, post_corpus):
    """The example post's map, built end to end from its FIXTURE corpus (with hostile strings) on loopback."""
    from graphkit.pipeline import analyse, collect, write_site
    from graphkit.s2 import S2Client
    from tests.s2server import FakeS2

    d = tmp_path_factory.mktemp("post")
    with FakeS2(post_corpus) as srv:
        got = collect(str(Path(__file__).resolve().parents[1] / "examples" / "video-classification" / "post.md"),
                      S2Client(srv.url, cache_dir=d / "cache", rps=0))
    results = analyse(got.graph, chains=[["C3D", "I3D"], ["TSN", "ECO"]])
    site = write_site(got.graph, d / "site", results, title=got.seeds.title)
    return {"dir": d / "site", "G": got.graph, "missing": results["missing"], "html": site["html"]}


def test_example_post_map_acceptance(post_site, browser):
    page, seen = open_map(browser, (post_site["dir"] / "index.html").as_uri())
    page.wait_for_function("window.graphkit && window.graphkit.stabilized", timeout=20_000)
    drawn = set(page.evaluate("graphkit.nodes.getIds()"))
    G = post_site["G"]
    seeds = {n for n, d in G.nodes(data=True) if d.get("seed")}
    top = {m["paperId"] for m in post_site["missing"] if m["score"] >= 10}  # the planted, clearly-ranked ones
    assert seeds <= drawn and top <= drawn and len(drawn) <= 500
    assert post_site["html"]["bytes"] <= 2_000_000
    assert page.evaluate("graphkit.network.physics.physicsEnabled") is False
    assert page.evaluate("window.__pwned") is None and seen["dialogs"] == []
    assert page.evaluate("document.querySelectorAll('img, script[src], link').length") == 0
    assert page.text_content("#gk-sections").count("5 基本网络") == 1
    assert seen["errors"] == []
    assert all(u.startswith(("file:", "data:")) for u in seen["requests"]), seen["requests"]
    page.close()
