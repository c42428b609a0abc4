"""Seeds -> corpus: resolve every seed with S2 and fetch its references and citations in the fewest requests.

The plan (``detail="lists"``, the default) lets ``POST /paper/batch`` carry the lists:

1. one title match per title-only seed;
2. one batch per 500 ids — the id seeds and the matched paperIds — with each paper's metadata and its nested
   ``references`` list (a call whose answer would pass S2's 10 MB is split in halves);
3. the citation lists in batches whose citation counts sum to at most 9,999 — S2's cap over a whole batch answer,
   not per paper (s2-folks #199) — bin-packed first-fit decreasing (:func:`bin_citations`);
4. page by page (``/references``, ``/citations``) only what cannot come whole from a batch: a citation count over
   9,999, and every nested list that came back short of what S2 can return for it (its count, for citations
   capped at 9,999; where lists longer than their counts filled an answer to the cap, the list it ended in counts
   as cut). Counts are hints: a list as
   long as its count is whole, a shorter one is completed through the pages, never trusted;
5. edge details (``isInfluential``, ``intents``, ``contexts``) only where they are shown: the reference pages of
   each seed a declared link ends at. Elsewhere an edge's details are ``None``: not fetched.

Its request count is B (:func:`batch_bound`): titles + ⌈ids / 500⌉ + citation batches + the pages of lists over
9,999 + the declared targets' reference pages. ``detail="full"`` is the paged plan, every seed's reference and
citation pages with every edge's details, whose request count is

    L = ⌈ids / 500⌉ batch calls + one title match per title-only seed
        + Σ over resolved seeds of ⌈referenceCount / 1000⌉ + ⌈min(citationCount, 10000) / 1000⌉

Both report B (``lower_bound``) and L (``paged_bound``) side by side. The counts come with the batch (or match)
answer, so pages are planned before any is asked for and no request is spent to learn that a list is empty. A paged
list is read until the first page without ``next`` or without data — at most ``2 × its planned pages + 1`` pages,
so an endless ``next`` ends — and lists that come back short of their counts, or were stopped by that bound, are
reported (``short``). An id S2 refuses (400) leaves that seed unresolved, with its line; the build goes on. In the
paged plan a list whose count is 0 is not asked for — S2 has reported ``referenceCount: 0`` for papers that have
references (allenai/s2-folks #142); the batch plan takes a nested reference list whatever its count says.
"""

from __future__ import annotations

import difflib
import json
import math
import time
from collections.abc import Callable

from .s2 import BATCH_CITATIONS, BATCH_MAX, CITATION_CAP, PAPER_FIELDS, S2Client, pages_for
from .seeds import SeedList, normalise_title

TITLE_SIMILARITY = 0.97  # difflib ratio on normalised titles above which two titles are "clearly the same"
IN_TEXT_WORDS = 4  # S2's title found whole in the entry's text counts when it has this many words or more


def title_match(asked: str, got: str | None, text: str = "") -> str | None:
    """Judge S2's title match: ``"exact"``, ``"close"`` (ratio ≥ 0.97 after normalising), ``"in text"`` (S2's
    whole title, of :data:`IN_TEXT_WORDS` words or more, stands in the list entry's own ``text``), else ``None``.

    Normalising folds case, punctuation, spacing and full-width characters (NFKC).

    >>> title_match("Shuffle and Learn", "Shuffle and Learn: Unsupervised Learning Using Temporal Order Verification",
    ...             "Shuffle and Learn: Unsupervised Learning Using Temporal Order Verification (2016)")
    'in text'
    >>> title_match("Deep learning", "Deep learning for video", "Deep learning. Nature (2015)") is None
    True

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
    if len(b.split()) >= IN_TEXT_WORDS and f" {b} " in f" {normalise_title(text)} ":
        return "in text"
    return None


def lower_bound(n_ids: int, n_titles: int, papers: list[dict]) -> int:
    """L for ``n_ids`` id seeds, ``n_titles`` title-only seeds and the resolved papers' counts.

    >>> lower_bound(83, 14, [{"referenceCount": 40, "citationCount": 2500}, {"referenceCount": 0, "citationCount": 0}])
    19
    """
    return (
        math.ceil(n_ids / BATCH_MAX)
        + n_titles
        + sum(
            pages_for(p.get("referenceCount"), "references") + pages_for(p.get("citationCount"), "citations")
            for p in papers
        )
    )


DETAILS = ("lists", "full")  # --detail: edge details for the declared lineage only, or on every link


def bin_citations(
    counts: dict[str, int], cap: int = BATCH_CITATIONS, max_ids: int = BATCH_MAX
) -> list[list[str]]:
    """Papers in batches whose citation counts sum to at most ``cap`` (and at most ``max_ids`` ids a batch):
    first-fit decreasing, so the number of calls is near ``Σ counts / cap``. Counts of 0 and counts over
    ``cap`` (those are read page by page) are left out.

    >>> bin_citations({"a": 6000, "b": 5000, "c": 4000, "d": 3000, "e": 0, "f": 12000, "g": 999})
    [['a', 'd', 'g'], ['b', 'c']]
    """
    bins: list[tuple[int, list[str]]] = []  # (room left, ids)
    for pid in sorted((p for p, c in counts.items() if 0 < c <= cap), key=lambda p: (-counts[p], p)):
        c = counts[pid]
        for k, (room, ids) in enumerate(bins):
            if c <= room and len(ids) < max_ids:
                ids.append(pid)
                bins[k] = (room - c, ids)
                break
        else:
            bins.append((cap - c, [pid]))
    return [ids for _, ids in bins]


def batch_bound(n_asked: int, n_titles: int, papers: list[dict], targets: list[dict] = ()) -> int:
    """B, the batch plan's request count for these counts: a match per title-only seed, one batch per 500 ids
    (metadata and reference lists), the citation batches of :func:`bin_citations`, the pages of each citation
    list over 9,999, and the reference pages of each paper a declared link ends at (``targets``).

    >>> batch_bound(83, 14, [{"paperId": "a", "citationCount": 11500}, {"paperId": "b", "citationCount": 7000},
    ...                      {"paperId": "c", "citationCount": 5200}, {"paperId": "d", "citationCount": 40}])
    27
    """
    counts = {p["paperId"]: int(p.get("citationCount") or 0) for p in papers}
    return (
        n_titles
        + math.ceil(n_asked / BATCH_MAX)
        + len(bin_citations(counts))
        + sum(pages_for(c, "citations") for c in counts.values() if c > BATCH_CITATIONS)
        + sum(max(1, pages_for(t.get("referenceCount"), "references")) for t in targets)
    )


def fetch_corpus(
    seedlist: SeedList,
    client: S2Client,
    progress: Callable[[dict], None] | None = None,
    *,
    detail: str = "lists",
    chains: list[list[str]] | None = None,
) -> dict:
    """Resolve the seeds and fetch what they cite and what cites them.

    ``detail="lists"`` (the default) reads the lists through ``POST /paper/batch``'s nested lists, checks each
    against its paper's count and completes a short one page by page; edges then carry no details
    (``isInfluential: None``, "not fetched") except the references of each seed a declared link of ``chains``
    ends at, read page by page with ``isInfluential``, ``intents`` and ``contexts``. ``detail="full"`` reads every
    seed's reference and citation pages, with every edge's details (L requests).

    Returns the corpus described in :mod:`graphkit.graph`, plus ``stats``: requests made, cache hits,
    the plan's bound (``lower_bound``; L for ``full``), L (``paged_bound``), pages planned and done, 429s.
    """
    if detail not in DETAILS:
        raise ValueError(f"detail must be one of {DETAILS}, not {detail!r}")
    begin, end = getattr(client, "begin_refresh", None), getattr(client, "end_refresh", None)
    if begin is not None:
        begin()  # --max-age: what is older than the age, or than this refresh's start, is asked again
    if detail == "full":
        corpus = _fetch_paged(seedlist, client, progress)
    else:
        corpus = _fetch_lists(seedlist, client, progress, chains)
    if end is not None:
        end()
    return corpus


class _Run:
    """One fetch's bookkeeping: pages done against pages planned (told to ``progress`` with the requests made,
    cache hits and an ETA), and the request counts of its stats."""

    def __init__(
        self, client: S2Client, progress: Callable[[dict], None] | None, planned: int, *, grow: bool
    ):
        self.client, self.progress, self.planned, self.grow = client, progress, planned, grow
        self.done = 0
        self.t0 = time.monotonic()
        self.start = client.stats

    def tick(self, n: int = 1) -> None:
        self.done += n
        if self.grow:  # a short list completed by pages moves the plan, not the bound
            self.planned = max(self.planned, self.done)
        if self.progress is not None:
            st = self.client.stats
            made = st["requests"] - self.start["requests"]
            pace = (time.monotonic() - self.t0) / made if made else 0.0
            self.progress(
                {
                    "done": self.done,
                    "planned": self.planned,
                    "requests": made,
                    "cache_hits": st["cache_hits"] - self.start["cache_hits"],
                    "eta": max(self.planned - self.done, 0) * pace,
                }
            )

    def stats(self, **extra) -> dict:
        st = self.client.stats
        counts = {k: st[k] - self.start[k] for k in ("requests", "cache_hits", "retries", "429s")}
        return {
            **counts,
            **extra,
            "pages_planned": self.planned,
            "pages_done": self.done,
            "seconds": round(time.monotonic() - self.t0, 3),
        }


def _seed_rows(seedlist: SeedList) -> tuple[list[dict], list[int], list[int], list[str]]:
    """The seeds as corpus rows (unresolved until fetched), the indexes of id and title-only seeds, the ids asked."""
    seeds = []
    for s in seedlist.papers:
        d = s.to_dict()
        d.update(paperId=None, status="unresolved", reason=None)
        seeds.append(d)
    id_idx = [i for i, s in enumerate(seedlist.papers) if s.api_id]
    title_idx = [i for i, s in enumerate(seedlist.papers) if not s.api_id]
    return seeds, id_idx, title_idx, list(dict.fromkeys(seedlist.papers[i].api_id for i in id_idx))


def _match_titles(
    seedlist: SeedList, seeds: list[dict], title_idx: list[int], client: S2Client, tick
) -> dict:
    """One ``/paper/search/match`` per title-only seed; a match is taken only when the titles agree
    (:func:`title_match`). Marks each seed resolved or says why not; returns the matched papers by seed index."""
    matched: dict[int, dict] = {}
    for i in title_idx:
        title = seedlist.papers[i].title or ""
        got = client.match_title(title) if title else None
        tick()
        if got is None or not got.get("paperId"):
            seeds[i]["reason"] = "no title match in S2"
            continue
        verdict = title_match(title, got.get("title"), seedlist.papers[i].text)
        if verdict is None:
            seeds[i]["reason"] = f"doubtful title match: {got.get('title')!r}"
            continue
        matched[i] = {k: v for k, v in got.items() if k != "matchScore"}
        seeds[i].update(paperId=got["paperId"], status="resolved", match=verdict)
    return matched


def _resolve_ids(
    seedlist: SeedList, seeds: list[dict], id_idx: list[int], by_id: dict, refused: dict, keep
) -> None:
    """Mark each id seed resolved (its paper passed to ``keep``) or say why not: refused by S2, or unknown to it."""
    for i in id_idx:
        api_id = seedlist.papers[i].api_id
        p = by_id.get(api_id)
        if api_id in refused:
            seeds[i]["reason"] = f"S2 refused the id {api_id} (400; line {seedlist.papers[i].line})"
        elif p is None:
            seeds[i]["reason"] = f"not found in S2 ({api_id})"
        else:
            seeds[i].update(paperId=p["paperId"], status="resolved")
            keep(p)


def _fetch_lists(seedlist: SeedList, client: S2Client, progress, chains) -> dict:
    """The batch plan (see :func:`fetch_corpus`)."""
    seeds, id_idx, title_idx, ids = _seed_rows(seedlist)
    run = _Run(
        client, progress, len(title_idx) + math.ceil((len(ids) + len(title_idx)) / BATCH_MAX), grow=True
    )
    tick = run.tick

    # 1. a match per title-only seed (its paperId goes into the batch with the ids)
    matched = _match_titles(seedlist, seeds, title_idx, client, tick)

    # 2. metadata and reference lists: one batch per 500 ids
    papers: dict[str, dict] = {}
    nested_refs: dict[str, list | None] = {}
    ask = list(dict.fromkeys([*ids, *(m["paperId"] for m in matched.values())]))
    refused: dict[str, str] = {}
    answers = (
        client.batch_lists(ask, ("references",), on_refused=lambda pid, why: refused.setdefault(pid, why))
        if ask
        else []
    )
    tick(math.ceil(len(ask) / BATCH_MAX))
    by_id = dict(zip(ask, answers, strict=True))

    def keep(p: dict) -> None:
        pid = p["paperId"]
        if pid not in papers:
            papers[pid] = {k: v for k, v in p.items() if k not in ("references", "citations")}
            nested_refs[pid] = p.get("references")

    _resolve_ids(seedlist, seeds, id_idx, by_id, refused, keep)
    for m in matched.values():
        keep(by_id.get(m["paperId"]) or m)  # the match's own answer if the batch lost it (its lists: pages)

    order = list(papers)
    targets = _lineage_targets(seeds, papers, chains or [], seedlist)
    lb = batch_bound(len(ask), len(title_idx), [papers[p] for p in order], [papers[t] for t in targets])
    run.planned = lb
    references: dict[str, list] = {}
    citations: dict[str, list] = {}
    cut: dict[str, int] = {}
    short: list[dict] = []

    def paged(pid: str, kind: str, count: int, *, details: bool = False, ageless: bool = False) -> list:
        fields = None if details else PAPER_FIELDS
        # a published paper's references do not change: never stale; citations are judged by their count below
        got = client.edges(
            pid, kind, on_page=tick, count=count, fields=fields, ageless=ageless or kind == "references"
        )
        _note_list(got, seeds, pid, kind, count, short, cut)
        return got["items"]

    # 3. references: the nested list when it is whole, else page by page
    for pid in order:
        count = int(papers[pid].get("referenceCount") or 0)
        got = nested_refs.get(pid)
        if pid in targets:
            continue  # read page by page with details below
        if got is not None and len(got) >= count:
            references[pid] = [_item("citedPaper", q) for q in got]
        elif count:
            references[pid] = paged(pid, "references", count)
        else:
            references[pid] = []

    # 4. citations: bin-packed batches of at most 9,999 citations; lists over 9,999, and short ones, by pages.
    # Under --max-age a seed's list is asked for again only when its citationCount moved: each list notes (a small
    # cache entry) the count it was read under and where its answer lies — a batch or pages — read again from
    # the cache whatever its age while the count holds.
    counts = {pid: int(papers[pid].get("citationCount") or 0) for pid in order}
    recall = getattr(client, "recall", lambda name: None)
    remember = getattr(client, "remember", lambda name, value: None)
    refreshing = getattr(client, "max_age", None) is not None
    noted = {pid: recall(f"citations {pid}") for pid in order}

    def note(pid: str, where: list) -> None:
        value = {"count": counts[pid], "where": where}
        if noted.get(pid) != value:
            remember(f"citations {pid}", value)
            noted[pid] = value

    def take_bin(ids_bin: list[str], answers: list, *, ageless: bool = False) -> None:
        total = promised = 0
        for pid, p in zip(ids_bin, answers, strict=True):
            got = (p or {}).get("citations")
            n = len(got or [])
            total += n
            promised += counts[pid]
            # lists longer than their counts filled the answer to the batch-wide cap: this one may be cut
            reached_cap = total >= BATCH_CITATIONS and total > promised
            if got is not None and n >= min(counts[pid], BATCH_CITATIONS) and not reached_cap:
                citations[pid] = [_item("citingPaper", q) for q in got]
                note(pid, ["batch", ids_bin])
            elif not ageless:
                todo.append(pid)

    todo: list[str] = []
    held = {}
    if refreshing:  # the lists whose count holds, from the answers they were read from
        for pid in order:
            v = noted.get(pid)
            if isinstance(v, dict) and v.get("count") == counts[pid] and isinstance(v.get("where"), list):
                held[pid] = v["where"]
        for where in {json.dumps(w) for w in held.values() if w and w[0] == "batch"}:
            ids_bin = json.loads(where)[1]
            take_bin(
                ids_bin,
                client.batch_lists(ids_bin, ("citations",), fields="paperId", ageless=True),
                ageless=True,
            )
        for pid, where in held.items():
            if pid not in citations and where and where[0] == "pages":
                citations[pid] = paged(pid, "citations", counts[pid], ageless=True)
            elif pid not in citations and where == ["none"]:
                citations[pid] = []
    need = {pid: counts[pid] for pid in order if pid not in citations}
    for ids_bin in bin_citations(need):
        take_bin(ids_bin, client.batch_lists(ids_bin, ("citations",), fields="paperId"))
        tick()
    for pid in order:
        if pid in citations:
            continue
        if counts[pid] > BATCH_CITATIONS or pid in todo:
            citations[pid] = paged(pid, "citations", counts[pid])
            note(pid, ["pages"])
        else:
            citations[pid] = []
            note(pid, ["none"])

    # 5. edge details where they are shown: the references of each seed a declared link ends at
    for pid in targets:
        count = int(papers[pid].get("referenceCount") or 0)
        references[pid] = paged(pid, "references", max(count, len(nested_refs.get(pid) or [])), details=True)

    return {
        "seeds": seeds,
        "papers": papers,
        "references": references,
        "citations": citations,
        "citations_cut": cut,
        "short": short,
        "meta": {"title": seedlist.title, "date": seedlist.date, "source": seedlist.source},
        "stats": run.stats(
            lower_bound=lb,
            paged_bound=lower_bound(len(ids), len(title_idx), [papers[p] for p in order]),
            detail="lists",
        ),
    }


def _item(side: str, paper: dict) -> dict:
    """A nested list's paper as an edge item of the corpus: its details not fetched (None)."""
    return {side: paper, "isInfluential": None, "intents": None, "contexts": None}


def _lineage_targets(
    seeds: list[dict], papers: dict, chains: list[list[str]], seedlist: SeedList
) -> list[str]:
    """The resolved seeds each declared link ``A -> B`` ends at (B: the later paper), in chain order. A name that
    does not resolve is left to :func:`graphkit.lineage.check_declared`, which names it."""
    if not chains:
        return []
    from .errors import LineageError
    from .graph import build_graph
    from .lineage import _index, resolve_name

    G = build_graph({"seeds": seeds, "papers": papers})
    idx = _index(G, seeds_only=True)
    out: list[str] = []
    for chain in chains:
        for name in chain[1:]:
            try:
                n = resolve_name(G, name, idx)
            except LineageError:
                continue
            if n in papers and n not in out:
                out.append(n)
    return out


def _fetch_paged(
    seedlist: SeedList, client: S2Client, progress: Callable[[dict], None] | None = None
) -> dict:
    """``--detail full``: every seed's reference and citation pages, with every edge's details (L requests)."""
    seeds, id_idx, title_idx, ids = _seed_rows(seedlist)
    run = _Run(client, progress, math.ceil(len(ids) / BATCH_MAX) + len(title_idx), grow=False)
    tick = run.tick

    papers: dict[str, dict] = {}
    if ids:
        refused: dict[str, str] = {}
        answers = client.batch(ids, on_refused=lambda pid, why: refused.setdefault(pid, why))
        tick(math.ceil(len(ids) / BATCH_MAX))
        by_id = dict(zip(ids, answers, strict=True))
        _resolve_ids(seedlist, seeds, id_idx, by_id, refused, lambda p: papers.__setitem__(p["paperId"], p))
    for got in _match_titles(seedlist, seeds, title_idx, client, tick).values():
        papers.setdefault(got["paperId"], got)

    order = list(papers)  # the post's order, each paper once
    lb = lower_bound(len(ids), len(title_idx), [papers[p] for p in order])
    run.planned = lb
    references: dict[str, list] = {}
    citations: dict[str, list] = {}
    cut: dict[str, int] = {}
    short: list[dict] = []
    for pid in order:
        p = papers[pid]
        for kind, count_field, store in (
            ("references", "referenceCount", references),
            ("citations", "citationCount", citations),
        ):
            count = int(p.get(count_field) or 0)
            expected_pages = pages_for(count, kind)
            if not expected_pages:
                store[pid] = []
                continue
            got = client.edges(pid, kind, on_page=tick, count=count)
            # a list read in more or fewer pages than planned moves the plan, not the bound
            run.planned += got["pages"] - expected_pages
            store[pid] = got["items"]
            _note_list(got, seeds, pid, kind, count, short, cut)
    return {
        "seeds": seeds,
        "papers": papers,
        "references": references,
        "citations": citations,
        "citations_cut": cut,
        "short": short,
        "meta": {"title": seedlist.title, "date": seedlist.date, "source": seedlist.source},
        "stats": run.stats(lower_bound=lb, paged_bound=lb),
    }


def _note_list(got: dict, seeds: dict, pid: str, kind: str, count: int, short: list, cut: dict) -> None:
    """Record a list read page by page: in ``short`` when it holds fewer items than its count says (citations
    capped at 9,999) or stopped at the page bound (an endless ``next``); in ``cut`` when S2's cap cut it."""
    expected = min(count, CITATION_CAP - 1) if kind == "citations" else count
    if len(got["items"]) < expected or got.get("bounded"):
        entry = {
            "paperId": pid,
            "key": _key_of(seeds, pid),
            "list": kind,
            "expected": expected,
            "got": len(got["items"]),
        }
        if got.get("bounded"):
            entry["stopped"] = f"after {got['pages']} pages (the bound for {count} entries)"
        short.append(entry)
    if kind == "citations" and (count > CITATION_CAP or got["cut"]):
        cut[pid] = count


def _key_of(seeds: list[dict], pid: str) -> str:
    return next((s["key"] for s in seeds if s.get("paperId") == pid), pid)
