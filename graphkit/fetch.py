"""Seeds -> corpus: resolve every seed with S2 and fetch its references and citations in the fewest requests.

The request budget's lower bound is

    L = ⌈ids / 500⌉ batch calls + one title match per title-only seed
        + Σ over resolved seeds of ⌈referenceCount / 1000⌉ + ⌈min(citationCount, 10000) / 1000⌉

The counts come with the batch (or match) answer, so pages are planned before any is asked for and no request
is spent to learn that a list is empty. Counts are hints, not truth: a list is read until the first page without
``next`` or without data — at most ``2 × its planned pages + 1`` pages, so an endless ``next`` ends — and lists that
come back short of their counts, or were stopped by that bound, are reported (``short``). An id S2 refuses (400)
leaves that seed unresolved, with its line; the build goes on. A list whose
count is 0 is not asked for — S2 has reported ``referenceCount: 0`` for papers that have references
(allenai/s2-folks #142); graphkit trusts the count there, by design, and says so in the README.
"""

from __future__ import annotations

import difflib
import math
import time
from collections.abc import Callable

from .s2 import BATCH_MAX, CITATION_CAP, S2Client, pages_for
from .seeds import SeedList, normalise_title

TITLE_SIMILARITY = 0.97  # difflib ratio on normalised titles above which two titles are "clearly the same"


def title_match(asked: str, got: str | None) -> str | None:
    """Judge S2's title match: ``"exact"``, ``"close"`` (ratio ≥ 0.97 after normalising), else ``None``.

    Normalising folds case, punctuation, spacing and full-width characters (NFKC).

    >>> title_match("RPAN：An End-to-End Recurrent Pose-Attention Network", "RPAN: An end-to-end recurrent pose-attention network")
    'exact'
    >>> title_match("Temporal Segment Networks for Action Recognition in Videos",
    ...             "Temporal Segment Network for Action Recognition in Videos")
    'close'
    >>> title_match("Spatiotemporal Pyramid Network for Video Action Recognition",
    ...             "Spatiotemporal Multiplier Networks for Video Action Recognition") is None
    True
    """
    a, b = normalise_title(asked), normalise_title(got or "")
    if not a or not b:
        return None
    if a == b:
        return "exact"
    if difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= TITLE_SIMILARITY:
        return "close"
    return None


def lower_bound(n_ids: int, n_titles: int, papers: list[dict]) -> int:
    """L for ``n_ids`` id seeds, ``n_titles`` title-only seeds and the resolved papers' counts.

    >>> lower_bound(83, 14, [{"referenceCount": 40, "citationCount": 2500}, {"referenceCount": 0, "citationCount": 0}])
    19
    """
    return (
        math.ceil(n_ids / BATCH_MAX)
        + n_titles
        + sum(pages_for(p.get("referenceCount"), "references") + pages_for(p.get("citationCount"), "citations")
              for p in papers)
    )


def fetch_corpus(
    seedlist: SeedList, client: S2Client, progress: Callable[[dict], None] | None = None
) -> dict:
    """Resolve the seeds and fetch what they cite and what cites them.

    Returns the corpus described in :mod:`graphkit.graph`, plus ``stats``: requests made, cache hits,
    the lower bound L, pages planned and done, 429s.
    """
    t0 = time.monotonic()
    start = client.stats
    seeds = []
    for s in seedlist.papers:
        d = s.to_dict()
        d.update(paperId=None, status="unresolved", reason=None)
        seeds.append(d)
    id_idx = [i for i, s in enumerate(seedlist.papers) if s.api_id]
    title_idx = [i for i, s in enumerate(seedlist.papers) if not s.api_id]
    ids = list(dict.fromkeys(seedlist.papers[i].api_id for i in id_idx))
    planned = math.ceil(len(ids) / BATCH_MAX) + len(title_idx)
    done = 0

    def tick(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress is not None:
            st = client.stats
            made = st["requests"] - start["requests"]
            remaining = max(planned - done, 0)
            pace = (time.monotonic() - t0) / made if made else 0.0
            progress({"done": done, "planned": planned, "requests": made,
                      "cache_hits": st["cache_hits"] - start["cache_hits"], "eta": remaining * pace})

    papers: dict[str, dict] = {}
    if ids:
        refused: dict[str, str] = {}
        answers = client.batch(ids, on_refused=lambda pid, why: refused.setdefault(pid, why))
        tick(math.ceil(len(ids) / BATCH_MAX))
        by_id = dict(zip(ids, answers, strict=True))
        for i in id_idx:
            api_id = seedlist.papers[i].api_id
            p = by_id.get(api_id)
            if api_id in refused:
                seeds[i]["reason"] = f"S2 refused the id {api_id} (400; line {seedlist.papers[i].line})"
            elif p is None:
                seeds[i]["reason"] = f"not found in S2 ({api_id})"
            else:
                seeds[i].update(paperId=p["paperId"], status="resolved")
                papers[p["paperId"]] = p
    for i in title_idx:
        title = seedlist.papers[i].title or ""
        got = client.match_title(title) if title else None
        tick()
        if got is None or not got.get("paperId"):
            seeds[i]["reason"] = "no title match in S2"
            continue
        verdict = title_match(title, got.get("title"))
        if verdict is None:
            seeds[i]["reason"] = f"doubtful title match: {got.get('title')!r}"
            continue
        got = {k: v for k, v in got.items() if k != "matchScore"}
        seeds[i].update(paperId=got["paperId"], status="resolved", match=verdict)
        papers.setdefault(got["paperId"], got)

    order = list(papers)  # the post's order, each paper once
    lb = lower_bound(len(ids), len(title_idx), [papers[p] for p in order])
    planned = lb
    references: dict[str, list] = {}
    citations: dict[str, list] = {}
    cut: dict[str, int] = {}
    short: list[dict] = []
    for pid in order:
        p = papers[pid]
        for kind, count_field, store in (("references", "referenceCount", references),
                                         ("citations", "citationCount", citations)):
            count = int(p.get(count_field) or 0)
            expected_pages = pages_for(count, kind)
            if not expected_pages:
                store[pid] = []
                continue
            got = client.edges(pid, kind, on_page=tick, count=count)
            # a list read in more or fewer pages than planned moves the plan, not the bound
            planned += got["pages"] - expected_pages
            store[pid] = got["items"]
            expected = min(count, CITATION_CAP - 1) if kind == "citations" else count
            if len(got["items"]) < expected or got.get("bounded"):
                entry = {"paperId": pid, "key": _key_of(seeds, pid), "list": kind, "expected": expected,
                         "got": len(got["items"])}
                if got.get("bounded"):  # an endless ``next``: stopped at the page bound
                    entry["stopped"] = f"after {got['pages']} pages (the bound for {count} entries)"
                short.append(entry)
            if kind == "citations" and (count > CITATION_CAP or got["cut"]):
                cut[pid] = count
    st = client.stats
    return {
        "seeds": seeds,
        "papers": papers,
        "references": references,
        "citations": citations,
        "citations_cut": cut,
        "short": short,
        "meta": {"title": seedlist.title, "date": seedlist.date, "source": seedlist.source},
        "stats": {
            "requests": st["requests"] - start["requests"],
            "cache_hits": st["cache_hits"] - start["cache_hits"],
            "retries": st["retries"] - start["retries"],
            "429s": st["429s"] - start["429s"],
            "lower_bound": lb,
            "pages_planned": planned,
            "pages_done": done,
            "seconds": round(time.monotonic() - t0, 3),
        },
    }


def _key_of(seeds: list[dict], pid: str) -> str:
    return next((s["key"] for s in seeds if s.get("paperId") == pid), pid)
