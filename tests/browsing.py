"""The browser tests' plumbing: one headless Chromium (Debian's package, driven by Playwright) and one tab per
pytest worker, shared by tests/test_browser.py and tests/test_readers.py, and the example maps they open.

A new tab or browser context costs Chromium a renderer process (1.5–2.5 CPU-seconds on the project's machine);
loading a page into the tab that is already open costs about 0.9. So every test loads its pages into the one
tab (``browser`` fixture, in tests/conftest.py), and only the phone test opens a context of its own (touch, a
mobile viewport).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.mapmeasure import embed_page

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
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
EXAMPLE = ROOT / "examples" / "video-classification"
SECOND_POST = ROOT / "tests" / "fixtures" / "lists" / "second-post.md"


def sync_api():
    """Playwright's sync API, or the test skipped where Chromium or Playwright is missing (never in CI)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError("CI must run the browser tests: install Debian's chromium (.ci/run does)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return pytest.importorskip("playwright.sync_api")


class Tab:
    """A tab (the worker's, or the phone test's), with what its pages say: console errors, requests, dialogs
    (dismissed)."""

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


def open_map(browser: Tab, url: str, width: int = 1280, height: int = 800):
    """Load ``url`` into the test's tab at ``width`` × ``height``; the page and what it says."""
    page = browser.page
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url)
    return page, browser.seen


def post_map(tmp_path_factory, name, *, corpus=None, built=None):
    """The example post's map, with its declared lineages: built from ``corpus`` on loopback, or from a graph
    ``built`` already (a copy of it: analysing names papers)."""
    from graphkit.lineage import read_lineages
    from graphkit.pipeline import analyse, collect, named_chains, write_site
    from graphkit.s2 import S2Client
    from tests.s2server import FakeS2

    d = tmp_path_factory.mktemp(name)
    aliases: dict = {}
    chains = read_lineages(EXAMPLE / "lineages.txt", aliases)
    if built is None:  # as `graphkit build --lineages` does: the declared links' details fetched
        with FakeS2(corpus) as srv:
            built = collect(
                str(EXAMPLE / "post.md"),
                S2Client(srv.url, cache_dir=d / "cache", rps=0),
                chains=named_chains(chains, aliases),
            )
    G = built.graph.copy()
    results = analyse(G, chains=chains, aliases=aliases)
    site = write_site(G, d / "site", results, title=built.seeds.title)
    (d / "site" / "embed.html").write_text(embed_page(), encoding="utf-8")
    return {"dir": d / "site", "G": G, "results": results, "html": site["html"]}


def second_corpus():
    """The FIXTURE corpus of the second post (another field, 82 seeds, its lineages in its front matter)."""
    from graphkit.pipeline import post_settings
    from graphkit.seeds import parse_seeds
    from tests.corpus import SECOND_FOLLOWUPS, SECOND_FOUNDATIONS, from_seedlist

    sl = parse_seeds(str(SECOND_POST))
    chains, _ = post_settings(str(SECOND_POST))
    key = {p.label: p.key for p in sl.papers}
    pairs = [(key[a], key[b]) for chain in chains for a, b in zip(chain, chain[1:], strict=False)]
    return from_seedlist(sl, lineage=pairs, foundations=SECOND_FOUNDATIONS, followups=SECOND_FOLLOWUPS)
