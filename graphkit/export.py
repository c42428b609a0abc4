"""Files for other tools: GraphML and GEXF (Gephi), CSV, BibTeX of the missing papers, and report.md for the blog.

Every string from S2 or the post is data: CSV cells that a spreadsheet would run as a formula are neutralised,
BibTeX specials are escaped, and Markdown table cells are escaped for Markdown and HTML.
"""

from __future__ import annotations

import csv
import html
import re
import unicodedata
from pathlib import Path

import networkx as nx

from .clean import http_url
from .files import atomic_write
from .graph import S2_PAPER, node_key, node_label, seed_nodes
from .lineage import influence_cell

CSV_HEADER = [
    "paperId",
    "arxiv",
    "doi",
    "title",
    "year",
    "venue",
    "seed",
    "key",
    "label",
    "sections",
    "citationCount",
    "influentialCitationCount",
    "referenceCount",
    "missing_kind",
    "missing_score",
]


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0


def _node_rows(G: nx.DiGraph, missing) -> list[tuple[str, dict]]:
    """Scalar attributes per node for Gephi: lists joined with '; ', ids split out, nothing None, text without
    the characters XML 1.0 forbids."""
    kind = {m["paperId"]: m["kind"] for m in missing or []}
    rows = []
    for n, d in G.nodes(data=True):
        ext = d.get("externalIds") or {}
        attrs = {
            "label": node_label(G, n),
            "title": d.get("title") or "",
            "venue": d.get("venue") or "",
            "authors": "; ".join(d.get("authors") or []),
            "seed": bool(d.get("seed")),
            "key": d.get("key") or "",
            "sections": "; ".join(d.get("sections") or []),
            "section": (d.get("sections") or [""])[0],
            "arxiv": str(ext.get("ArXiv") or ""),
            "doi": str(ext.get("DOI") or ""),
            "missing_kind": kind.get(n, ""),
        }
        for k in ("year", "citationCount", "influentialCitationCount", "referenceCount"):
            if d.get(k) is not None:
                attrs[k] = int(d[k])
        if d.get("publicationDate"):
            attrs["publicationDate"] = str(d["publicationDate"])
        for k, v in attrs.items():
            if type(v) is str and not v.isprintable():
                attrs[k] = _XML_BAD.sub("", v)
        rows.append((n, attrs))
    return rows


def _edge_attrs(e: dict) -> dict:
    """An edge's scalar attributes; ``isInfluential`` left out when it was not fetched (never written as false)."""
    out = {
        "isInfluential": e.get("isInfluential"),
        "intents": "; ".join(e.get("intents") or []),
        "contexts": len(e.get("contexts") or []),
    }
    if out["isInfluential"] is None:
        del out["isInfluential"]
    else:
        out["isInfluential"] = bool(out["isInfluential"])
    return out


def gephi_graph(G: nx.DiGraph, missing: list[dict] = ()) -> nx.DiGraph:
    """The graph as GraphML and GEXF hold it: the same nodes and edges, each attribute a scalar (lists joined
    with '; ', ids split out, nothing None, no character XML 1.0 forbids); edges carry ``isInfluential`` only
    where it was fetched."""
    F = nx.DiGraph()
    F.add_nodes_from(_node_rows(G, missing))
    F.add_edges_from((u, v, _edge_attrs(e)) for u, v, e in G.edges(data=True))
    return F


def write_graphml(
    G: nx.DiGraph, path: str | Path, missing: list[dict] = (), flat: nx.DiGraph | None = None
) -> Path:
    """GraphML written by networkx (``nx.write_graphml``) from :func:`gephi_graph`; loads back with
    ``networkx.read_graphml`` and in Gephi."""
    path = Path(path)
    with atomic_write(path, "wb") as f:
        nx.write_graphml(flat if flat is not None else gephi_graph(G, missing), f)
    return path


def write_gexf(
    G: nx.DiGraph, path: str | Path, missing: list[dict] = (), flat: nx.DiGraph | None = None
) -> Path:
    """GEXF 1.2 (Gephi's format version, ``1.2draft``) written by networkx (``nx.write_gexf``) from
    :func:`gephi_graph`; the ``label`` attribute is the node's label."""
    path = Path(path)
    with atomic_write(path, "wb") as f:
        nx.write_gexf(
            flat if flat is not None else gephi_graph(G, missing), f, version="1.2draft", prettyprint=False
        )
    return path


def csv_cell(value) -> str:
    """A cell a spreadsheet cannot run: text starting with = + - @ (or tab / CR) gets a leading apostrophe.

    >>> csv_cell("=HYPERLINK(1)"), csv_cell("-1 is a title"), csv_cell(2016), csv_cell(None)
    ("'=HYPERLINK(1)", "'-1 is a title", '2016', '')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


_FORMULA_START = frozenset(("=", "+", "-", "@", "\t", "\r"))


def _csv_text(value) -> str:
    """:func:`csv_cell`, fast for text and None.

    >>> [_csv_text(v) == csv_cell(v) for v in ("=1", "", "a", None, 3, True)]
    [True, True, True, True, True, True]
    """
    if type(value) is str:
        return "'" + value if value[:1] in _FORMULA_START else value
    return "" if value is None else csv_cell(value)


def _csv_number(value) -> str:
    """:func:`csv_cell`, fast for ints and None.

    >>> [_csv_number(v) == csv_cell(v) for v in (2016, None, "-1", 1.5, False)]
    [True, True, True, True, True]
    """
    if type(value) is int:
        return str(value)
    return "" if value is None else csv_cell(value)


def _first(pair):
    return pair[0]


def write_csv(G: nx.DiGraph, path: str | Path, missing: list[dict] = ()) -> Path:
    """``papers.csv``: one row per paper, columns :data:`CSV_HEADER`, UTF-8 (no BOM). ``missing_kind`` and
    ``missing_score`` are those of :func:`graphkit.discover.find_missing` (empty for other papers)."""
    path = Path(path)
    kind = {m["paperId"]: m["kind"] for m in missing or []}
    score = {m["paperId"]: m["score"] for m in missing or []}
    nodes = G.nodes
    order = [(n, nodes[n]) for n in seed_nodes(G)]
    order += sorted(((n, d) for n, d in G.nodes(data=True) if not d.get("seed")), key=_first)
    # csv_cell on every cell, with the common cases inlined (this runs on every paper seen: 400,000 cells at 28,000)
    t = _csv_text
    n_ = _csv_number

    def rows():
        for n, d in order:
            get = d.get
            ext = get("externalIds") or {}
            yield [
                t(n),
                t(ext.get("ArXiv")),
                t(ext.get("DOI")),
                t(get("title")),
                n_(get("year")),
                t(get("venue")),
                "true" if get("seed") else "false",
                t(get("key")),
                t(get("label") or ""),
                t("; ".join(get("sections") or ())),
                n_(get("citationCount")),
                n_(get("influentialCitationCount")),
                n_(get("referenceCount")),
                t(kind.get(n, "")),
                csv_cell(score.get(n, "")),
            ]

    with atomic_write(path, newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_HEADER)
        w.writerows(rows())
    return path


_BIB_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(text: str) -> str:
    r"""Escape a string for a BibTeX field value in braces: specials escaped, and on one line (white space
    folded), so that nothing in it can start a new entry.

    >>> bibtex_escape("50% of {x}_1 & $y$")
    '50\\% of \\{x\\}\\_1 \\& \\$y\\$'
    >>> bibtex_escape("Title\n@SUM(1)")
    'Title @SUM(1)'
    """
    return "".join(_BIB_SPECIAL.get(c, c) for c in " ".join(str(text or "").split()))


def _bib_key(d: dict, pid: str, used: set) -> str:
    author = (d.get("authors") or ["anon"])[0].split()[-1] if d.get("authors") else "anon"
    word = next((w for w in re.findall(r"[A-Za-z]+", d.get("title") or "") if len(w) > 3), "paper")
    base = (
        unicodedata.normalize("NFKD", f"{author}{d.get('year') or ''}{word}")
        .encode("ascii", "ignore")
        .decode()
    )
    base = re.sub(r"[^A-Za-z0-9]", "", base).lower() or pid[:8]
    key, i = base, 0
    while key in used:
        i += 1
        key = base + "abcdefghijklmnopqrstuvwxyz"[(i - 1) % 26] + ("" if i <= 26 else str(i))
    used.add(key)
    return key


def write_bibtex(G: nx.DiGraph, path: str | Path, missing: list[dict] = ()) -> Path:
    """``missing.bib``: one ``@misc`` entry per missing paper, in rank order, keys stable and unique, specials
    escaped; ``eprint``/``archivePrefix`` when S2 knows an arXiv id, ``doi``, ``url`` (the S2 page) and the reason in
    ``note``."""
    path = Path(path)
    used: set = set()
    chunks = []
    for m in missing:
        n = m["paperId"]
        d = G.nodes[n] if n in G else {}
        ext = d.get("externalIds") or {}
        arxiv = m.get("arxiv") or ext.get("ArXiv") or ""
        fields = [
            ("title", d.get("title") or m.get("title") or ""),
            ("author", " and ".join(d.get("authors") or [])),
            ("year", str(d.get("year") or m.get("year") or "")),
            ("howpublished", d.get("venue") or ""),
            ("doi", m.get("doi") or ext.get("DOI") or ""),
            ("eprint", arxiv),
            ("archivePrefix", "arXiv" if arxiv else ""),
            ("url", http_url(m.get("url")) or S2_PAPER + n),
            ("note", f"graphkit {m['kind']}: {m['reason']}"),
        ]
        body = ",\n".join(f"  {k} = {{{bibtex_escape(v)}}}" for k, v in fields if v)
        chunks.append(f"@misc{{{_bib_key(d, n, used)},\n{body}\n}}\n")
    with atomic_write(path) as f:
        f.write("\n".join(chunks))
    return path


def md_cell(text) -> str:
    r"""Escape text for a Markdown table cell that is also safe as HTML.

    >>> md_cell("<img src=x onerror=alert(1)> | [a](b) `c`")
    '&lt;img src=x onerror=alert(1)&gt; \\| \\[a\\](b) \\`c\\`'
    """
    t = html.escape(" ".join(str(text if text is not None else "").split()), quote=False)
    return re.sub(r"([\\|`*_\[\]#])", r"\\\1", t)


_ARXIV_ID = re.compile(r"[A-Za-z0-9.\-/]{4,40}")


def _paper_links(m: dict) -> str:
    r"""A report cell: the title linked to its S2 page, then arXiv and DOI links when S2 knows them.

    >>> _paper_links({"paperId": "ab12", "title": "A [b]", "arxiv": "1812.03982", "doi": "10.1/x(y)"})
    '[A \\[b\\]](https://www.semanticscholar.org/paper/ab12) · [arXiv:1812.03982](https://arxiv.org/abs/1812.03982) · [DOI](https://doi.org/10.1/x%28y%29)'
    """
    from urllib.parse import quote

    title = md_cell(m.get("title") or m["paperId"])
    out = [f"[{title}]({S2_PAPER}{quote(m['paperId'], safe='')})"]
    arxiv = str(m.get("arxiv") or "")
    if _ARXIV_ID.fullmatch(arxiv):
        out.append(f"[arXiv:{arxiv}](https://arxiv.org/abs/{arxiv})")
    if m.get("doi"):
        out.append(f"[DOI](https://doi.org/{quote(str(m['doi']), safe='/.:;-_')})")
    return " · ".join(out)


KIND_NAMES = {"foundation": "foundations", "followup": "follow-ups", "survey": "surveys"}
CHANGES_SHOWN = 30  # papers listed per kind of change in report.md (all of them are in build --json)


def changes_section(G: nx.DiGraph, changes: dict | None) -> list[str]:
    r"""The "What changed since <date>" lines of report.md (none on a first build).

    >>> G = nx.DiGraph(); G.add_node("a", seed=True, title="A", key="A", line=1)
    >>> ch = {"since": "2026-10-01T08:00:00Z", "seeds_added": [], "seeds_removed": [], "new_followups": ["p"],
    ...       "citations_gained": {"a": 13}, "declared": [], "missing_entered": {}, "missing_left": {},
    ...       "titles": {"p": "P <new>"}}
    >>> print("\n".join(changes_section(G, ch)))
    ## What changed since 2026-10-01
    <BLANKLINE>
    New follow-ups (papers now citing two or more seeds):
    <BLANKLINE>
    - [P &lt;new&gt;](https://www.semanticscholar.org/paper/p)
    <BLANKLINE>
    Citing papers gained: A +13.
    <BLANKLINE>
    """
    if changes is None:
        return []
    titles = changes.get("titles") or {}

    def name(pid: str) -> str:
        return (
            md_cell(node_label(G, pid))
            if pid in G and G.nodes[pid].get("seed")
            else md_cell(titles.get(pid) or pid)
        )

    def papers(pids: list[str]) -> list[str]:
        out = [f"- {_paper_links({'paperId': p, 'title': titles.get(p)})}" for p in pids[:CHANGES_SHOWN]]
        if len(pids) > CHANGES_SHOWN:
            out.append(f"- … and {len(pids) - CHANGES_SHOWN} more (`graphkit build --json`: changes)")
        return out

    lines = [f"## What changed since {(changes.get('since') or 'the last build')[:10]}", ""]
    before = len(lines)
    for key, what in (("seeds_added", "Seeds added"), ("seeds_removed", "Seeds removed")):
        if changes[key]:
            lines += [f"{what}: " + ", ".join(name(p) for p in changes[key]) + ".", ""]
    if changes["new_followups"]:
        lines += [
            "New follow-ups (papers now citing two or more seeds):",
            "",
            *papers(changes["new_followups"]),
            "",
        ]
    gained = changes["citations_gained"]
    if gained:
        lines += [
            "Citing papers gained: " + ", ".join(f"{name(s)} {n:+d}" for s, n in gained.items()) + ".",
            "",
        ]
    for d in changes["declared"]:
        lines += [
            f"Declared link {name(d['from'])} → {name(d['to'])}: {d['was'] or 'not declared'} → "
            f"{d['now'] or 'not declared'}.",
            "",
        ]
    for key, what in (("missing_entered", "entered"), ("missing_left", "left")):
        for kind, pids in changes[key].items():
            lines += [
                f"Top missing {KIND_NAMES.get(kind, kind)}: {len(pids)} {what} the list.",
                "",
                *papers(pids),
                "",
            ]
    if len(lines) == before:
        lines += ["Nothing changed.", ""]
    return lines


def _source(G: nx.DiGraph) -> str:
    """Where the data came from, never claiming Semantic Scholar for another server (a fixture, a mirror).

    >>> _source(nx.DiGraph(api="https://s2.example", api_official=True)), _source(nx.DiGraph(api="http://127.0.0.1:8000"))
    ('Semantic Scholar Graph API', 'the S2-compatible API at http://127.0.0.1:8000 (not Semantic Scholar)')
    """
    api = G.graph.get("api")
    if not api:
        return "an S2 Graph API (source not recorded)"
    if G.graph.get("api_official"):  # the client knows S2's own address; this module names no host
        return "Semantic Scholar Graph API"
    return f"the S2-compatible API at {md_cell(api)} (not Semantic Scholar)"


def write_report(
    G: nx.DiGraph,
    path: str | Path,
    *,
    declared: list[dict],
    main: dict,
    missing: list[dict],
    top: int = 20,
    changes: dict | None = None,
) -> Path:
    """``report.md``: seeds resolved and unresolved, when the data was fetched, what changed since the previous
    build (``changes``, see :func:`graphkit.changes.compare`), declared lineage, main path, top missing papers."""
    from .graph import fetched_dates

    path = Path(path)
    lab = lambda n: md_cell(node_label(G, n))  # noqa: E731
    seeds = seed_nodes(G)
    unresolved = G.graph.get("unresolved") or []
    fetched = fetched_dates(G)
    lines = [f"# Citation report: {md_cell(G.graph.get('title') or 'reading list')}", ""]
    lines += [
        f"{len(seeds)} seeds resolved on Semantic Scholar, {len(unresolved)} unresolved; "
        f"{G.number_of_nodes()} papers and {G.number_of_edges()} citations in the graph"
        + (f"; data fetched {fetched}." if fetched else "."),
        "",
    ]
    if unresolved and 2 * len(unresolved) > len(seeds) + len(unresolved):
        lines += [
            f"> **Warning:** only {len(seeds)} of {len(seeds) + len(unresolved)} seeds resolved on Semantic "
            "Scholar; the graph and the missing papers speak for those only (see Unresolved seeds).",
            "",
        ]
    lines += changes_section(G, changes)
    if unresolved:
        lines += ["## Unresolved seeds", "", "| seed | why |", "| --- | --- |"]
        lines += [
            f"| {md_cell(u.get('title') or u.get('key'))} | {md_cell(u.get('reason'))} |" for u in unresolved
        ]
        lines.append("")
    lines += _lineage_section(declared, main, lab)
    lines += _missing_section(missing, top)
    lines += [
        "",
        f"<sub>Data: {_source(G)}."
        + (" Seed keys: " + ", ".join(md_cell(node_key(G, n)) for n in seeds[:5]) if seeds else "")
        + ("…" if len(seeds) > 5 else "")
        + "</sub>",
        "",
    ]
    with atomic_write(path) as f:
        f.write("\n".join(lines))
    return path


def _lineage_section(declared: list[dict], main: dict, lab) -> list[str]:
    """The report's declared lineage (a table) and main path (a list)."""
    lines: list[str] = []
    if declared:
        lines += [
            "## Declared lineage",
            "",
            "| from | to | status | influential | via |",
            "| --- | --- | --- | --- | --- |",
        ]
        for d in declared:
            via = " ← ".join(lab(n) for n in d.get("path") or []) or "–"
            lines.append(
                f"| {lab(d['from'])} | {lab(d['to'])} | {d['status']} | {influence_cell(d)} | {via} |"
            )
        lines.append("")
    lines += ["## Main path", ""]
    paths = (main or {}).get("paths") or []
    lines += ["- " + " → ".join(lab(n) for n in p) for p in paths] or ["No citation links among the seeds."]
    if (main or {}).get("dropped_edges"):
        lines.append(f"\n({main['dropped_edges']} citation edges dropped to break cycles by date.)")
    return [*lines, ""]


def _missing_section(missing: list[dict], top: int) -> list[str]:
    """The report's three tables of missing papers, best first."""
    lines: list[str] = []
    for kind, heading in (
        ("foundation", "Foundations the list is missing"),
        ("followup", "Follow-ups the list is missing"),
        ("survey", "Surveys that cover this list"),
    ):
        rows = [m for m in missing if m["kind"] == kind][:top]
        lines += [f"## {heading}", ""]
        if not rows:
            lines += ["None found.", ""]
            continue
        if kind == "survey":
            lines += ["| # | paper | year | covers | why |", "| --- | --- | --- | --- | --- |"]
        else:
            lines += ["| # | paper | year | why |", "| --- | --- | --- | --- |"]
        for i, m in enumerate(rows, 1):
            covers = f" {m.get('coverage', 0):.0%} of the seeds |" if kind == "survey" else ""
            lines.append(
                f"| {i} | {_paper_links(m)} | {m.get('year') or ''} |{covers} {md_cell(m['reason'])} |"
            )
        lines.append("")
    return lines


GEPHI_FORMATS = (
    "graphml",
    "gexf",
)  # written on request only (``--formats``): they are most of a rebuild's time


def parse_formats(text: str | None) -> tuple[str, ...]:
    """The extra formats asked for: a comma-separated list of ``graphml``, ``gexf``, ``all`` (both), or empty.

    >>> parse_formats("gexf, graphml"), parse_formats("all"), parse_formats(None)
    (('graphml', 'gexf'), ('graphml', 'gexf'), ())
    >>> parse_formats("svg")
    Traceback (most recent call last):
    graphkit.errors.GraphkitError: --formats: 'svg' is not a format graphkit writes on request; give graphml, gexf or all (the other outputs are always written)
    """
    from .errors import GraphkitError

    asked = {w.strip().lower() for w in (text or "").split(",") if w.strip()}
    for w in asked:
        if w not in (*GEPHI_FORMATS, "all"):
            raise GraphkitError(
                f"--formats: {w!r} is not a format graphkit writes on request; give graphml, gexf or "
                "all (the other outputs are always written)"
            )
    return tuple(f for f in GEPHI_FORMATS if f in asked or "all" in asked)


def write_all(
    G: nx.DiGraph,
    outdir: str | Path,
    *,
    declared: list[dict],
    main: dict,
    missing: list[dict],
    formats: tuple[str, ...] = GEPHI_FORMATS,
    changes: dict | None = None,
) -> list[Path]:
    """Write papers.csv, missing.bib and report.md into ``outdir``, and graph.graphml / graph.gexf when
    ``formats`` names them."""
    out = Path(outdir)
    files = []
    flat = gephi_graph(G, missing) if formats else None  # once, for both Gephi formats
    if "graphml" in formats:
        files.append(write_graphml(G, out / "graph.graphml", missing, flat))
    if "gexf" in formats:
        files.append(write_gexf(G, out / "graph.gexf", missing, flat))
    return [
        *files,
        write_csv(G, out / "papers.csv", missing),
        write_bibtex(G, out / "missing.bib", missing),
        write_report(G, out / "report.md", declared=declared, main=main, missing=missing, changes=changes),
    ]
