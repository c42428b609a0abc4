"""The stages joined: source -> seeds -> corpus (S2, cached) -> graph -> analyses -> files.

The CLI calls these; so can a notebook. Nothing here prints: progress goes through a callback.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from .files import atomic_write, check_writable
from .graph import build_graph, save_graph
from .seeds import SeedList, parse_seeds


@dataclass
class Collected:
    seeds: SeedList
    corpus: dict
    graph: nx.DiGraph
    timings: dict = field(default_factory=dict)


def collect(
    source: str,
    client,
    progress: Callable[[dict], None] | None = None,
    *,
    chains: list[list[str]] | None = None,
    detail: str = "lists",
    max_bytes: int | None = None,
    seedlist: SeedList | None = None,
) -> Collected:
    """Parse SOURCE (unless ``seedlist`` is its parse already), fetch (or read from the cache) what S2 knows of
    its seeds, and build the graph.

    ``chains``: the declared lineages, whose links get their edge details fetched; ``detail``: ``"lists"`` (edge
    details for those only) or ``"full"`` (every seed's pages, every edge's details) — see :mod:`graphkit.fetch`.
    """
    from .fetch import fetch_corpus
    from .lineage import chain_targets

    t0 = time.perf_counter()
    sl = seedlist if seedlist is not None else parse_seeds(source, max_bytes=max_bytes)
    if not sl.papers:
        from .errors import SeedError

        raise SeedError(no_papers(sl) + "; nothing to fetch")
    t1 = time.perf_counter()
    client.reset_fetched()
    targets = (lambda seeds, papers: chain_targets(chains, seeds, papers)) if chains else None
    corpus = fetch_corpus(sl, client, progress=progress, detail=detail, targets=targets)
    corpus["fetched"] = client.fetched_span()
    corpus.setdefault("meta", {}).update(api=client.origin, api_official=client.official)
    t2 = time.perf_counter()
    G = build_graph(corpus)
    t3 = time.perf_counter()
    return Collected(sl, corpus, G, {"seeds": t1 - t0, "fetch": t2 - t1, "graph": t3 - t2})


def no_papers(sl: SeedList) -> str:
    """What a source without papers looked like, and what graphkit looks for."""
    return (
        f"no papers found in {sl.source}: graphkit reads list items, table rows, paragraphs and headings that "
        f"link a paper (arXiv, DOI or Semantic Scholar) or name one (arXiv:ID; a title in a list item); it saw "
        f"{sl.links} links and skipped {len(sl.skipped)} entries (`graphkit seeds {sl.source}` lists them)"
    )


def analyse(
    G: nx.DiGraph, *, chains: list[list[str]] = (), top: int = 20, aliases: dict | None = None
) -> dict:
    """Declared lineage, backbone, main path and missing papers of a graph (``aliases``, names for papers, are
    applied to ``G`` first: see :func:`graphkit.lineage.apply_aliases`)."""
    from .discover import find_missing
    from .lineage import apply_aliases, backbone, check_declared, main_path

    if aliases:
        apply_aliases(G, aliases)
    t0 = time.perf_counter()
    declared = check_declared(G, chains) if chains else []
    t1 = time.perf_counter()
    bb = backbone(G)
    t2 = time.perf_counter()
    main = main_path(G)
    t3 = time.perf_counter()
    missing = find_missing(G, kind="all", top=top)
    t4 = time.perf_counter()
    return {
        "declared": declared,
        "backbone": bb,
        "main_path": main,
        "missing": missing,
        "timings": {"declared": t1 - t0, "backbone": t2 - t1, "main_path": t3 - t2, "missing": t4 - t3},
    }


def write_site(
    G: nx.DiGraph,
    outdir: str | Path,
    analyses: dict,
    *,
    title: str | None,
    max_nodes: int | None = None,
    slug: str = "map",
    formats: tuple[str, ...] = (),
) -> dict:
    """Write every output into OUTDIR: graph.json, CSV, BibTeX, report.md, index.html (the map) and map.svg (the
    same map, static), plus GraphML / GEXF when ``formats`` names them (see :func:`graphkit.export.parse_formats`).

    The build is compared with the previous one in OUTDIR (its snapshot, :data:`SNAPSHOT`): what changed goes into
    report.md and the result's ``changes`` (None on a first build); then this build's snapshot replaces it.
    """
    from .changes import compare, snapshot
    from .export import write_all
    from .mapview import map_view
    from .render import write_html
    from .svgmap import write_svg

    out = Path(outdir)
    check_writable(out)  # and removes what a build killed while writing left behind
    timings = {}
    t0 = time.perf_counter()
    built = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    snap = snapshot(G, declared=analyses["declared"], missing=analyses["missing"], built=built)
    changes = compare(read_snapshot(out), snap)
    save_graph(G, out / "graph.json")
    t1 = time.perf_counter()
    files = write_all(
        G,
        out,
        declared=analyses["declared"],
        main=analyses["main_path"],
        missing=analyses["missing"],
        formats=tuple(formats),
        changes=changes,
    )
    t2 = time.perf_counter()
    page_title = title or G.graph.get("title") or "graphkit map"
    view = map_view(
        G,
        missing=analyses["missing"],
        declared=analyses["declared"],
        main_path=analyses["main_path"],
        backbone=analyses["backbone"],
        max_nodes=max_nodes,
        title=page_title,
    )
    html = write_html(G, out / "index.html", title=page_title, view=view, slug=slug)
    html["svg_bytes"] = write_svg(view, out / "map.svg")
    t3 = time.perf_counter()
    timings.update(graph_json=t1 - t0, exports=t2 - t1, html=t3 - t2)
    snap["map"] = {"title": page_title, "slug": slug}  # what `graphkit embed` says of this map
    # a rename: a planted symlink is replaced, a kill leaves the old one
    with atomic_write(out / SNAPSHOT) as f:
        f.write(json.dumps(snap, ensure_ascii=False))
    return {
        "files": [str(out / "graph.json"), *map(str, files), str(out / "index.html"), str(out / "map.svg")],
        "html": html,
        "timings": timings,
        "changes": changes,
    }


SNAPSHOT = ".graphkit-snapshot.json"  # what the last build in an OUTDIR found (graphkit.changes.snapshot)


def read_snapshot(outdir: str | Path) -> dict | None:
    """The snapshot the previous build left in OUTDIR, or None (none, or unreadable: then nothing is compared)."""
    try:
        snap = json.loads((Path(outdir) / SNAPSHOT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return snap if isinstance(snap, dict) else None


def map_record(outdir: str | Path) -> dict:
    """What the last build into OUTDIR recorded of its map: ``{"title", "slug"}`` (the slug a safe name, else
    ``map``); empty when no build recorded it. ``graphkit embed`` reads this, never the HTML.

    >>> map_record("/nonexistent")
    {}
    """
    rec = (read_snapshot(outdir) or {}).get("map")
    if not isinstance(rec, dict):
        return {}
    slug = rec.get("slug") if isinstance(rec.get("slug"), str) else ""
    title = rec.get("title") if isinstance(rec.get("title"), str) else ""
    return {"title": title, "slug": slug if re.fullmatch(r"[a-z0-9][a-z0-9-]{0,80}", slug) else "map"}


def front_matter(source: str) -> dict:
    """A Markdown post's Jekyll front matter (``{}`` for stdin, another kind of file, or front matter that is not
    a YAML mapping; the seed parser reports those)."""
    if source == "-":
        return {}
    try:
        with Path(source).open(encoding="utf-8", errors="replace") as f:
            head = f.read(65_536)
    except OSError:
        return {}
    from .seeds.frontmatter import split_front_matter

    return split_front_matter(head)[0]


def source_slug(source: str, front: dict | None = None) -> str:
    """The asset name of a post's map (see :func:`graphkit.render.post_slug`), from its front matter or file name."""
    from .render import post_slug

    return post_slug(source, front if front is not None else front_matter(source))


def post_settings(source: str, front: dict | None = None) -> tuple[list[list[str]], dict[str, str]]:
    """The lineages and names a post declares in its front matter, under a ``graphkit:`` key::

        graphkit:
          lineages:
            - TSN -> TRN -> TSM
          aliases:
            TRN: arXiv:1711.08496

    so that ``build``, ``lineage`` and ``missing`` find them without ``--lineages``. Returns ``(chains, aliases)``.
    """
    from .errors import LineageError
    from .lineage import parse_lineage_lines

    conf = (front if front is not None else front_matter(source)).get("graphkit")
    if conf is None:
        return [], {}
    where = f"{source}: front matter graphkit:"
    if not isinstance(conf, dict):
        raise LineageError(
            f"{where} must be a mapping with 'lineages' (a list of 'A -> B') and 'aliases' (name: id)"
        )
    lines = conf.get("lineages") or []
    names = conf.get("aliases") or {}
    if isinstance(lines, str):
        lines = [lines]
    if not isinstance(lines, list) or not isinstance(names, dict):
        raise LineageError(
            f"{where} 'lineages' must be a list of 'A -> B -> C' and 'aliases' a mapping name: id"
        )
    chains, aliases = parse_lineage_lines([str(x) for x in lines], where=f"{where} lineages item ")
    aliases.update({str(k): str(v) for k, v in names.items()})
    return chains, aliases


def published_by_jekyll(path: str | Path) -> Path | None:
    """The Jekyll site root (a folder with ``_config.yml`` above ``path``) that would publish ``path`` into
    ``_site``, or None: Jekyll skips what starts with ``_`` or ``.`` and what ``exclude:`` names.

    >>> import tempfile, os
    >>> d = Path(tempfile.mkdtemp()); _ = (d / "_config.yml").write_text("exclude: [notes]")
    >>> [published_by_jekyll(d / p) is not None for p in ("cache", "notes/x", "_drafts/y", ".cache")]
    [True, False, False, False]
    """
    p = Path(path).resolve()
    for root in [p, *p.parents]:
        cfg = root / "_config.yml"
        if root != p and cfg.is_file():
            first = p.relative_to(root).parts[0]
            if first.startswith(("_", ".")):
                return None
            from .files import read_small_text
            from .seeds.frontmatter import load_yaml

            try:
                conf = load_yaml(read_small_text(cfg, "Jekyll _config.yml", ValueError))
            except ValueError:
                conf = {}
            excluded = conf.get("exclude") if isinstance(conf, dict) else None
            if isinstance(excluded, list) and any(
                str(e).strip("/") in (first, first + "/") for e in excluded
            ):
                return None
            return root
    return None


def summary(collected: Collected | BuildResult, site: dict | None = None) -> dict:
    """The build summary (also ``graphkit build --json``) of what was collected (or built) and written."""
    G = collected.graph
    stats = collected.corpus.get("stats", {})
    out = {
        "seeds": len(collected.seeds.papers),
        "resolved": G.graph.get("seeds", 0),
        "unresolved": G.graph.get("unresolved", []),
        "papers": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "requests": stats.get("requests", 0),
        "batch_requests": stats.get("batch_requests"),
        "paged_requests": stats.get("paged_requests", 0),
        "detail": stats.get("detail", "full"),
        "cache_hits": stats.get("cache_hits", 0),
        "short": collected.corpus.get("short", []),
        "citations_cut": collected.corpus.get("citations_cut", {}),
        "skipped": [s.to_dict() for s in collected.seeds.skipped],
        "fetched": G.graph.get("fetched"),
    }
    if site is not None:
        out["files"] = site["files"]
        ch = site.get("changes")
        out["changes"] = None if ch is None else {k: v for k, v in ch.items() if k != "titles"}
    return out


# ----------------------------------------------------------------------------------------------------------------
# The Python face: one call from a post to every result, for notebooks and scripts (the CLI's commands do the same)
def named_chains(chains: list[list[str]], aliases: dict) -> list[list[str]]:
    """Chains with the names given to papers replaced by what they name, for the fetch plan (before any graph).

    >>> named_chains([["TRN", "TSM"]], {"TRN": "arXiv:1711.08496"})
    [['arXiv:1711.08496', 'TSM']]
    """
    return [[aliases.get(name, name) for name in chain] for chain in chains]


def read_chains(
    source: str, lineages: str | None = None, lineage=(), front: dict | None = None
) -> tuple[list[list[str]], dict]:
    """The declared chains and names: the post's front matter (``graphkit:``; ``front`` when the post was read
    already), then a lineages file, then ``lineage`` (chains as text, ``"TSN -> TRN"``). Returns
    ``(chains, aliases)``."""
    from .lineage import parse_chain, read_lineages

    chains, aliases = post_settings(source, front)
    if lineages:
        chains += read_lineages(lineages, aliases)
    chains += [parse_chain(text) for text in lineage]
    return chains, aliases


@dataclass
class BuildResult:
    """What :func:`build` found: the seeds, the graph, the analyses; :meth:`network` and :meth:`write` turn them
    into a pyvis map and the files ``graphkit build`` writes."""

    seeds: SeedList
    graph: nx.DiGraph
    corpus: dict
    analyses: dict
    warnings: list[str] = field(default_factory=list)

    @property
    def lineage(self) -> dict:
        """``declared`` (each declared link: direct / indirect / missing, with its details), ``backbone`` and
        ``main_path``, as ``graphkit lineage`` reports them."""
        a = self.analyses
        return {"declared": a["declared"], "backbone": a["backbone"], "main_path": a["main_path"]}

    @property
    def missing(self) -> list[dict]:
        """The influential papers the list is missing, best first (foundations, follow-ups, surveys)."""
        return self.analyses["missing"]

    def view(self, *, max_nodes: int | None = None, title: str | None = None) -> dict:
        """The laid-out map (positions, labels, styles, legend) the HTML and SVG maps draw."""
        from .mapview import map_view

        a = self.analyses
        return map_view(
            self.graph,
            missing=a["missing"],
            declared=a["declared"],
            main_path=a["main_path"],
            backbone=a["backbone"],
            max_nodes=max_nodes,
            title=title or self.seeds.title or "graphkit map",
        )

    def network(self, *, max_nodes: int | None = None, height: str = "640px"):
        """The map as a ``pyvis.network.Network`` (:func:`graphkit.render.network`): every drawn paper at its
        computed position, styled as on the map, physics off, with graphkit's template —
        ``net.show("map.html", notebook=True)`` in Jupyter, or ``net.write_html(path)``."""
        from .render import network

        return network(self.view(max_nodes=max_nodes), height=height)

    def write(
        self,
        outdir: str | Path,
        *,
        title: str | None = None,
        max_nodes: int | None = None,
        formats: tuple[str, ...] = (),
        slug: str = "map",
    ) -> dict:
        """Write the files ``graphkit build`` writes into ``outdir`` (see :func:`write_site`)."""
        return write_site(
            self.graph,
            outdir,
            self.analyses,
            title=title or self.seeds.title,
            max_nodes=max_nodes,
            slug=slug,
            formats=formats,
        )


def build(
    source: str,
    *,
    lineages: str | None = None,
    lineage=(),
    cache_dir: str | Path | None = None,
    api_url: str | None = None,
    rps: float | None = None,
    offline: bool = False,
    refresh: bool = False,
    detail: str = "lists",
    max_age: float | None = None,
    max_bytes: int | None = None,
    top: int = 20,
    progress: Callable[[dict], None] | None = None,
    client=None,
    seedlist: SeedList | None = None,
) -> BuildResult:
    """Read SOURCE (once: its seeds and its front matter; ``seedlist`` when it was read already), fetch (or read
    from the cache) what Semantic Scholar knows of its seeds, build the graph and its analyses — what ``graphkit
    build`` does before it writes. Settings not given come from the environment, as for the CLI (see
    :func:`open_client`).

    Raises
    ------
    SeedError
        The source cannot be read, has no papers, or none of its papers resolved.
    S2Error, CacheError, LineageError
        As the CLI reports them (one line each).

    >>> import graphkit
    >>> callable(graphkit.build)
    True
    """
    sl = seedlist if seedlist is not None else parse_seeds(source, max_bytes=max_bytes)
    chains, aliases = read_chains(source, lineages, lineage, front=sl.front_matter)
    own = client is None
    if own:
        client = open_client(
            api_url=api_url, cache_dir=cache_dir, rps=rps, offline=offline, refresh=refresh, max_age=max_age
        )
    try:
        got = collect(
            source,
            client,
            progress,
            chains=named_chains(chains, aliases),
            detail=detail,
            seedlist=sl,
        )
    finally:
        if own:
            client.close()
    warning = check_resolved(got)
    analyses = analyse(got.graph, chains=chains, top=top, aliases=aliases)
    return BuildResult(got.seeds, got.graph, got.corpus, analyses, [warning] if warning else [])


def open_client(
    *,
    api_url: str | None = None,
    cache_dir: str | Path | None = None,
    rps: float | None = None,
    offline: bool = False,
    refresh: bool = False,
    max_age: float | None = None,
):
    """The S2 client a build uses: what is not given comes from the environment as the README's configuration
    table says (``S2_API_URL``, ``GRAPHKIT_CACHE`` else ``./cache``, ``S2_RPS``, ``S2_API_KEY``,
    ``S2_MAX_RETRIES``, ``S2_BACKOFF``). The caller closes it (it is a context manager)."""
    import os

    from .s2 import S2Client
    from .settings import setting

    return S2Client(
        base_url=api_url or os.environ.get("S2_API_URL") or None,
        api_key=os.environ.get("S2_API_KEY") or None,
        cache_dir=cache_dir if cache_dir is not None else os.environ.get("GRAPHKIT_CACHE") or "cache",
        rps=setting("S2_RPS", rps),
        offline=offline,
        refresh=refresh,
        max_age=max_age,
        max_retries=setting("S2_MAX_RETRIES", kind=int, default=6),
        backoff=setting("S2_BACKOFF", default=1.0),
    )


def build_site(
    source: str,
    outdir: str | Path,
    client,
    *,
    lineages: str | None = None,
    title: str | None = None,
    max_nodes: int | None = None,
    formats: tuple[str, ...] = (),
    detail: str = "lists",
    max_bytes: int | None = None,
    rebuild: bool = False,
    progress: Callable[[dict], None] | None = None,
    warn: Callable[[str], None] = lambda text: None,
) -> dict:
    """What ``graphkit build`` does: check the lineages and OUTDIR before any fetch, skip the work when nothing
    changed since the last build into OUTDIR (same source, options, cache, code, untouched outputs; never when
    ``rebuild``), warn (``warn``) when the cache or OUTDIR would be published by a Jekyll site, then
    :func:`build` and :meth:`BuildResult.write`, and stamp OUTDIR. Returns ``{"summary", "up_to_date"}``."""
    from .stamp import save_stamp, stamp_for, up_to_date

    sl = parse_seeds(source, max_bytes=max_bytes)  # read once: the seeds and the front matter
    read_chains(source, lineages, front=sl.front_matter)  # a bad lineages file is named before any fetch
    check_writable(outdir)  # before a long fetch, not after it
    options = {"title": title, "max_nodes": max_nodes, "detail": detail, "formats": list(formats)}
    stamp = stamp_for(source, lineages, options, client)
    if stamp is not None and not rebuild:
        saved = up_to_date(outdir, stamp())
        if saved is not None:  # nothing to do
            return {"summary": {**saved, "requests": 0, "cache_hits": 0, "changes": None}, "up_to_date": True}
    for what, path, fix in (
        ("the cache", client.responses.cache_dir, "use --cache-dir outside the site"),
        ("OUTDIR", outdir, "build outside the site and use `graphkit embed OUTDIR --copy-to BLOG`"),
    ):
        site_root = published_by_jekyll(path)
        if site_root is not None:
            warn(
                f"{what} ({path}) is inside the Jekyll site at {site_root} and would be published; add it to "
                f"exclude: in _config.yml, or {fix}"
            )
    result = build(source, lineages=lineages, client=client, progress=progress, detail=detail, seedlist=sl)
    for w in result.warnings:
        warn(w)
    site = result.write(
        outdir, title=title, max_nodes=max_nodes, slug=source_slug(source, sl.front_matter), formats=formats
    )
    s = summary(result, site)
    if stamp is not None:
        save_stamp(outdir, stamp(), s)
    return {"summary": s, "up_to_date": False}


def check_resolved(got: Collected) -> str | None:
    """No seed resolved: a SeedError naming the count and the commonest reasons (so nothing is written); fewer
    than half: the warning to show; else None."""
    from .errors import SeedError

    n, unresolved = len(got.seeds.papers), got.graph.graph.get("unresolved") or []
    if not unresolved or 2 * len(unresolved) <= n:
        return None
    reasons = Counter(
        re.split(r"[:(]", u.get("reason") or "unknown", maxsplit=1)[0].strip() for u in unresolved
    )
    why = "; ".join(f"{k} {reason}" for reason, k in reasons.most_common(3))
    if len(unresolved) >= n:
        raise SeedError(
            f"none of the {n} seeds of {got.seeds.source} resolved on Semantic Scholar ({why}); nothing written: "
            f"`graphkit seeds {got.seeds.source}` shows what was read from it"
        )
    return f"only {n - len(unresolved)} of {n} seeds resolved on Semantic Scholar ({why})"
