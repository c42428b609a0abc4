"""Shared fixtures: a scrubbed environment, a FIXTURE corpus on a loopback S2 server, a temporary cache."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from graphkit.seeds import parse_seeds
from tests.corpus import from_seedlist, with_heavy_citers
from tests.helpers import TWO_PAPER_POST, two_paper_corpus
from tests.s2server import FakeS2

ROOT = Path(__file__).resolve().parents[1]
POST = ROOT / "examples" / "video-classification" / "post.md"
NO_MATCH = "Spatiotemporal Pyramid Network for Video Action Recognition"


def pytest_configure(config):
    """Full collections rarely: the session's heavy corpora (tens of thousands of papers) stay alive, and each full
    collection would walk them all again (a third of some tests' time). The graphkit command runs without the
    cyclic GC for the same reason."""
    gc.set_threshold(50_000, 20, 1_000)


def pytest_xdist_auto_num_workers(config):
    """``-n auto``: one worker more than there are CPUs. A third of the suite's time is spent waiting (deadlines
    that must pass, real-time pacing, child processes, Chromium), and the extra worker fills those waits."""
    return (os.cpu_count() or 1) + 1


@pytest.fixture(autouse=True)
def _scrub_env(monkeypatch):
    """No test sees the developer's key, API URL, pace or cache."""
    for name in ("S2_API_KEY", "S2_API_URL", "S2_RPS", "GRAPHKIT_CACHE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def post_seeds():
    return parse_seeds(str(POST))


@pytest.fixture(scope="session")
def post_corpus(post_seeds):
    """The example post's seeds as a FIXTURE corpus (one title with no match, planted foundations/follow-ups)."""
    return from_seedlist(post_seeds, no_match=(NO_MATCH,), hostile=True)


@pytest.fixture
def post_server(post_corpus):
    with FakeS2(post_corpus) as srv:
        yield srv


@pytest.fixture(scope="session")
def two_papers():
    """TSN and TRN (FIXTURE): the smallest corpus a command needs."""
    return two_paper_corpus()


@pytest.fixture
def two_paper_post(tmp_path):
    """A two-paper post (TSN and TRN, by their arXiv links) in the test's folder."""
    p = tmp_path / "post.md"
    p.write_text(TWO_PAPER_POST, encoding="utf-8")
    return p


@pytest.fixture(scope="session")
def heavy_post_corpus(post_seeds):
    """The example post's FIXTURE corpus with four seeds cited 3,100–11,500 times (about 27,000 papers)."""
    return with_heavy_citers(from_seedlist(post_seeds, no_match=(NO_MATCH,), hostile=True), post_seeds)


@pytest.fixture(scope="session")
def heavy_lists_build(heavy_post_corpus, tmp_path_factory):
    """A cold build of the heavy example post with the batch plan (``collect``, as ``graphkit build`` runs it),
    and every request the loopback server received for it. Read, never changed, by the tests that use it."""
    from graphkit.pipeline import collect
    from graphkit.s2 import S2Client

    cache = tmp_path_factory.mktemp("heavy-lists") / "cache"
    with FakeS2(heavy_post_corpus) as srv:
        got = collect(str(POST), S2Client(srv.url, cache_dir=cache, rps=0, backoff=0.01))
        return got, list(srv.log)


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium per worker, for the browser tests (tests/browsing.py says why)."""
    from tests.browsing import ARGS, CHROMIUM, sync_api

    with sync_api().sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def _tab(chromium):
    return chromium.new_page()


@pytest.fixture
def browser(_tab):
    """The worker's one tab, listening for what this test's pages say; blank again after the test."""
    from tests.browsing import Tab

    tab = Tab(_tab)
    yield tab
    tab.release()


@pytest.fixture(scope="session")
def example_map(tmp_path_factory, post_corpus):
    """The example post's map (FIXTURE corpus, declared lineages), built once per worker; read, never changed,
    by the tests that open it (tests/test_readers.py adds the page of a post around it)."""
    from tests.browsing import post_map

    return post_map(tmp_path_factory, "example", corpus=post_corpus)
