"""graphkit: from a reading-list blog post to a citation-lineage map, via the Semantic Scholar Graph API.

The modules, in pipeline order (only ``transport`` does network I/O; every other stage is a pure function over dicts and
graphs, and ``cli`` only parses, calls and prints)::

    seeds/      post, id list or BibTeX -> SeedList     ids, names, markdown, bibtex, idlist, merge, model
    transport   HTTP: pacing, one retry loop with one back-off policy, deadlines, size limits, same-origin
                redirects; and a reading list fetched from a URL (the only module that does network I/O)
    pacing      the limiter, the back-off policy, a request's budget of attempts, the counters (no I/O)
    schema      the shapes S2 promises, checked before anything is cached or used (pure)
    s2          S2's endpoints (batch, match, reference and citation pages) over the cache and a transport
    cache       S2's answers on disk (diskcache): keys, dated entries, age, refresh marks, notes (no HTTP)
    fetch       the fetch plan: which calls, in what order, checked against the counts -> corpus (plain dicts)
    graph       corpus -> networkx.DiGraph (citing -> cited); papers' names
    lineage     declared chains, names (aliases), backbone, main path
    discover    missing foundations, follow-ups and surveys, ranked by relevance and influence
    layout      the map's columns, order and positions (numpy)
    mapview     what the map draws and where: choose, classify, lay out, style (one style table)
    render      the map as one HTML file, made by pyvis with templates/map.html; the embed snippet
    svgmap      the map as a static SVG that explains itself
    export      graph.json, GraphML, GEXF, CSV, BibTeX, report.md
    files       outputs written whole (atomic replace)
    pipeline    the stages joined: collect -> analyse -> write_site; build() and build_site()
    stamp       up-to-date builds: what the outputs depend on, hashed, kept in OUTDIR
    settings    number settings (option, environment, default), checked in one place
    errors      one exception tree
    show        what the CLI prints: lines on stderr without secrets, tables, the summary, the progress bar
    cli         click commands: parse, call, print
"""

from importlib.metadata import PackageNotFoundError, version

try:  # pyproject.toml holds the version; the installed metadata carries it here
    __version__ = version("graphkit")
except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
    __version__ = "0+unknown"


def __getattr__(name: str):
    """``graphkit.build`` and ``graphkit.BuildResult``, imported when first used (the CLI starts without them)."""
    if name in ("build", "BuildResult"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'graphkit' has no attribute {name!r}")
