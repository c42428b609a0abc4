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


# Made-up authors for FIXTURE papers (surnames common in the field, so that labels such as "Wang '16" look
# and collide as real ones do). No paper here is by these people.
SURNAMES = (
    "Wang",
    "Zhou",
    "Carreira",
    "Tran",
    "Feichtenhofer",
    "Simonyan",
    "Karpathy",
    "Donahue",
    "Zhang",
    "Li",
    "Qiu",
    "Lin",
    "Xie",
    "Ng",
    "Varol",
    "Wu",
    "Girdhar",
    "Diba",
    "Zolfaghari",
    "Sun",
    "Ji",
    "Kay",
    "Liu",
    "Chen",
)


def fixture_authors(name: str) -> tuple[str, ...]:
    """Two or three made-up author names for a FIXTURE paper, fixed by its fixture name."""
    h = int(hashlib.sha1(("authors:" + name).encode()).hexdigest(), 16)
    return tuple(
        f"{'ABCDEFGHJKLMNPRSTWXY'[(h >> (8 * k)) % 20]}. {SURNAMES[(h >> (8 * k + 4)) % len(SURNAMES)]}"
        for k in range(2 + h % 2)
    )


def fid(name: str) -> str:
    """A made-up paperId for a fixture paper."""
    return hashlib.sha1(("graphkit-fixture:" + name).encode()).hexdigest()


@dataclass
class FixtureCorpus:
    """Papers, who cites whom, and how S2 would find them."""

    papers: dict[str, dict] = field(default_factory=dict)  # paperId -> S2 paper (every field)
    refs: dict[str, list[tuple[str, bool, list, list]]] = field(
        default_factory=dict
    )  # citing -> [(cited, infl, intents, contexts)]
    null_refs: dict[str, list[str]] = field(default_factory=dict)  # citing -> titles S2 could not match
    index: dict[str, str] = field(default_factory=dict)  # "ARXIV:…", "DOI:…", "CorpusId:…" -> paperId
    count_override: dict[tuple[str, str], int] = field(default_factory=dict)  # (pid, field) -> reported count
    _cites: dict[str, list] | None = None
    _titles: tuple[dict, list] | None = None
    _cited: set[tuple[str, str]] = field(default_factory=set)  # (citing, cited): the links in refs, as a set

    def add(
        self,
        name: str,
        title: str,
        year: int | None,
        *,
        arxiv: str | None = None,
        doi: str | None = None,
        pid: str | None = None,
        venue: str = "",
        authors: tuple[str, ...] | None = None,
        date: str | None = None,
    ) -> str:
        pid = pid or fid(name)
        authors = authors if authors is not None else fixture_authors(name)
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
        self._cites = self._titles = None
        return pid

    def cite(
        self, citing: str, cited: str, influential: bool = False, intents=("background",), contexts=()
    ) -> None:
        if citing == cited or (citing, cited) in self._cited:
            return
        self._cited.add((citing, cited))
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

    def titles(self) -> tuple[dict, list]:
        """The papers' normalised titles: ``{title: first paperId}`` and ``[(paperId, title)]`` in order, built
        once (the title match reads them for every query)."""
        if self._titles is None:
            from graphkit.seeds import normalise_title

            rows = [(pid, normalise_title(p["title"] or "")) for pid, p in self.papers.items()]
            exact: dict[str, str] = {}
            for pid, t in rows:
                exact.setdefault(t, pid)
            self._titles = exact, rows
        return self._titles

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
def synthetic(
    n_seeds: int = 100,
    seed: int = 0,
    *,
    pool: int | None = None,
    heavy: bool = True,
    few: int = 300,
    many: tuple[int, int] = (1000, 2500),
) -> tuple[FixtureCorpus, list[str]]:
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
    (
        "imagenet",
        "ImageNet Classification with Deep Convolutional Neural Networks (FIXTURE foundation)",
        2012,
    ),
    ("vgg", "Very Deep Convolutional Networks for Large-Scale Image Recognition (FIXTURE foundation)", 2014),
    ("resnet", "Deep Residual Learning for Image Recognition (FIXTURE foundation)", 2015),
    ("ucf101", "UCF101: A Dataset of 101 Human Actions Classes (FIXTURE foundation)", 2012),
    ("batchnorm", "Batch Normalization: Accelerating Deep Network Training (FIXTURE foundation)", 2015),
]
FOLLOWUPS = [  # (name, title, year, date, share of seeds cited, citationCount, influentialCitationCount):
    # published after the post, cite 15-35 % of its seeds, cited thousands of times (planted)
    (
        "slowfast",
        "SlowFast Networks for Video Recognition (FIXTURE follow-up)",
        2019,
        "2019-12-10",
        0.32,
        3100,
        420,
    ),
    (
        "x3d",
        "X3D: Expanding Architectures for Efficient Video Recognition (FIXTURE follow-up)",
        2020,
        "2020-04-09",
        0.22,
        1150,
        160,
    ),
    (
        "timesformer",
        "Is Space-Time Attention All You Need for Video Understanding? (FIXTURE follow-up)",
        2021,
        "2021-02-09",
        0.16,
        1500,
        210,
    ),
]
UNCITED = [  # (name, title, year, date, share): after the post, cite 35-45 % of the seeds, cited by nobody (planted)
    (
        "bench-a",
        "A Large-Scale Benchmark Comparison of Video Networks (FIXTURE uncited)",
        2020,
        "2020-08-01",
        0.45,
    ),
    ("bench-b", "Revisiting Temporal Models on Ten Datasets (FIXTURE uncited)", 2021, "2021-06-01", 0.40),
    ("bench-c", "Yet Another Video Transformer (FIXTURE uncited)", 2021, "2021-09-01", 0.35),
]
SURVEYS = [  # (name, title, year, date, share, citationCount): review the list (planted); the first by its coverage,
    # the second by its title only
    (
        "survey",
        "Deep Learning for Video Classification, from Two Streams to Transformers (FIXTURE survey)",
        2020,
        "2020-11-01",
        0.62,
        180,
    ),
    ("review", "Action Recognition Networks: A Review (FIXTURE survey)", 2019, "2019-09-01", 0.12, 25),
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


def from_seedlist(
    seedlist,
    seed: int = 1,
    *,
    unknown: tuple[str, ...] = (),
    no_match: tuple[str, ...] = (),
    hostile: bool = False,
    lineage: list[tuple[str, str]] | None = None,
    foundations: list[tuple] | None = None,
    followups: list[tuple] | None = None,
) -> FixtureCorpus:
    """A corpus holding a SeedList's papers (found by their arXiv / DOI / S2 ids or by title), with planted
    :data:`FOUNDATIONS`, influential :data:`FOLLOWUPS`, :data:`UNCITED` many-seed papers, :data:`SURVEYS` and
    the :data:`LINEAGE` links.

    ``unknown``: seed keys S2 "does not know" (batch answers null); ``no_match``: title-only seed titles with
    no match. ``hostile``: one foundation's title and venue are HTML/script strings. ``lineage``, ``foundations``
    and ``followups`` replace the planted lists (a foundation may carry its share of seeds as a fourth field).
    """
    rng = random.Random(seed)
    fc = FixtureCorpus()
    pid_of: dict[str, str] = {}
    for s in seedlist.papers:
        if s.key in unknown or (s.title in no_match and not s.api_id):
            continue
        year = _year_of(s) or 2016
        pid = fc.add(
            s.key,
            s.title or s.key,
            year,
            arxiv=s.ids.get("arxiv"),
            doi=s.ids.get("doi"),
            pid=s.ids.get("s2"),
            venue=(s.venue or "")[:-5] if s.venue else "",
            date=s.date if s.date and len(s.date) == 10 else None,
        )
        pid_of[s.key] = pid
    order = sorted(pid_of.values(), key=lambda p: (fc.papers[p]["publicationDate"] or "", p))
    for a, b in LINEAGE if lineage is None else lineage:
        if a in pid_of and b in pid_of:
            fc.cite(
                pid_of[b],
                pid_of[a],
                influential=True,
                intents=["methodology"],
                contexts=[f"FIXTURE context: we build on {a}"],
            )
    # and some earlier seeds, at random
    for i, pid in enumerate(order):
        for cited in order[:i]:
            if rng.random() < 0.06:
                fc.cite(pid, cited, influential=False, intents=["background"])
    # planted foundations: cited by many seeds, fewer for later ones in the list
    found_ids = []
    for rank, (name, title, year, *share) in enumerate(FOUNDATIONS if foundations is None else foundations):
        venue = "CVPR"
        if hostile and name == "batchnorm":
            title, venue = (
                "<img src=x onerror=alert(1)> FIXTURE hostile title",
                "<script>window.__pwned=1</script>",
            )
        pid = fc.add(name, title, year, venue=venue)
        found_ids.append(pid)
        share = share[0] if share else 0.8 - 0.12 * rank
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
    # planted follow-ups, uncited many-seed papers and surveys (their own random stream)
    prng = random.Random(seed + 1000)

    def plant(name, title, year, date, share, cites=None, infl=None, arxiv=None):
        pid = fc.add(name, title, year, date=date, venue="ICCV", arxiv=arxiv, doi=f"10.9999/fixture.{name}")
        for s in prng.sample(order, max(2, round(share * len(order)))):
            fc.cite(pid, s, influential=prng.random() < 0.2, intents=["background"])
        if cites is not None:
            fc.count_override[(pid, "citationCount")] = cites
        if infl is not None:
            fc.count_override[(pid, "influentialCitationCount")] = infl

    for k, (name, title, year, date, share, cites, infl) in enumerate(
        FOLLOWUPS if followups is None else followups
    ):  # made-up arXiv ids (99xxx)
        plant(name, title, year, date, share, cites, infl, arxiv=f"{date[2:4]}{date[5:7]}.9900{k}")
    for name, title, year, date, share in UNCITED:
        plant(name, title, year, date, share)
    for name, title, year, date, share, cites in SURVEYS:
        plant(name, title, year, date, share, cites, cites // 10)
    # noise: a few citers per seed, each citing one or two seeds
    for k, s in enumerate(order):
        for j in range(rng.randint(2, 12)):
            pid = fc.add(f"citer-{k}-{j}", f"FIXTURE citing paper {k}.{j}", 2017 + (k + j) % 5)
            fc.cite(pid, s)
            if rng.random() < 0.3:
                fc.cite(pid, order[(k + 1) % len(order)])
    return fc.finalise()


HEAVY = {
    "arXiv:1608.00859": 11_500,
    "arXiv:1705.07750": 7_000,
    "arXiv:1412.0767": 5_200,
    "arXiv:1406.2199": 3_100,
}
# one seed over S2's 10,000-citation batch cap and one of 1,200 (12,700 citers): lists read page by page, at half
# the size of HEAVY
HEAVY_LIGHT = {"arXiv:1608.00859": 11_500, "arXiv:1705.07750": 1_200}


def with_heavy_citers(
    fc: FixtureCorpus, seedlist, counts: dict[str, int] = HEAVY, seed: int = 7
) -> FixtureCorpus:
    """The field as it is: four seeds cited thousands of times (TSN, I3D, C3D, Two-Stream by default, ~27,000
    FIXTURE citing papers in all), some of the citers citing a second seed, one in 13 with no year."""
    rng = random.Random(seed)
    pid_of = {s.key: fc.resolve("ARXIV:" + s.ids["arxiv"]) for s in seedlist.papers if s.ids.get("arxiv")}
    pid_of = {k: v for k, v in pid_of.items() if v}
    seeds = sorted(pid_of.values())
    k = 0
    for key, n in counts.items():
        for _ in range(n):
            cp = fc.add(f"heavy-{k}", f"FIXTURE heavy citer {k}", 2015 + k % 11 if k % 13 else None)
            k += 1
            fc.cite(cp, pid_of[key])
            if rng.random() < 0.08:
                fc.cite(cp, rng.choice(seeds))
    return fc.finalise()


# The second fixture post (tests/fixtures/lists/second-post.md, FIXTURE): a later field, planted so that its map
# holds about 120 papers — 82 seeds, a dozen foundations and two dozen follow-ups after the post's date.
SECOND_FOUNDATIONS = [
    (f"found2-{k}", f"{title} (FIXTURE foundation)", year, share)
    for k, (title, year, share) in enumerate(
        [
            ("Attention Is All You Need", 2017, 0.55),
            ("Deep Residual Learning for Image Recognition", 2015, 0.7),
            ("An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale", 2020, 0.45),
            ("Quo Vadis, Action Recognition? A New Model and the Kinetics Dataset", 2017, 0.6),
            ("Temporal Segment Networks: Towards Good Practices for Deep Action Recognition", 2016, 0.5),
            ("Learning Spatiotemporal Features with 3D Convolutional Networks", 2015, 0.4),
            ("Non-local Neural Networks", 2017, 0.35),
            ("Momentum Contrast for Unsupervised Visual Representation Learning", 2019, 0.3),
            ("Learning Transferable Visual Models From Natural Language Supervision", 2021, 0.25),
            ("Masked Autoencoders Are Scalable Vision Learners", 2021, 0.25),
            ("Swin Transformer: Hierarchical Vision Transformer using Shifted Windows", 2021, 0.3),
            ("The Kinetics Human Action Video Dataset", 2017, 0.5),
        ]
    )
]
SECOND_FOLLOWUPS = [
    (
        f"follow2-{k}",
        f"{title} (FIXTURE follow-up)",
        2023 + (k >= 12),
        f"{2023 + (k >= 12)}-{7 + k % 6:02d}-{1 + 2 * k % 27:02d}",
        share,
        cites,
        cites // 9,
    )
    for k, (title, share, cites) in enumerate(
        [
            ("Unmasked Teacher: Towards Training-Efficient Video Foundation Models", 0.35, 1800),
            ("VideoMamba: State Space Model for Efficient Video Understanding", 0.3, 1400),
            ("InternVideo2: Scaling Video Foundation Models", 0.32, 1100),
            ("Side4Video: Spatial-Temporal Side Network for Memory-Efficient Video Recognition", 0.2, 640),
            ("Video-LLaMA: An Instruction-tuned Audio-Visual Language Model", 0.18, 1300),
            ("Temporal Action Detection with Long Video Transformers", 0.22, 210),
            ("Efficient Video Action Detection with Token Dropout", 0.16, 95),
            ("Dual-Path Adaptation from Image to Video Transformers", 0.24, 180),
            ("Zero-shot Video Classification with Large Language Models", 0.15, 260),
            ("Hierarchical Masked Video Modelling at Scale", 0.2, 150),
            ("Streaming Temporal Action Segmentation", 0.14, 60),
            ("Action Segmentation with Diffusion Priors", 0.15, 75),
            ("OmniVid: A Generative Framework for Universal Video Understanding", 0.25, 120),
            ("Long-form Video Understanding with Memory Transformers", 0.18, 220),
            ("Video Foundation Models: A Benchmark of Forty Tasks", 0.3, 90),
            ("Rethinking Temporal Localization with Queries", 0.2, 110),
            ("One-stage Temporal Action Detection Revisited", 0.17, 70),
            ("Self-supervised Video Pretraining from Unlabelled Streams", 0.21, 130),
            ("Efficient Video Transformers with Token Merging", 0.19, 300),
            ("Spatio-temporal Prompting for Video-Language Models", 0.16, 85),
            ("Dense Video Captioning with Event Queries", 0.12, 140),
            ("Audio-Visual Action Recognition at Scale", 0.13, 55),
            ("Multi-view Video Transformers Revisited", 0.14, 45),
            ("Video Segmentation of Actions without Labels", 0.12, 35),
        ]
    )
]
