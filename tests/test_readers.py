"""The map as the post's readers meet it (issue 24): embedded in a long post served over HTTP, on a desktop (760 px
wide) and on a 390×844 touch phone, in Debian's Chromium driven by Playwright. What is measured is what a reader
sees and does: the post scrolls past the map, names on a phone's first view, the lineage's story, the card, the
keyboard, and the post and the map pointing at each other."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from pathlib import Path

import pytest

from tests.browsing import ARTIFACTS, Tab, open_map

ROOT = Path(__file__).resolve().parents[1]
FRAME = "graphkit-map-video-classification"
STILL = "() => new Promise(r => { const y = scrollY; setTimeout(() => r(scrollY === y), 150); })"  # scroll at rest


def _post_page(site: Path) -> None:
    """A long blog post around the map: the example post's own list rendered to HTML, the map embedded with the
    snippet `graphkit embed` prints (its Liquid filled in as Jekyll would), and a link to #map:TSM."""
    from markdown_it import MarkdownIt

    from graphkit.render import embed_snippet
    from graphkit.seeds.frontmatter import split_front_matter

    text = (ROOT / "examples" / "video-classification" / "post.md").read_text(encoding="utf-8")
    body = MarkdownIt("commonmark").render(split_front_matter(text)[1])
    snippet = embed_snippet(site, slug="video-classification", title="FIXTURE map")
    embed = snippet.split("\n\n", 1)[1].split("\nWhere iframes are stripped", 1)[0]
    embed = re.sub(r"\{\{ '[^']*/(index\.html|map\.svg)' \| relative_url \}\}", r"\1", embed)
    half = len(body) // 2
    cut = body.index("</ul>", half) + 5  # the map in the middle of the post, between two lists
    page = (
        '<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
        '<body style="margin:0 auto; max-width:760px; font: 16px/1.6 serif">'
        '<p><a id="to-map" href="#map:TSM">TSM on the map</a></p>'
        + body[:cut]
        + '<div id="map-box">'
        + embed
        + "</div>"
        + body[cut:]
        + '<div style="height:1500px"></div></body>'
    )
    (site / "post.html").write_text(page, encoding="utf-8")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def served(example_map):
    """The example post's map and a long post embedding it, on a loopback HTTP server (one origin, as on a blog)."""
    _post_page(example_map["dir"])
    (example_map["dir"] / "favicon.ico").write_bytes(b"")
    handler = functools.partial(_Quiet, directory=str(example_map["dir"]))
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield {**example_map, "url": f"http://127.0.0.1:{srv.server_address[1]}"}
    srv.shutdown()
    srv.server_close()


def _map_in(page):
    """The post's map, scrolled into the middle of the window and drawn: its frame."""
    page.evaluate(f"document.getElementById('{FRAME}').scrollIntoView({{block: 'center'}})")
    page.wait_for_function(f"() => document.getElementById('{FRAME}').contentWindow.graphkit")
    frame = next(f for f in page.frames if f.url.endswith("/index.html"))
    frame.wait_for_function("() => window.graphkit && window.graphkit.ready", timeout=20_000)
    return frame


def _desktop(browser, served):
    """The long post in the worker's tab, 800×900 (the post's column is 760 px): page, map frame, errors."""
    page, seen = open_map(browser, served["url"] + "/post.html", width=800, height=900)
    return page, _map_in(page), seen["errors"]


def _swipe(cdp, page, x, y, dy, steps=12):
    """One finger drawn up the screen by ``dy`` px at (x, y), as the touch screen reports it (CDP touch events)."""
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for k in range(1, steps + 1):
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": "touchMove", "touchPoints": [{"x": x, "y": y - dy * k / steps}]},
        )
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def _seed_where(frame, where: str):
    """The first seed drawn where ``where`` holds (JS over x, y: its place in the map's pane; w, h: the pane's
    size): its id, x, y, and the pane's left and top in the frame."""
    return frame.evaluate(
        "() => { const g = graphkit, r = document.getElementById('gk-network').getBoundingClientRect();"
        " const w = r.width, h = r.height;"
        " const ids = g.data.info.filter(i => i.kind === 'seed').map(i => i.id), pos = g.network.getPositions(ids);"
        " for (const id of ids) { const d = g.network.canvasToDOM(pos[id]), x = d.x, y = d.y;"
        f"   if ({where}) return {{id, x, y, left: r.left, top: r.top}}; }} }}"
    )


def _frame_box(page):
    return page.locator(f"#{FRAME}").bounding_box()


def _node_point(page, frame, label):
    """Where a paper is drawn, in the page's coordinates (the iframe's offset added)."""
    p = frame.evaluate(
        "(label) => { const g = graphkit, i = g.data.info.find(x => x.label === label);"
        " const r = document.getElementById('gk-network').getBoundingClientRect();"
        " const d = g.network.canvasToDOM(g.network.getPositions([i.id])[i.id]);"
        " return {id: i.id, x: d.x + r.left, y: d.y + r.top}; }",
        label,
    )
    box = _frame_box(page)
    return p["id"], p["x"] + box["x"], p["y"] + box["y"]


def test_the_wheel_scrolls_the_post_and_ctrl_wheel_zooms_the_map(browser, served):
    page, frame, errors = _desktop(browser, served)
    box = _frame_box(page)
    assert 758 <= box["width"] <= 762  # the post's column (and the iframe's border)
    y0, s0 = page.evaluate("scrollY"), frame.evaluate("graphkit.network.getScale()")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 500)
    page.wait_for_function("y => scrollY >= y + 200", arg=y0)  # the post scrolls past the map
    assert frame.evaluate("graphkit.network.getScale()") == s0  # the map did not zoom
    assert frame.evaluate("document.getElementById('gk-toast').classList.contains('on')")
    assert "scroll zooms the map" in frame.text_content("#gk-toast")
    page.evaluate(f"document.getElementById('{FRAME}').scrollIntoView({{block: 'center'}})")
    y1 = page.evaluate("scrollY")
    box = _frame_box(page)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -300)
    page.keyboard.up("Control")
    frame.wait_for_function(
        "s => graphkit.network.getScale() > s * 1.5", arg=s0
    )  # Ctrl + wheel zooms the map
    assert page.evaluate("scrollY") == y1  # and leaves the post where it was
    frame.click("#gk-fit")
    s1 = frame.evaluate("graphkit.network.getScale()")
    frame.click("#gk-in")
    assert frame.evaluate("graphkit.network.getScale()") == pytest.approx(s1 * 1.25, rel=1e-3)
    assert errors == []


def test_on_a_phone_one_finger_scrolls_the_post_and_the_first_view_is_legible(chromium, served):
    from tests.mapmeasure import measure

    # a 390×844 phone: touch, a mobile viewport (a context of its own)
    ctx = chromium.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, device_scale_factor=2
    )
    page = ctx.new_page()
    errors = Tab(page).seen["errors"]
    try:
        page.goto(served["url"] + "/post.html")
        frame = _map_in(page)
        box = _frame_box(page)
        assert 388 <= box["width"] <= 392
        f = measure(frame)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "phone-first-view.png"))
        assert f["drawn"] >= 10 and f["smallest_px"] >= 10, f  # at least ten names, none under 10 px
        legend = frame.evaluate("getComputedStyle(document.getElementById('gk-legend')).display")
        assert legend == "none" and frame.is_visible("#gk-legend-toggle")  # the legend folds into one button
        frame.tap("#gk-legend-toggle")
        assert frame.evaluate("getComputedStyle(document.getElementById('gk-legend')).display") == "flex"
        frame.tap("#gk-legend-toggle")
        page.wait_for_timeout(300)
        # a one-finger swipe over the map scrolls the post; the map neither zooms nor moves
        y0, s0 = page.evaluate("scrollY"), frame.evaluate("graphkit.network.getScale()")
        v0 = frame.evaluate("graphkit.network.getViewPosition()")
        _swipe(ctx.new_cdp_session(page), page, box["x"] + 195, box["y"] + box["height"] * 0.6, 300)
        page.wait_for_function("y => scrollY >= y + 150", arg=y0)
        assert frame.evaluate("graphkit.network.getScale()") == s0
        assert frame.evaluate("graphkit.network.getViewPosition()") == v0
        # a tap opens the card as a bottom sheet, and no tooltip
        page.wait_for_function(STILL)  # the swipe's fling comes to rest
        page.evaluate(f"document.getElementById('{FRAME}').scrollIntoView({{block: 'center'}})")
        page.wait_for_function(STILL)
        seed = _seed_where(frame, "x > 30 && x < w - 30 && y > 60 && y < h / 2")
        seed = {"x": seed["x"] + seed["left"], "y": seed["y"] + seed["top"]}
        for _ in range(3):  # the page may still be settling after the swipe: tap where the paper is now
            box = _frame_box(page)
            page.touchscreen.tap(box["x"] + seed["x"], box["y"] + seed["y"])
            page.wait_for_timeout(300)
            if frame.evaluate("document.getElementById('gk-card').style.display") == "block":
                break
        card = frame.evaluate(
            "(() => { const c = document.getElementById('gk-card').getBoundingClientRect(); return [c.left, c.right, c.bottom, innerWidth, innerHeight]; })()"
        )
        assert frame.evaluate("document.getElementById('gk-card').style.display") == "block"
        assert card[0] == 0 and card[1] == card[3] and abs(card[2] - card[4]) <= 1  # a sheet along the bottom
        assert frame.evaluate("getComputedStyle(document.getElementById('gk-tip')).display") == "none"
        page.screenshot(path=str(ARTIFACTS / "phone-card.png"))
        assert errors == []
    finally:
        ctx.close()


def test_the_post_and_the_map_point_at_each_other(browser, served):
    page, frame, errors = _desktop(browser, served)
    # a paper clicked on the map, then "show in the post": the post scrolls to where it lists it (its arXiv
    # link) and marks it
    pid, x, y = _node_point(page, frame, "TSN")
    page.mouse.click(x, y)
    y0 = page.evaluate("scrollY")
    page.wait_for_timeout(300)
    assert page.evaluate("scrollY") == y0  # a click alone keeps the reader on the map
    frame.click("#gk-in-post")
    page.wait_for_function("() => document.querySelector('[data-graphkit-shown]')", timeout=5_000)
    shown = page.evaluate("document.querySelector('[data-graphkit-shown]').innerHTML")
    assert "1608.00859" in shown  # TSN's entry
    # the smooth scroll ends with the entry in view
    page.wait_for_function(
        "() => { const t = document.querySelector('[data-graphkit-shown]').getBoundingClientRect().top;"
        " return t >= 0 && t <= innerHeight; }",
        timeout=5_000,
    )
    page.wait_for_function(STILL)
    top = page.evaluate("document.querySelector('[data-graphkit-shown]').getBoundingClientRect().top")
    assert 0 <= top <= page.evaluate("innerHeight")
    # a link in the post to #map:TSM: the map shows TSM and its card
    page.evaluate("window.scrollTo(0, 0)")
    page.click("#to-map")
    tsm = frame.evaluate("graphkit.data.info.find(i => i.label === 'TSM').id")
    frame.wait_for_function("id => graphkit.network.getSelectedNodes()[0] === id", arg=tsm, timeout=5_000)
    assert frame.evaluate("graphkit.network.getSelectedNodes()") == [tsm]
    assert "TSM" in frame.text_content("#gk-info")
    # a message from anyone but the post is ignored
    frame.evaluate("window.postMessage({type: 'graphkit:focus', name: 'TSN'}, '*')")
    page.wait_for_timeout(200)
    assert frame.evaluate("graphkit.network.getSelectedNodes()") == [tsm]
    assert errors == []


def test_the_lineage_tells_its_story_and_papers_show_their_neighbours(browser, served):
    page, frame, errors = _desktop(browser, served)
    # hovering a declared link: its status, influence and a citation context
    mid = frame.evaluate(
        "() => { const g = graphkit, net = g.network, r = document.getElementById('gk-network').getBoundingClientRect();"
        " const pos = net.getPositions();"
        " for (const e of g.data.edges) { if (e.link == null || e.kind !== 'lineage') continue;"
        "   const a = pos[e.from], b = pos[e.to], m = {x: (a.x + b.x) / 2, y: (a.y + b.y) / 2};"
        "   if (net.getNodeAt(net.canvasToDOM(m))) continue;"
        "   const d = net.canvasToDOM(m); if (d.x < 5 || d.y < 25 || d.x > r.width - 5 || d.y > r.height - 20) continue;"
        "   return {x: d.x + r.left, y: d.y + r.top, link: e.link}; } }"
    )
    box = _frame_box(page)
    page.mouse.move(box["x"] + mid["x"], box["y"] + mid["y"])
    page.wait_for_timeout(300)
    tip = frame.text_content("#gk-tip")
    assert "(declared)" in tip and ("directly" in tip or "indirect" in tip), tip
    assert "FIXTURE context" in tip and "influential" in tip, tip
    # the lineage walk: one declared link at a time, its story in the card
    frame.click("#gk-step")
    assert frame.text_content("#gk-step").startswith("lineage 1/")
    assert "link 1 of" in frame.text_content("#gk-info")
    frame.click("#gk-step")
    assert "link 2 of" in frame.text_content("#gk-info")
    page.screenshot(path=str(ARTIFACTS / "lineage-step.png"))
    frame.press("#gk-network", "Escape")
    # hovering a paper lights what it builds on and what builds on it, in two colours
    pid, x, y = _node_point(page, frame, "TSN")
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    borders = frame.evaluate("graphkit.nodes.get().map(n => n.color && n.color.border)")
    assert "#0f766e" in borders and "#7e22ce" in borders
    # a click opens the card on the side away from the paper; the tooltip goes; the card lists neighbours
    right = _seed_where(frame, "x > w * 0.7 && x < w - 10 && y > 40 && y < h - 30")
    box = _frame_box(page)
    page.mouse.click(box["x"] + right["x"], box["y"] + right["y"])
    page.wait_for_timeout(200)
    card = frame.evaluate(
        "(() => { const c = document.getElementById('gk-card').getBoundingClientRect(); return [c.left, c.right, c.top, c.bottom]; })()"
    )
    net_top = frame.evaluate("document.getElementById('gk-net').getBoundingClientRect().top")
    px, py = right["x"], right["y"] + net_top
    assert not (card[0] <= px <= card[1] and card[2] <= py <= card[3])  # the card does not cover the paper
    assert frame.evaluate("getComputedStyle(document.getElementById('gk-tip')).display") == "none"
    chips = frame.locator("#gk-info .chips button")
    assert chips.count() >= 1
    first = chips.first.text_content()
    chips.first.click()
    assert first in frame.text_content("#gk-info .t") or first == frame.evaluate(
        "graphkit.data.info.find(i => i.id === graphkit.network.getSelectedNodes()[0]).label"
    )
    assert errors == []


def test_the_top_missing_follow_ups_carry_drawn_names(browser, served):
    page, frame, errors = _desktop(browser, served)
    top = [m["paperId"] for m in served["results"]["missing"] if m["kind"] == "followup"][:5]
    drawn = frame.evaluate(
        "(ids) => { const g = graphkit, net = g.network, r = document.getElementById('gk-network').getBoundingClientRect();"
        " return ids.filter(id => g.nodes.get(id)).map(id => { const n = net.body.nodes[id], s = n.labelModule.size;"
        "   const p = net.canvasToDOM({x: s.left, y: s.top}), q = net.canvasToDOM({x: s.left + s.width, y: s.top + s.height});"
        "   return {label: n.options.label, px: n.options.font.size * net.getScale(), inside: p.x >= 0 && q.x <= r.width && p.y >= 0 && q.y <= r.height}; }); }",
        top,
    )
    assert len(drawn) == len(top) == 5
    assert all(d["label"] and d["inside"] and d["px"] >= 10 for d in drawn), drawn
    assert errors == []


def test_papers_are_reachable_by_keyboard(browser, served):
    page, frame, errors = _desktop(browser, served)
    label = frame.get_attribute("#gk-network", "aria-label")
    assert label.startswith("Citation map of") and frame.get_attribute("#gk-network", "tabindex") == "0"
    n = frame.evaluate("graphkit.nodes.length")
    assert frame.locator("#gk-list button").count() == n  # every paper, as text a screen reader reads
    frame.focus("#gk-network")
    page.keyboard.press("ArrowRight")
    first = frame.evaluate("graphkit.network.getSelectedNodes()")
    assert len(first) == 1 and frame.evaluate("document.getElementById('gk-card').style.display") == "block"
    page.keyboard.press("ArrowRight")
    second = frame.evaluate("graphkit.network.getSelectedNodes()")
    assert second != first
    x = frame.evaluate(
        "(ids) => { const p = graphkit.network.getPositions(ids); return [p[ids[0]].x, p[ids[1]].x]; }",
        first + second,
    )
    assert x[1] > x[0]  # to the right: later in time
    frame.focus("#gk-list button >> nth=3")
    page.keyboard.press("Enter")
    assert frame.evaluate("graphkit.network.getSelectedNodes()")[0] == frame.evaluate(
        "graphkit.data.info[3].id"
    )
    assert errors == []
