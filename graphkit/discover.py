"""The influential papers a reading list is missing, and the surveys that cover it. Pure.

Three kinds of paper outside the list, each linked to at least :data:`MIN_SEEDS` seeds:

* **foundations**: papers that seeds cite;
* **follow-ups**: papers that cite seeds, published after the post (front-matter ``date``) or after ``since``;
* **surveys**: papers that cite seeds and review the list — they cite at least :data:`SURVEY_SHARE` of the seeds,
  or their title presents them as a survey, review, overview, tutorial or "comprehensive study"
  (:data:`SURVEY_TITLE`). A survey is never a follow-up. Surveys are kept whatever their date: a review written
  before the post still covers it.

The score weighs relevance and influence, and each part only counts when the other is there:

    score = √relevance × (1 + log₁₀(1 + influence))

* relevance = seeds linked + seeds linked influentially (S2's ``isInfluential``: such a link counts twice) — the
  second term only where every link counted had its details fetched (``--detail full``); when some were not
  (``isInfluential`` None: the batch plan), influence comes from the paper-level counts below alone, and rows say
  "influence not fetched" (``influential: None``), never "0 influential";
* influence = S2's ``citationCount`` + ``influentialCitationCount`` (an influential citation counts twice too);
  for follow-ups and surveys *per year* since publication — years = reference year − year + 1, the reference year
  being the newest year in the graph (or ``now``), and 10 when the year is unknown — so that a paper out two years
  ago is not buried under one out for ten; for foundations the total (they are old by definition, and their total
  is what makes them classics).

Why this shape: the square root makes each further seed worth less than the one before (a benchmark comparison that
cites 40 of the papers is not eight times as relevant as a method that builds on 5 of them); the logarithm makes
each tenfold of citations worth one more step (an uncited paper keeps factor 1, 10 citations a year about 2, 100 a
year 3, 1,000 a year 4); multiplying means an uncited paper needs several times the seeds to overtake a cited one.

>>> score(30, 0, 0)                       # cites 30 seeds, cited by nobody
5.48
>>> score(15, 0, 1000, years=10)          # cites 15 seeds, cited 1,000 times in ten years
11.64
>>> score(10, 0, 400, years=3) > score(10, 0, 600, years=11)   # two years old with 400 beats ten with 600
True
>>> score(8, 0, 900), score(8, 3, 900), score(8, 3, 900, 300)   # influential links and citations count twice
(11.19, 13.12, 13.53)

Ties: higher score (to two decimals), more seeds, more influential links, more S2 citations, then paperId.

Counting walks only the seeds' own edges (out-edges for foundations, in-edges for follow-ups and surveys): linear
in the edges that touch seeds, whatever the size of the graph.
"""

from __future__ import annotations

import heapq
import math
import re

import networkx as nx

from .errors import GraphkitError
from .graph import S2_PAPER, paper_date, paper_year

KINDS = ("foundation", "followup", "survey")


def kind_named(name: str) -> str:
    """The kind a name means: singular or plural, as the output prints it or as the help lists it, or ``all``.

    >>> [kind_named(k) for k in ("foundations", "Follow-up", "survey", "all")]
    ['foundation', 'followup', 'survey', 'all']
    >>> kind_named("papers")
    Traceback (most recent call last):
    graphkit.errors.GraphkitError: unknown kind 'papers'; use foundations, followups, surveys or all
    """
    k = str(name).strip().lower().replace("-", "")
    k = k[:-1] if k in ("foundations", "followups", "surveys") else k
    if k not in (*KINDS, "all"):
        raise GraphkitError(f"unknown kind {name!r}; use foundations, followups, surveys or all")
    return k


MIN_SEEDS = 2
SURVEY_SHARE = 0.5  # a paper citing at least half of the seeds reviews the list
SURVEY_TITLE = re.compile(r"\b(surveys?|review|overview|tutorial|comprehensive study)\b", re.IGNORECASE)
_SURVEY_WORDS = ("survey", "review", "overview", "tutorial", "comprehensive study")
UNKNOWN_AGE = 10  # years assumed for a paper S2 gives no year for


def score(
    seeds: int, influential: int, citations: int | None, influential_citations: int | None = 0, years: int = 1
) -> float:
    """The ranking score (see the module docstring), rounded to two decimals.

    Parameters
    ----------
    seeds, influential : seeds the paper is linked to, and how many of those links S2 marks influential.
    citations, influential_citations : S2's counts for the paper (``None`` counts as 0).
    years : the years its citations are spread over (1 for foundations: their total counts).

    >>> score(2, 0, 0), score(2, 2, 0), score(2, 0, 9), score(2, 0, 90, years=10)
    (1.41, 2.0, 2.83, 2.83)
    """
    relevance = seeds + influential
    rate = ((citations or 0) + (influential_citations or 0)) / max(1, years)
    return round(math.sqrt(relevance) * (1 + math.log10(1 + rate)), 2)


def is_survey_title(title: str | None) -> bool:
    """Whether a title presents the paper as a survey, review, overview, tutorial or comprehensive study.

    >>> [is_survey_title(t) for t in ("Video Action Recognition: A Survey", "Deep learning for video: a review",
    ...     "A Comprehensive Study of Deep Video Action Recognition", "SlowFast Networks", "Reviewing Nets", None)]
    [True, True, True, False, False, False]
    """
    t = (title or "").lower()
    return any(w in t for w in _SURVEY_WORDS) and bool(SURVEY_TITLE.search(t))  # the cheap test first


def _count_text(x: float) -> str:
    """A count for a sentence: thousands separated, small rates with one decimal.

    >>> _count_text(1150), _count_text(191.6), _count_text(0.25), _count_text(0)
    ('1,150', '192', '0.2', '0')
    """
    if x and x < 1:
        return f"{x:.1f}"
    return f"{x:,.0f}"


def _years(kind: str, year: int | None, now: int | None) -> int:
    """The years a paper's citations are spread over: 1 for foundations (their total counts)."""
    if kind == "foundation":
        return 1
    if now is None or year is None:
        return UNKNOWN_AGE
    return max(1, now - year + 1)


def _row(G: nx.DiGraph, n: str, c: int, i: int | None, kind: str, n_seeds: int, now: int | None) -> dict:
    d = G.nodes[n]
    cites = d.get("citationCount")
    icites = d.get("influentialCitationCount")
    year = paper_year(d)
    years = _years(kind, year, now)
    how = "influence not fetched" if i is None else f"{i} influential"
    if kind == "foundation":
        per_year = None
        link = f"cited by {c} of {n_seeds} seeds ({how})"
    else:
        per_year = (cites or 0) / years
        link = f"cites {c} of {n_seeds} seeds ({how})"
    if cites is None:
        cited = "citations unknown"
    else:
        extra = [f"{_count_text(per_year)} a year"] if per_year is not None else []
        if icites:
            extra.append(f"{_count_text(icites)} influential")
        cited = f"cited {_count_text(cites)} times" + (f" ({', '.join(extra)})" if extra else "")
    coverage = c / n_seeds if n_seeds else 0.0
    if kind == "survey":
        link = f"covers {coverage:.0%} of the list: " + link
    ext = d.get("externalIds") or {}
    return {
        "paperId": n,
        "title": d.get("title") or "",
        "year": year,
        "kind": kind,
        "score": score(c, i or 0, cites, icites, years),
        "seeds": c,
        "influential": i,
        "reason": f"{link} · {cited}",
        "citationCount": cites,
        "influentialCitationCount": icites,
        "citationsPerYear": None if per_year is None else round(per_year, 1),
        "coverage": round(coverage, 4),
        "arxiv": str(ext["ArXiv"]) if ext.get("ArXiv") else None,
        "doi": str(ext["DOI"]) if ext.get("DOI") else None,
        "url": d.get("url") or S2_PAPER + n,
    }


def _rank(
    G: nx.DiGraph,
    found: list[tuple[str, int, int]],
    kind: str,
    n_seeds: int,
    now: int | None,
    top: int,
    fetched: bool = True,
) -> list[dict]:
    """The ``top`` best of ``found`` (``(paperId, seeds, influential links)``) as rows: ranked on bare keys first,
    so that only the rows shown are built. ``fetched`` False: the links' details were not fetched, so influential
    links count for nothing and rows say so (``influential: None``)."""
    keys = []
    for n, c, i in found:
        d = G.nodes[n]
        cites = d.get("citationCount")
        i = i if fetched else 0
        s = score(c, i, cites, d.get("influentialCitationCount"), _years(kind, paper_year(d), now))
        keys.append((-s, -c, -i, -(cites or 0), n))
    best = heapq.nsmallest(top, keys)
    return [_row(G, k[-1], -k[1], -k[2] if fetched else None, kind, n_seeds, now) for k in best]


def _count(G: nx.DiGraph, seeds: list, seedset: set, out: bool) -> tuple[dict, dict, bool]:
    """Links to the seeds per paper, influential ones, and whether every link counted had its details fetched
    (``isInfluential`` not None)."""
    cnt: dict = {}
    infl: dict = {}
    fetched = True
    for s in seeds:
        edges = G.out_edges(s, data=True) if out else G.in_edges(s, data=True)
        for u, v, e in edges:
            other = v if out else u
            if other in seedset:
                continue
            cnt[other] = cnt.get(other, 0) + 1
            flag = e.get("isInfluential")
            if flag is None:
                fetched = False
            elif flag:
                infl[other] = infl.get(other, 0) + 1
    return cnt, infl, fetched


def find_missing(
    G: nx.DiGraph, kind: str = "all", top: int = 20, since: str | None = None, now: int | None = None
) -> list[dict]:
    """Rank the papers the list lacks.

    Parameters
    ----------
    G : the citation graph (seeds carry ``seed=True``).
    kind : ``"foundation"``, ``"followup"``, ``"survey"`` (or their plurals) or ``"all"`` (the top ``top`` of
        each kind, merged best first).
    top : how many of each kind (≥ 1).
    since : ISO date; follow-ups must be published after it. Default: the post's date (``G.graph["date"]``);
        no date at all means no filter. Surveys are not filtered by date.
    now : the reference year for citations per year; default the newest year in the graph.

    Returns
    -------
    list of dicts, best first: ``paperId``, ``title``, ``year``, ``kind``, ``score`` (float, higher is better),
    ``seeds``, ``influential``, ``reason``, ``citationCount``, ``influentialCitationCount``, ``citationsPerYear``
    (``None`` for foundations), ``coverage`` (share of the seeds linked), ``arxiv``, ``doi`` (``None`` when S2 has
    none) and ``url`` (the S2 page).

    Raises
    ------
    GraphkitError : ``top`` is not a positive number or ``kind`` is unknown.

    >>> G = nx.DiGraph(date="2018-01-01")
    >>> for s in "abcde": G.add_node(s, seed=True, year=2016)
    >>> G.add_node("f", seed=False, title="Found", year=2012, citationCount=99)
    >>> G.add_node("u", seed=False, title="Up", year=2020, citationCount=40)
    >>> G.add_node("r", seed=False, title="Video nets: a survey", year=2019, citationCount=0)
    >>> G.add_edges_from([(s, "f", {"isInfluential": s == "a"}) for s in "abc"])
    >>> G.add_edges_from([("u", s, {"isInfluential": False}) for s in "ab"])
    >>> G.add_edges_from([("r", s, {"isInfluential": False}) for s in "ab"])
    >>> [(m["paperId"], m["kind"], m["score"]) for m in find_missing(G)]
    [('f', 'foundation', 6.0), ('u', 'followup', 3.7), ('r', 'survey', 1.41)]
    >>> find_missing(G, kind="followups")[0]["reason"]
    'cites 2 of 5 seeds (0 influential) · cited 40 times (40 a year)'
    >>> find_missing(G, kind="surveys")[0]["reason"]
    'covers 40% of the list: cites 2 of 5 seeds (0 influential) · cited 0 times (0 a year)'
    >>> for s in "abc": G.edges[s, "f"]["isInfluential"] = None   # details not fetched
    >>> m = find_missing(G, kind="foundations")[0]; m["score"], m["influential"], m["reason"]
    (5.2, None, 'cited by 3 of 5 seeds (influence not fetched) · cited 99 times')
    """
    if not isinstance(top, int) or isinstance(top, bool) or top < 1:
        raise GraphkitError(f"top must be a positive number, not {top!r}; give --top 1 or more")
    kind = kind_named(kind)
    seeds = []
    newest = None
    for n, d in G.nodes(data=True):
        if d.get("seed"):
            seeds.append(n)
        if now is None:
            y = paper_year(d)
            if y is not None and (newest is None or y > newest):
                newest = y
    now = newest if now is None else now
    seedset = set(seeds)
    n_seeds = len(seeds)
    out: list[dict] = []
    if kind in ("foundation", "all"):
        cnt, infl, fetched = _count(G, seeds, seedset, out=True)
        found = [(n, c, infl.get(n, 0)) for n, c in cnt.items() if c >= MIN_SEEDS]
        out += _rank(G, found, "foundation", n_seeds, now, top, fetched)
    if kind in ("followup", "survey", "all"):
        cnt, infl, fetched = _count(G, seeds, seedset, out=False)
        after = str(since if since is not None else G.graph.get("date") or "")[:10]
        followups, surveys = [], []
        for u, c in cnt.items():
            if c < MIN_SEEDS:
                continue
            if c >= SURVEY_SHARE * n_seeds or is_survey_title(G.nodes[u].get("title")):
                surveys.append((u, c, infl.get(u, 0)))
            elif not after or (paper_date(G.nodes[u]) or "") > after:
                followups.append((u, c, infl.get(u, 0)))
        if kind != "survey":
            out += _rank(G, followups, "followup", n_seeds, now, top, fetched)
        if kind != "followup":
            out += _rank(G, surveys, "survey", n_seeds, now, top, fetched)
    if kind == "all":
        out.sort(key=lambda r: (-r["score"], -r["seeds"], KINDS.index(r["kind"]), r["paperId"]))
    return out
