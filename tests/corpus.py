"""FIXTURE corpora for graphkit's tests and benchmarks — synthetic test data, NOT from Semantic Scholar.

Papers here have made-up 40-hex paperIds (sha1 of a fixture name) and made-up citation links. Titles of the
example post's seeds are the post's own titles so that title matching can be exercised; everything else
(foundations, follow-ups, citers, counts, years) is invented. Shapes follow S2's recorded responses in
``tests/fixtures/s2`` (real recorded responses).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

FIXTURE_NOTE = "FIXTURE: synthetic test data, not from Semantic Scholar"


def fid(name: str) -> str:
    """A made-up paperId for a fixture paper."""
    return hashlib.sha1(("graphkit-fixture:" + name).encode()).hexdigest()


@dataclass
class FixtureCorpus:
    """Papers, who cites whom, and how S2 would find them."""

    papers: dict[str, dict] = field(default_factory=dict)  # paperId -> S2 paper (every field)
    refs: dict[str, list[tuple[str, bool, list, list]]] = field(default_factory=dict)  # citing -> [(cited, infl, intents, contexts)]
    null_refs: dict[str, list[str]] = field(default_factory=dict)  # citing -> titles S2 could not match
    index: dict[str, str] = field(default_factory=dict)  # "ARXIV:…", "DOI:…", "CorpusId:…" -> paperId
    count_override: dict[tuple[str, str], int] = field(default_factory=dict)  # (pid, field) -> reported count
    _cites: dict[str, list] | None = None

    def add(self, name: str, title: str, year: int | None, *, arxiv: str | None = None, doi: str | None = None,
            pid: str | None = None, venue: str = "", authors: tuple[str, ...] = ("A. Fixture",),
            date: str | None = None) -> str:
        pid = pid or fid(name)
        corpus_id = int(pid[:7], 16)
        ext = {"CorpusId": corpus_id}
        if arxiv:
            ext["ArXiv"] = arxiv
            self.index["ARXIV:" + arxiv.lower()] = pid
        if doi:
            ext["DOI"] = doi
            self.index["DOI:" + doi.lower()] = pid
        self.index["CORPUSID:" + str(corpus_id)] = pid
        self.papers[pid] = {
            "paperId": pid,
            "externalIds": ext,
            "url": f"https://www.semanticscholar.org/paper/{pid}",
            "title": title,
            "venue": venue,
            "year": year,
            "publicationDate": date or (f"{year}-06-01" if year else None),
            "authors": [{"authorId": str(1000 + i), "name": a} for i, a in enumerate(authors)],
            "citationCount": 0,
            "influentialCitationCount": 0,
            "referenceCount": 0,
        }
        self.refs.setdefault(pid, [])
        self._cites = None
        return pid

    def cite(self, citing: str, cited: str, influential: bool = False, intents=("background",), contexts=()) -> None:
        if citing == cited or any(c == cited for c, *_ in self.refs[citing]):
            return
        self.refs[citing].append((cited, influential, list(intents), list(contexts)))
        self._cites = None

    def resolve(self, pid: str) -> str | None:
        if pid in self.papers:
            return pid
        head, _, rest = pid.partition(":")
        if rest and head.upper() in ("ARXIV", "DOI", "CORPUSID"):
            return self.index.get(head.upper() + ":" + rest.lower())
        if pid.startswith("10."):
            return self.index.get("DOI:" + pid.lower())
        return None

    def citers(self, pid: str) -> list:
        if self._cites is None:
            cites: dict[str, list] = {p: [] for p in self.papers}
            for citing in sorted(self.refs):
                for cited, infl, intents, contexts in self.refs[citing]:
                    cites.setdefault(cited, []).append((citing, infl, intents, contexts))
            self._cites = cites
        return self._cites.get(pid, [])

    def finalise(self) -> FixtureCorpus:
        """Set every paper's counts from the links (unless overridden, to model S2's wrong counts)."""
        self._cites = None
        for pid, p in self.papers.items():
            refs = self.refs.get(pid, [])
            p["referenceCount"] = len(refs) + len(self.null_refs.get(pid, []))
            cs = self.citers(pid)
            p["citationCount"] = len(cs)
            p["influentialCitationCount"] = sum(1 for c in cs if c[1])
        for (pid, fld), n in self.count_override.items():
            self.papers[pid][fld] = n
        return self


# --------------------------------------------------------------------------------------------------------------
def synthetic(n_seeds: int = 100, seed: int = 0, *, pool: int | None = None, heavy: bool = True,
              few: int = 300, many: tuple[int, int] = (1000, 2500)) -> tuple[FixtureCorpus, list[str]]:
    """A corpus of ``n_seeds`` seed papers with arXiv ids; returns it and the id lines for an id list.

    Each seed cites 20–60 papers from a shared pool and some earlier seeds; citation counts are spread (1 to
    ``few`` for most seeds, ``many`` for one in ten, so that their citations take two or more pages), and
    (``heavy``) one above 10,000 so that S2's cap is hit. Smaller ``few`` and ``many`` give a smaller corpus
    (the defaults give the corpora the benchmarks measured).
    """
    rng = random.Random(seed)
    fc = FixtureCorpus()
    pool = pool or max(200, n_seeds * 5)
    base = [fc.add(f"pool{i}", f"Fixture pool paper {i}", 2000 + i % 20) for i in range(pool)]
    seeds = []
    lines = []
    for i in range(n_seeds):
        arxiv = f"{15 + i % 9:02d}{1 + i % 12:02d}.{10000 + i:05d}"
        pid = fc.add(f"seed{i}", f"Fixture seed paper {i}", 2010 + i % 12, arxiv=arxiv)
        seeds.append(pid)
        lines.append("arXiv:" + arxiv)
        for cited in rng.sample(base, rng.randint(20, 60)):
            fc.cite(pid, cited, influential=rng.random() < 0.1)
        for cited in rng.sample(seeds[:-1], min(len(seeds) - 1, rng.randint(0, 5))):
            fc.cite(pid, cited, influential=rng.random() < 0.3)
    citer_id = 0
    for k, pid in enumerate(seeds):
        r = rng.random()
        n = 0 if r < 0.2 else rng.randint(1, few) if r < 0.9 else rng.randint(*many)
        if heavy and k == 0:
            n = 10_500
        for _ in range(n):
            cp = fc.add(f"citer{citer_id}", f"Fixture citing paper {citer_id}", 2015 + citer_id % 10)
            citer_id += 1
            fc.cite(cp, pid, influential=rng.random() < 0.05)
    return fc.finalise(), lines


# --------------------------------------------------------------------------------------------------------------
FOUNDATIONS = [  # (name, title, year): not in the post, cited by many of its seeds (planted)
    ("imagenet", "FIXTURE Foundation: ImageNet Classification with Deep Convolutional Neural Networks", 2012),
    ("vgg", "FIXTURE Foundation: Very Deep Convolutional Networks for Large-Scale Image Recognition", 2014),
    ("resnet", "FIXTURE Foundation: Deep Residual Learning for Image Recognition", 2015),
    ("ucf101", "FIXTURE Foundation: UCF101 - A Dataset of 101 Human Actions Classes", 2012),
    ("batchnorm", "FIXTURE Foundation: Batch Normalization", 2015),
]
FOLLOWUPS = [  # cite many seeds, published after the post (planted)
    ("slowfast", "FIXTURE Follow-up: SlowFast Networks for Video Recognition", 2019, "2019-12-10"),
    ("x3d", "FIXTURE Follow-up: X3D Expanding Architectures", 2020, "2020-04-09"),
    ("timesformer", "FIXTURE Follow-up: Is Space-Time Attention All You Need", 2021, "2021-02-09"),
]
LINEAGE = [  # (earlier key, later key): the later seed cites the earlier, influentially (planted)
    ("arXiv:1406.2199", "arXiv:1608.00859"),
    ("arXiv:1608.00859", "arXiv:1711.08496"),
    ("arXiv:1711.08496", "arXiv:1811.08383"),
    ("arXiv:1608.00859", "arXiv:1804.09066"),
    ("arXiv:1412.0767", "arXiv:1705.07750"),
    ("arXiv:1412.0767", "arXiv:1711.10305"),
    ("arXiv:1412.0767", "arXiv:1711.11248"),
]


def _year_of(seed) -> int | None:
    if seed.date and seed.date[:4].isdigit():
        return int(seed.date[:4])
    if seed.venue and seed.venue[-4:].isdigit():
        return int(seed.venue[-4:])
    return None


def from_seedlist(seedlist, seed: int = 1, *, unknown: tuple[str, ...] = (), no_match: tuple[str, ...] = (),
                  hostile: bool = False) -> FixtureCorpus:
    """A corpus holding a SeedList's papers (found by their arXiv / DOI / S2 ids or by title), with planted
    foundations and follow-ups and the :data:`LINEAGE` links.

    ``unknown``: seed keys S2 "does not know" (batch answers null); ``no_match``: title-only seed titles with
    no match. ``hostile``: one foundation's title and venue are HTML/script strings.
    """
    rng = random.Random(seed)
    fc = FixtureCorpus()
    pid_of: dict[str, str] = {}
    for s in seedlist.papers:
        if s.key in unknown or (s.title in no_match and not s.api_id):
            continue
        year = _year_of(s) or 2016
        pid = fc.add(s.key, s.title or s.key, year, arxiv=s.ids.get("arxiv"), doi=s.ids.get("doi"),
                     pid=s.ids.get("s2"), venue=(s.venue or "")[:-5] if s.venue else "",
                     date=s.date if s.date and len(s.date) == 10 else None)
        pid_of[s.key] = pid
    order = sorted(pid_of.values(), key=lambda p: (fc.papers[p]["publicationDate"] or "", p))
    for a, b in LINEAGE:
        if a in pid_of and b in pid_of:
            fc.cite(pid_of[b], pid_of[a], influential=True, intents=["methodology"],
                    contexts=[f"FIXTURE context: we build on {a}"])
    # and some earlier seeds, at random
    for i, pid in enumerate(order):
        for cited in order[:i]:
            if rng.random() < 0.06:
                fc.cite(pid, cited, influential=False, intents=["background"])
    # planted foundations: cited by many seeds, fewer for later ones in the list
    found_ids = []
    for rank, (name, title, year) in enumerate(FOUNDATIONS):
        venue = "CVPR"
        if hostile and name == "batchnorm":
            title, venue = "<img src=x onerror=alert(1)> FIXTURE hostile title", "<script>window.__pwned=1</script>"
        pid = fc.add(name, title, year, venue=venue)
        found_ids.append(pid)
        share = 0.8 - 0.12 * rank
        for s in order:
            if fc.papers[s]["year"] and fc.papers[s]["year"] >= year and rng.random() < share:
                fc.cite(s, pid, influential=rng.random() < 0.3, intents=["methodology"])
    # noise: each seed cites a few papers of its own
    for k, s in enumerate(order):
        for j in range(rng.randint(3, 8)):
            pid = fc.add(f"ref-{k}-{j}", f"FIXTURE reference {k}.{j}", 2005 + (k + j) % 10)
            fc.cite(s, pid)
        if k % 7 == 0:
            fc.null_refs.setdefault(s, []).append(f"FIXTURE unmatched reference of seed {k}")
    # planted follow-ups: cite many seeds
    for rank, (name, title, year, date) in enumerate(FOLLOWUPS):
        pid = fc.add(name, title, year, date=date, venue="ICCV")
        share = 0.7 - 0.15 * rank
        for s in order:
            if rng.random() < share:
                fc.cite(pid, s, influential=rng.random() < 0.2, intents=["background"])
    # noise: a few citers per seed, each citing one or two seeds
    for k, s in enumerate(order):
        for j in range(rng.randint(2, 12)):
            pid = fc.add(f"citer-{k}-{j}", f"FIXTURE citing paper {k}.{j}", 2017 + (k + j) % 5)
            fc.cite(pid, s)
            if rng.random() < 0.3:
                fc.cite(pid, order[(k + 1) % len(order)])
    return fc.finalise()
