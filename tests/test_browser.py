"""The map in a real headless Chromium (Debian's package, driven by Playwright): drawn, silent, offline, inert."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from graphkit.mapview import map_view
from graphkit.render import write_html
from tests.mapdata import HOSTILE_TITLE, demo_analyses, demo_graph
from tests.mapmeasure import embed_page, measure

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the browser tests: install Debian's chromium (.ci/run does)")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
]


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


@pytest.fixture(scope="module")
def _tab():
    """One Chromium and one tab for the module: each test loads its page into the same tab (a new tab costs
    Chromium a new renderer process, about 0.9 CPU-seconds a page on this machine)."""
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b.new_page()
        b.close()


class _Tab:
    """The module's tab, with what a test's pages say: console errors, requests, dialogs (dismissed)."""

    def __init__(self, page):
        self.page = page
        self.seen = {"errors": [], "requests": [], "dialogs": []}
        seen = self.seen
        self._handlers = [
            ("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None),
            ("pageerror", lambda e: seen["errors"].append(str(e))),
            ("request", lambda r: seen["requests"].append(r.url)),
            ("dialog", lambda dlg: (seen["dialogs"].append(dlg.message), dlg.dismiss())),
        ]
        for event, handler in self._handlers:
            page.on(event, handler)

    def release(self) -> None:
        """Stop listening, leave the page, park the mouse: the next test starts from a blank tab."""
        for event, handler in self._handlers:
            self.page.remove_listener(event, handler)
        self.page.goto("about:blank")
        self.page.mouse.move(0, 0)


@pytest.fixture
def browser(_tab):
    tab = _Tab(_tab)
    yield tab
    tab.release()


def open_map(browser, url, width=1280):
    """Load ``url`` into the test's tab at ``width`` × 800; the page and what it says (errors, requests, dialogs)."""
    page = browser.page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(url)
    return page, browser.seen


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


@pytest.fixture(scope="module")
def post_site(tmp_path_factory, post_seeds, post_corpus):
    """The example post's map, built end to end from its FIXTURE corpus (with hostile strings) on loopback."""
    from graphkit.pipeline import analyse, collect, write_site
    from graphkit.s2 import S2Client
    from tests.s2server import FakeS2

    d = tmp_path_factory.mktemp("post")
    with FakeS2(post_corpus) as srv:
        got = collect(
            str(Path(__file__).resolve().parents[1] / "examples" / "video-classification" / "post.md"),
            S2Client(srv.url, cache_dir=d / "cache", rps=0),
        )
    results = analyse(got.graph, chains=[["C3D", "I3D"], ["TSN", "ECO"]])
    site = write_site(got.graph, d / "site", results, title=got.seeds.title)
    return {"dir": d / "site", "G": got.graph, "missing": results["missing"], "html": site["html"]}


def test_example_post_map_acceptance(post_site, browser):
    page, seen = open_map(browser, (post_site["dir"] / "index.html").as_uri())
    page.wait_for_function("() => window.graphkit && window.graphkit.stabilized", timeout=20_000)
    drawn = set(page.evaluate("graphkit.nodes.getIds()"))
    G = post_site["G"]
    seeds = {n for n, d in G.nodes(data=True) if d.get("seed")}
    top = {m["paperId"] for m in post_site["missing"] if m["score"] >= 10}  # the planted, clearly-ranked ones
    assert seeds <= drawn and top <= drawn and len(drawn) <= 130
    assert post_site["html"]["bytes"] <= 800_000  # one file: vis-network, the data and the page
    assert page.evaluate("graphkit.network.physics.physicsEnabled") is False
    assert page.evaluate("window.__pwned") is None and seen["dialogs"] == []
    assert page.evaluate("document.querySelectorAll('img, script[src], link').length") == 0
    assert page.text_content("#gk-legend").count("5 基本网络") == 1
    assert seen["errors"] == []
    assert all(u.startswith(("file:", "data:")) for u in seen["requests"]), seen["requests"]


# ----------------------------------------------------------------------------------------------------------------
# What a reader sees, measured in the page at the embedded size (760×640 iframe) and at full width (1280×800).
def _post_map(tmp_path_factory, name, *, corpus=None, built=None):
    """The example post's map, with its declared lineages: built from ``corpus`` on loopback, or from a graph
    ``built`` already (a copy of it: analysing names papers)."""
    from graphkit.lineage import read_lineages
    from graphkit.pipeline import analyse, collect, named_chains, write_site
    from graphkit.s2 import S2Client
    from tests.s2server import FakeS2

    root = Path(__file__).resolve().parents[1] / "examples" / "video-classification"
    d = tmp_path_factory.mktemp(name)
    aliases: dict = {}
    chains = read_lineages(root / "lineages.txt", aliases)
    if built is None:  # as `graphkit build --lineages` does: the declared links' details fetched
        with FakeS2(corpus) as srv:
            built = collect(
                str(root / "post.md"),
                S2Client(srv.url, cache_dir=d / "cache", rps=0),
                chains=named_chains(chains, aliases),
            )
    G = built.graph.copy()
    results = analyse(G, chains=chains, aliases=aliases)
    site = write_site(G, d / "site", results, title=built.seeds.title)
    (d / "site" / "embed.html").write_text(embed_page(), encoding="utf-8")
    return {"dir": d / "site", "G": G, "results": results, "html": site["html"]}


@pytest.fixture(scope="module")
def example_map(tmp_path_factory, post_corpus):
    return _post_map(tmp_path_factory, "example", corpus=post_corpus)


@pytest.fixture(scope="module")
def heavy_map(tmp_path_factory, heavy_lists_build):
    m = _post_map(tmp_path_factory, "heavy", built=heavy_lists_build[0])
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


SECOND_POST = Path(__file__).resolve().parent / "fixtures" / "lists" / "second-post.md"


def second_corpus():
    from graphkit.pipeline import post_settings
    from graphkit.seeds import parse_seeds
    from tests.corpus import SECOND_FOLLOWUPS, SECOND_FOUNDATIONS, from_seedlist

    sl = parse_seeds(str(SECOND_POST))
    chains, _ = post_settings(str(SECOND_POST))
    key = {p.label: p.key for p in sl.papers}
    pairs = [(key[a], key[b]) for chain in chains for a, b in zip(chain, chain[1:], strict=False)]
    return from_seedlist(sl, lineage=pairs, foundations=SECOND_FOUNDATIONS, followups=SECOND_FOLLOWUPS)


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
