"""Seeds -> corpus: resolve every seed with S2 and fetch its references and citations in the fewest requests.

The plan (``detail="lists"``, the default) lets ``POST /paper/batch`` carry the lists:

1. one title match per title-only seed;
2. one batch per 500 ids — the id seeds and the matched paperIds — with each paper's metadata and its nested
   ``references`` list (a call whose answer would pass S2's 10 MB is split in halves);
3. the citation lists in batches whose citation counts sum to at most 9,999 — S2's cap over a whole batch answer,
   not per paper (s2-folks #199) — bin-packed first-fit decreasing (:func:`bin_citations`); a seed cited more
   than 9,999 times takes a batch of its own, which carries the first 9,999 (as many as its pages would: S2 pages
   no list past 10,000);
4. page by page (``/references``, ``/citations``) only what cannot come whole from a batch: every nested list that
   came back short of what S2 can return for it (its count, capped at 9,999; where lists longer than their counts
   filled an answer to the cap, the list it ended in counts as cut). Counts are hints: a list as long as its count
   is whole, a shorter one is completed through the pages, never trusted;
5. edge details (``isInfluential``, ``intents``, ``contexts``) only where they are shown: the reference pages of
   each seed a declared link ends at. Elsewhere an edge's details are ``None``: not fetched.

Its request count is B (:func:`batch_bound`): titles + ⌈ids / 500⌉ + citation batches + the declared targets'
reference pages. ``detail="full"`` is the paged plan, every seed's reference and
citation pages with every edge's details, whose request count is

    L = ⌈ids / 500⌉ batch calls + one title match per title-only seed
        + Σ over resolved seeds of ⌈referenceCount / 1000⌉ + ⌈min(citationCount, 10000) / 1000⌉

Both report B (``batch_requests``) and L (``paged_requests``) side by side. The counts come with the batch (or match)
answer, so pages are planned before any is asked for and no request is spent to learn that a list is empty. A paged
list is read until the first page without ``next`` or without data — at most ``2 × its planned pages + 1`` pages,
so an endless ``next`` ends — and lists that come back short of their counts, or were stopped by that bound, are
reported (``short``). An id S2 refuses (400) leaves that seed unresolved, with its line; the build goes on. In the
paged plan a list whose count is 0 is not asked for — S2 has reported ``referenceCount: 0`` for papers that have
references (allenai/s2-folks #142); the batch plan takes a nested reference list whatever its count says.
"""

from __future__ import annotations

import difflib
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


def paged_bound(n_ids: int, n_titles: int, papers: list[dict]) -> int:
    """L for ``n_ids`` id seeds, ``n_titles`` title-only seeds and the resolved papers' counts.

    >>> paged_bound(83, 14, [{"referenceCount": 40, "citationCount": 2500}, {"referenceCount": 0, "citationCount": 0}])
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
    first-fit decreasing, so the number of calls is near ``Σ counts / cap``. Counts of 0 are left out; a count
    over ``cap`` gets a batch of its own.

    >>> bin_citations({"a": 6000, "b": 5000, "c": 4000, "d": 3000, "e": 0, "f": 12000, "g": 999})
    [['f'], ['a', 'd', 'g'], ['b', 'c']]
    """
    bins: list[tuple[int, list[str]]] = []  # (room left, ids)
    for pid in sorted((p for p, c in counts.items() if c > 0), key=lambda p: (-counts[p], p)):
        c = min(counts[pid], cap)
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
    (metadata and reference lists), the citation batches of :func:`bin_citations` (a list over 9,999 counting as
    the 9,999 S2 gives: a batch of its own), and the reference pages of each paper a declared link ends at
    (``targets``) — the API's floor, ⌈Σ min(citations, 9,999) / 9,999⌉ citation calls, plus the bins packing
    cannot fill.

    >>> batch_bound(83, 14, [{"paperId": "a", "citationCount": 11500}, {"paperId": "b", "citationCount": 7000},
    ...                      {"paperId": "c", "citationCount": 5200}, {"paperId": "d", "citationCount": 40}])
    18
    """
    counts = {p["paperId"]: min(int(p.get("citationCount") or 0), BATCH_CITATIONS) for p in papers}
    return (
        n_titles
        + math.ceil(n_asked / BATCH_MAX)
        + len(bin_citations(counts))
        + sum(max(1, pages_for(t.get("referenceCount"), "references")) for t in targets)
    )


def fetch_corpus(
    seedlist: SeedList,
    client: S2Client,
    progress: Callable[[dict], None] | None = None,
    *,
    detail: str = "lists",
    targets: Callable[[list[dict], dict], list[str]] | None = None,
) -> dict:
    """Resolve the seeds and fetch what they cite and what cites them.

    ``detail="lists"`` (the default) is :class:`ListsPlan`: the lists come through ``POST /paper/batch``'s nested
    lists, each checked against its paper's count (a short one completed page by page); edges then carry no
    details (``isInfluential: None``, "not fetched") except the references of the seeds ``targets(seeds, papers)``
    names (the papers declared links end at: :func:`graphkit.lineage.chain_targets`), read page by page with
    ``isInfluential``, ``intents`` and ``contexts``. ``detail="full"`` reads every seed's reference and citation
    pages, with every edge's details (L requests).

    Returns the corpus described in :mod:`graphkit.graph`, plus ``stats``: requests made, cache hits,
    the plan's bound (``batch_requests``; L for ``full``), L (``paged_requests``), pages planned and done, 429s.
    """
    if detail not in DETAILS:
        raise ValueError(f"detail must be one of {DETAILS}, not {detail!r}")
    client.begin_refresh()  # --max-age: what is older than the age, or than this refresh's start, is asked again
    if detail == "full":
        corpus = _fetch_paged(seedlist, client, progress)
    else:
        plan = ListsPlan(seedlist, client, progress)
        plan.resolve()
        corpus = plan.fetch(targets(plan.seeds, plan.papers) if targets is not None else [])
    client.end_refresh()
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


class ListsPlan:
    """The batch plan (``detail="lists"``), a method a step: :meth:`resolve` (the title matches, then the metadata
    batches, which carry each paper's reference list), then :meth:`fetch` with the papers whose edge details are
    wanted: :meth:`references` (the nested lists, completed by pages where short), :meth:`citations` (bins of at
    most 9,999 citations; a seed cited more than that in a batch call of its own, which carries the 9,999 S2 gives
    any list), :meth:`details` (the reference pages of the targets). Its bound B (:func:`batch_bound`) is set once
    the counts are known."""

    def __init__(self, seedlist: SeedList, client: S2Client, progress: Callable[[dict], None] | None = None):
        self.seedlist, self.client = seedlist, client
        self.seeds, self.id_idx, self.title_idx, self.ids = _seed_rows(seedlist)
        self.run = _Run(
            client,
            progress,
            len(self.title_idx) + math.ceil((len(self.ids) + len(self.title_idx)) / BATCH_MAX),
            grow=True,
        )
        self.papers: dict[str, dict] = {}
        self.nested_refs: dict[str, list | None] = {}
        self.asked: list[str] = []
        self.references: dict[str, list] = {}
        self.citations: dict[str, list] = {}
        self.cut: dict[str, int] = {}
        self.short: list[dict] = []
        self.bound = 0

    # -- 1 and 2: who the seeds are ------------------------------------------------------------------------
    def resolve(self) -> None:
        """A match per title-only seed, then one batch per 500 ids (the id seeds and the matched paperIds) with
        each paper's metadata and its nested reference list."""
        matched = _match_titles(self.seedlist, self.seeds, self.title_idx, self.client, self.run.tick)
        self.asked = list(dict.fromkeys([*self.ids, *(m["paperId"] for m in matched.values())]))
        refused: dict[str, str] = {}
        answers = (
            self.client.batch_lists(
                self.asked, ("references",), on_refused=lambda pid, why: refused.setdefault(pid, why)
            )
            if self.asked
            else []
        )
        self.run.tick(math.ceil(len(self.asked) / BATCH_MAX))
        by_id = dict(zip(self.asked, answers, strict=True))
        _resolve_ids(self.seedlist, self.seeds, self.id_idx, by_id, refused, self._keep)
        for m in matched.values():
            # the match's own answer if the batch lost it (lists: pages)
            self._keep(by_id.get(m["paperId"]) or m)

    def _keep(self, p: dict) -> None:
        pid = p["paperId"]
        if pid not in self.papers:
            self.papers[pid] = {k: v for k, v in p.items() if k not in ("references", "citations")}
            self.nested_refs[pid] = p.get("references")

    # -- 3 to 5: their lists -------------------------------------------------------------------------------
    def fetch(self, targets: list[str]) -> dict:
        """The lists of every resolved seed, the details of ``targets``' references; the corpus."""
        targets = [t for t in targets if t in self.papers]
        order = list(self.papers)
        self.bound = batch_bound(
            len(self.asked),
            len(self.title_idx),
            [self.papers[p] for p in order],
            [self.papers[t] for t in targets],
        )
        self.run.planned = self.bound
        self.references_of([p for p in order if p not in targets])
        self.citations_of(order)
        self.details(targets)
        return {
            "seeds": self.seeds,
            "papers": self.papers,
            "references": self.references,
            "citations": self.citations,
            "citations_cut": self.cut,
            "short": self.short,
            "meta": {
                "title": self.seedlist.title,
                "date": self.seedlist.date,
                "source": self.seedlist.source,
            },
            "stats": self.run.stats(
                batch_requests=self.bound,
                paged_requests=paged_bound(
                    len(self.ids), len(self.title_idx), [self.papers[p] for p in order]
                ),
                detail="lists",
            ),
        }

    def _paged(
        self, pid: str, kind: str, count: int, *, details: bool = False, ageless: bool = False
    ) -> list:
        # a published paper's references do not change: never stale; citations are judged by their count
        got = self.client.edges(
            pid,
            kind,
            on_page=self.run.tick,
            count=count,
            fields=None if details else PAPER_FIELDS,
            ageless=ageless or kind == "references",
        )
        _note_list(got, self.seeds, pid, kind, count, self.short, self.cut)
        return got["items"]

    def references_of(self, pids: list[str]) -> None:
        """Each paper's nested reference list when it is whole, else its reference pages."""
        for pid in pids:
            count = int(self.papers[pid].get("referenceCount") or 0)
            got = self.nested_refs.get(pid)
            if got is not None and len(got) >= count:
                self.references[pid] = [_item("citedPaper", q) for q in got]
            elif count:
                self.references[pid] = self._paged(pid, "references", count)
            else:
                self.references[pid] = []

    def citations_of(self, order: list[str]) -> None:
        """Citation lists in bin-packed batches of at most 9,999 citations; a seed cited more than 9,999 times in
        a batch of its own (S2 gives no list more than 9,999 entries, batch or pages); a list that comes back
        short by pages. Under ``--max-age`` a list is asked again only when its count moved: each list notes the
        count it was read under and where its answer lies (a batch or pages), read from the cache while it holds."""
        counts = {pid: int(self.papers[pid].get("citationCount") or 0) for pid in order}
        book = _CitationBook(self, counts)
        if self.client.max_age is not None:
            book.replay(order)
        need = {pid: min(counts[pid], BATCH_CITATIONS) for pid in order if pid not in self.citations}
        for ids_bin in bin_citations(need):
            book.take(ids_bin, self.client.batch_lists(ids_bin, ("citations",), fields="paperId"))
            self.run.tick()
        for pid in order:
            if pid in self.citations:
                continue
            if pid in book.short:
                self.citations[pid] = self._paged(pid, "citations", counts[pid])
                book.note(pid, ["pages"])
            else:
                self.citations[pid] = []
                book.note(pid, ["none"])

    def details(self, targets: list[str]) -> None:
        """Edge details where they are shown: the reference pages of each paper a declared link ends at."""
        for pid in targets:
            count = int(self.papers[pid].get("referenceCount") or 0)
            self.references[pid] = self._paged(
                pid, "references", max(count, len(self.nested_refs.get(pid) or [])), details=True
            )


class _CitationBook:
    """What a :class:`ListsPlan` knows of its citation lists: the notes (count read under, where the answer lies),
    and the lists a batch brought back short (to be read by pages)."""

    def __init__(self, plan: ListsPlan, counts: dict[str, int]):
        self.plan, self.counts = plan, counts
        self.noted = {pid: plan.client.recall(f"citations {pid}") for pid in counts}
        self.short: list[str] = []

    def note(self, pid: str, where: list) -> None:
        value = {"count": self.counts[pid], "where": where}
        if self.noted.get(pid) != value:
            self.plan.client.remember(f"citations {pid}", value)
            self.noted[pid] = value

    def take(self, ids_bin: list[str], answers: list, *, ageless: bool = False) -> None:
        """The lists of one batch answer: whole ones kept, short ones left for pages (unless replayed)."""
        total = promised = 0
        for pid, p in zip(ids_bin, answers, strict=True):
            got = (p or {}).get("citations")
            n = len(got or [])
            total += n
            want = min(self.counts[pid], BATCH_CITATIONS)
            promised += want
            # lists longer than their counts filled the answer to the batch-wide cap: this one may be cut
            reached_cap = total >= BATCH_CITATIONS and total > promised
            if got is not None and n >= want and not reached_cap:
                self.plan.citations[pid] = [_item("citingPaper", q) for q in got]
                if self.counts[pid] > BATCH_CITATIONS:  # S2's cap: the first 9,999, as the pages would give
                    self.plan.cut[pid] = self.counts[pid]
                self.note(pid, ["batch", ids_bin])
            elif not ageless:
                self.short.append(pid)

    def replay(self, order: list[str]) -> None:
        """Under ``--max-age``: the lists whose count holds, from the answers they were read from."""
        held = {}
        for pid in order:
            v = self.noted.get(pid)
            if (
                isinstance(v, dict)
                and v.get("count") == self.counts[pid]
                and isinstance(v.get("where"), list)
            ):
                held[pid] = v["where"]
        client, plan = self.plan.client, self.plan
        bins: list = []  # each bin once, in the seeds' order (a handful: compared as they are)
        for w in held.values():
            if w and w[0] == "batch" and w[1] not in bins:
                bins.append(w[1])
        for ids_bin in bins:
            self.take(
                ids_bin,
                client.batch_lists(ids_bin, ("citations",), fields="paperId", ageless=True),
                ageless=True,
            )
        for pid, where in held.items():
            if pid not in plan.citations and where and where[0] == "pages":
                plan.citations[pid] = plan._paged(pid, "citations", self.counts[pid], ageless=True)
            elif pid not in plan.citations and where == ["none"]:
                plan.citations[pid] = []


def _item(side: str, paper: dict) -> dict:
    """A nested list's paper as an edge item of the corpus: its details not fetched (None)."""
    return {side: paper, "isInfluential": None, "intents": None, "contexts": None}


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
    lb = paged_bound(len(ids), len(title_idx), [papers[p] for p in order])
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
        "stats": run.stats(batch_requests=None, paged_requests=lb),
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
