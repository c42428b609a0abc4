"""What the CLI prints, and how: one line each on stderr for progress, warnings and summaries (no control
character, no secret: :func:`shown`), tables and JSON on stdout. No command logic."""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter

import click

from .seeds import SeedList


def shown(line: str) -> str:
    """A line as graphkit prints it: one line, no control character a server or file put in it, and no secret —
    the S2 key and any URL's user:password are replaced, whatever a server echoed back."""
    from .clean import clean_text
    from .transport import redact as _redact

    line = _redact(clean_text(line))
    key = os.environ.get("S2_API_KEY", "").strip()
    if len(key) >= 4:
        line = line.replace(key, "***")
    return line


def dump(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


def quiet() -> bool:
    ctx = click.get_current_context(silent=True)
    state = ctx.find_object(dict) if ctx is not None else None
    return bool(state and state.get("quiet"))


def note(message: str = "", **kw) -> None:
    """Progress, warnings and summaries: on stderr, and not at all with -q (errors only)."""
    if not quiet():
        click.echo(shown(message) if message else message, err=True, **kw)


def seeds_summary(sl: SeedList) -> str:
    """``83 papers: 65 arXiv, 4 Semantic Scholar, 14 title only; 3 skipped``."""
    n_arxiv = sum(1 for p in sl.papers if p.ids.get("arxiv"))
    n_doi = sum(1 for p in sl.papers if not p.ids.get("arxiv") and p.ids.get("doi"))
    n_s2 = sum(1 for p in sl.papers if not p.ids.get("arxiv") and not p.ids.get("doi") and p.ids.get("s2"))
    n_corpus = sum(1 for p in sl.papers if p.api_id and p.api_id.startswith("CorpusId:"))
    n_title = sum(1 for p in sl.papers if p.api_id is None)
    parts = [f"{n_arxiv} arXiv"]
    if n_doi:
        parts.append(f"{n_doi} DOI")
    parts.append(f"{n_s2} Semantic Scholar")
    if n_corpus:
        parts.append(f"{n_corpus} CorpusId")
    parts.append(f"{n_title} title only")
    return f"{len(sl.papers)} papers: {', '.join(parts)}; {len(sl.skipped)} skipped"


def lineage_json(G, declared: list[dict], bb: list, main: dict) -> dict:
    """The ``graphkit lineage --json`` document: papers named by their seed key."""
    from .graph import node_key

    k = lambda n: node_key(G, n)  # noqa: E731
    return {
        "declared": [
            {
                "from": k(d["from"]),
                "to": k(d["to"]),
                "status": d["status"],
                "path": [k(n) for n in d.get("path") or []],
                "influential": d.get("influential"),
                "intents": d.get("intents") or [],
                "contexts": d.get("contexts") or [],
            }
            for d in declared
        ],
        "backbone": [[k(a), k(b)] for a, b in bb],
        "main_path": [[k(n) for n in path] for path in main.get("paths", [])],
        "dropped_edges": main.get("dropped_edges", 0),
    }


def print_seed_table(sl: SeedList) -> None:
    groups: dict[tuple, list] = {}
    for p in sl.papers:
        path = tuple(p.paths[0]) if p.paths else ()
        groups.setdefault(path, []).append(p)
    for path, papers in groups.items():
        click.echo(" / ".join(path) if path else "(no section)")
        for p in papers:
            also = f"  [+ {len(p.paths) - 1} more section]" if len(p.paths) > 1 else ""
            title = p.title or ""
            key = p.key if not p.key.startswith("title:") else "title:…"  # the title is beside it, whole
            click.echo(f"  {p.line:>5}  {key:<20}  {(p.label or '-'):<14}  {title}{also}")
    if sl.skipped:
        click.echo("skipped")
        for s in sl.skipped:
            click.echo(f"  {s.line:>5}  {s.reason:<28}  {s.text}")
        counts = Counter(s.reason for s in sl.skipped)
        click.echo("skipped by reason: " + ", ".join(f"{n} {why}" for why, n in counts.most_common()))
    click.echo(seeds_summary(sl))


# ----------------------------------------------------------------------------------------------------------------
# Shared options: every command that needs the graph fetches it the same way.


class Progress:
    """A one-line progress bar on stderr (a line every 10% when stderr is not a terminal)."""

    def __init__(self, state: dict):
        self.state = state
        self.tty = sys.stderr.isatty() and not state.get("verbose")  # -v: log lines, not a redrawn bar
        self.last_print = 0.0
        self.drawn = False

    def __call__(self, ev: dict) -> None:
        done, planned = ev.get("done", 0), max(ev.get("planned", 0), 1)
        self.state["pages_cached"] = done
        eta = ev.get("eta")
        eta_s = f"ETA {int(eta) // 60}m{int(eta) % 60:02d}s" if eta else ""
        text = (
            f"fetching {done}/{planned} pages · {ev.get('requests', 0)} requests · "
            f"{ev.get('cache_hits', 0)} cached {eta_s}"
        )
        if self.tty:
            width = 24
            filled = int(width * min(done, planned) / planned)
            note(f"\r[{'#' * filled}{'.' * (width - filled)}] {text}\033[K", nl=False)
            self.drawn = True
        elif ev.get("requests", 0) and (time.monotonic() - self.last_print >= 5 or done == planned):
            # not a terminal: a log line every 5 s at most, and none for a run served from the cache
            self.last_print = time.monotonic()
            note(text)

    def close(self) -> None:
        if self.drawn:
            note("")


def print_summary(s: dict, seconds: float, *, wrote: bool = True) -> None:
    err = note
    unresolved = s["unresolved"]
    err(f"seeds: {s['seeds']} ({s['resolved']} resolved, {len(unresolved)} unresolved)")
    for u in unresolved:
        err(f"  unresolved: {u['key']} — {u.get('reason') or 'unknown'}")
    if s["short"]:
        err(f"  {len(s['short'])} lists came back shorter than S2's counts (see --json: short)")
    if s["citations_cut"]:
        err(f"  {len(s['citations_cut'])} citation lists cut at S2's 10,000 cap")
    err(f"papers: {s['papers']}  edges: {s['edges']}")
    bound = (
        f"plan B = {s['batch_requests']}, paged L = {s['paged_requests']}"
        if s.get("batch_requests") is not None
        else f"paged L = {s['paged_requests']}"
    )
    err(f"requests: {s['requests']} ({bound})  cache hits: {s['cache_hits']}  time: {seconds:.1f}s")
    fetched = s.get("fetched") or {}
    if fetched.get("newest"):
        span = (
            fetched["newest"][:10]
            if fetched.get("oldest", "")[:10] in ("", fetched["newest"][:10])
            else f"{fetched['oldest'][:10]} – {fetched['newest'][:10]}"
        )
        undated = f" ({fetched['undated']} cached answers undated)" if fetched.get("undated") else ""
        err(f"data fetched: {span}{undated}")
    if wrote and s.get("changes") is not None:
        from .changes import summary_line

        err("changes " + summary_line(s["changes"]))
    if s.get("files") and wrote:
        err(f"wrote {len(s['files'])} files: " + ", ".join(os.path.basename(f) for f in s["files"]))
