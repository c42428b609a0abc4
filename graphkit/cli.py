"""graphkit's command line: parse options, call the library, print. Progress and warnings go to stderr."""

from __future__ import annotations

import functools
import logging
import os
import re
import signal
import sys
import time

import click

from . import __version__
from .errors import GraphkitError
from .seeds import parse_seeds
from .show import Progress, dump, lineage_json, note, print_seed_table, print_summary, shown


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, like Ctrl-C: what is half-written is cleaned up the same way."""


def _on_sigterm(signum, frame):
    raise Terminated()


def _interrupted(state: dict | None, e: KeyboardInterrupt) -> tuple[str, int]:
    """The line and exit code for Ctrl-C (130) or SIGTERM (143)."""
    cached = (state or {}).get("pages_cached")
    what = f"{cached} pages cached, " if cached is not None else ""
    if isinstance(e, Terminated):
        return f"graphkit: terminated; {what}rerun to resume", 128 + signal.SIGTERM
    return f"graphkit: interrupted; {what}rerun to resume", 130


class _Group(click.Group):
    """Turns graphkit errors into one line on stderr (exit 1), Ctrl-C into exit 130 and SIGTERM into exit 143 —
    never a traceback."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as e:  # one line, click's exit code 2
            where = e.ctx.command_path if e.ctx is not None else "graphkit"
            click.echo(shown(f"graphkit: error: {e.format_message()} (see '{where} --help')"), err=True)
            sys.exit(e.exit_code)
        except click.Abort as e:
            if isinstance(e.__cause__, KeyboardInterrupt):  # Ctrl-C or SIGTERM outside a command
                line, code = _interrupted(None, e.__cause__)
                click.echo(line, err=True)
                sys.exit(code)
            click.echo("graphkit: aborted", err=True)
            sys.exit(1)
        except click.ClickException as e:
            click.echo(shown(f"graphkit: error: {e.format_message()}"), err=True)
            sys.exit(e.exit_code)
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GraphkitError as e:
            click.echo(shown(f"graphkit: error: {e}"), err=True)
            ctx.exit(e.exit_code)
        except KeyboardInterrupt as e:
            line, code = _interrupted(ctx.find_object(dict), e)
            click.echo("\n" + line, err=True)
            ctx.exit(code)


class _EchoHandler(logging.Handler):
    """-v: the library's debug log (each request's URL, each cache hit) as lines on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"graphkit: {self.format(record)}", err=True)


_VERBOSE = _EchoHandler()


def _log_verbosely(verbose: bool) -> None:
    log = logging.getLogger("graphkit")
    log.removeHandler(_VERBOSE)  # one handler however many times the group runs in a process
    log.setLevel(logging.DEBUG if verbose else logging.NOTSET)
    if verbose:
        log.addHandler(_VERBOSE)


@click.group(
    cls=_Group,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "-V", "--version", prog_name="graphkit")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only: no progress, warnings or summary.")
@click.option(
    "-v", "--verbose", is_flag=True, help="Also log each request's URL and each cache hit on stderr."
)
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    """Explore the citation graph of a reading list kept as a blog post.

    \b
    Example:
      graphkit seeds examples/video-classification/post.md
      graphkit -v build examples/video-classification/post.md -o site/
    """
    if quiet and verbose:
        raise click.UsageError("-q/--quiet and -v/--verbose contradict each other; give one of them")
    ctx.ensure_object(dict).update(quiet=quiet, verbose=verbose)
    _log_verbosely(verbose)
    if ctx.invoked_subcommand is None:  # bare `graphkit`: its help, exit 0
        click.echo(ctx.get_help())
        ctx.exit(0)


# ----------------------------------------------------------------------------------------------------------------
def _size(ctx, param, value: str | None) -> int | None:
    """``20MB``, ``500KB``, ``1GB`` or a number of bytes -> bytes."""
    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?i?b?)\s*", value, re.IGNORECASE)
    if not m or float(m.group(1)) <= 0:
        raise click.BadParameter(f"{value!r} is not a size; use e.g. 50MB, 500KB or a number of bytes")
    unit = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[m.group(2)[:1].lower()]
    return int(float(m.group(1)) * unit)


def max_size_option(f):
    """--max-size: the largest source read (default 20 MB)."""
    return click.option(
        "--max-size",
        "max_size",
        callback=_size,
        envvar="GRAPHKIT_MAX_SIZE",
        show_envvar=True,
        default=None,
        metavar="SIZE",
        help="Refuse a source larger than this (default 20MB; e.g. 50MB).",
    )(f)


@cli.command()
@click.argument("source", type=str)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@max_size_option
def seeds(source: str, as_json: bool, max_size: int | None) -> None:
    """List the seed papers found in SOURCE.

    SOURCE is a Markdown post (Jekyll front matter allowed), '-' for stdin, a text file of ids (one arXiv:…,
    DOI:…, paperId, CorpusId:… or title a line), a BibTeX, RIS or CSL-JSON export, or an http(s) URL of one of
    these (a GitHub blob URL is read as its raw file).

    \b
    Example:
      graphkit seeds examples/video-classification/post.md --json
    """
    sl = parse_seeds(source, max_bytes=max_size)
    if not sl.papers:
        from .pipeline import no_papers

        note(f"graphkit: warning: {no_papers(sl)}")
    if as_json:
        dump(sl.to_dict())
        return
    print_seed_table(sl)


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def _duration(ctx, param, value: str | None) -> float | None:
    """``30d``, ``12h``, ``45m``, ``90s``, ``2w`` or ``0`` -> seconds."""
    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*", value)
    if not m or (m.group(2) == "" and float(m.group(1)) != 0):
        raise click.BadParameter(
            f"{value!r} is not a duration; write it as 30d, 12h, 45m, 90s or 0", param=param
        )
    return float(m.group(1)) * _UNITS.get(m.group(2) or "s", 1)


def fetch_options(f):
    """--api-url, --cache-dir, --rps, --offline, --refresh, --detail (the key comes from S2_API_KEY only)."""

    @click.option(
        "--detail",
        type=click.Choice(["lists", "full"]),
        default="lists",
        show_default=True,
        help="lists: S2's batch calls carry the reference and citation lists (a tenth of the requests), "
        "edge details (influential, intents, contexts) only for declared lineages; full: every "
        "seed's reference and citation pages, with every link's details.",
    )
    @click.option(
        "--max-age",
        "max_age",
        callback=_duration,
        default=None,
        metavar="DURATION",
        help="Ask again for what was fetched longer ago than this (30d, 12h, 45m, 0 = all): the batch "
        "calls, title matches, and the citations of seeds whose count changed.",
    )
    @click.option("--refresh", is_flag=True, help="Refetch everything and overwrite the cache.")
    @click.option("--offline", is_flag=True, help="Never touch the network; use the cache only.")
    @click.option(
        "--rps",
        type=float,
        callback=_rps,
        envvar="S2_RPS",
        default=None,
        show_envvar=True,
        help="Requests per second (default 1 with S2_API_KEY, else S2's anonymous 100 per 5 min; 0 = no pacing).",
    )
    @click.option(
        "--cache-dir",
        type=click.Path(file_okay=False),
        envvar="GRAPHKIT_CACHE",
        default="cache",
        show_default=True,
        show_envvar=True,
        help="Where every S2 response is cached.",
    )
    @click.option(
        "--api-url",
        envvar="S2_API_URL",
        default=None,
        show_envvar=True,
        metavar="URL",
        help="S2 Graph API base URL (default: the public Semantic Scholar Graph API).",
    )
    @functools.wraps(f)
    @max_size_option
    def wrapper(*args, api_url, cache_dir, rps, offline, refresh, detail, max_age, max_size, **kwargs):
        kwargs["fetch"] = {
            "max_size": max_size,
            "api_url": api_url,
            "cache_dir": cache_dir,
            "rps": rps,
            "offline": offline,
            "refresh": refresh,
            "detail": detail,
            "max_age": max_age,
        }
        return f(*args, **kwargs)

    return wrapper


def _rps(ctx, param, value: float | None) -> float | None:
    """--rps: the pacing rule (:func:`graphkit.pacing.pace_problem`), as a usage error."""
    from .pacing import pace_problem

    problem = pace_problem(value) if value is not None else None
    if problem:
        raise click.BadParameter(f"{value!r} {problem}")
    return value


def _client(fetch: dict):
    from .pipeline import open_client

    client = open_client(
        api_url=fetch["api_url"],
        cache_dir=fetch["cache_dir"],
        rps=fetch["rps"],
        offline=fetch["offline"],
        refresh=fetch["refresh"],
        max_age=fetch.get("max_age"),
    )
    client.on_wait = lambda seconds, why: click.echo(f"\ngraphkit: waiting {seconds:.0f} s: {why}", err=True)
    return client


def _build(ctx: click.Context, source: str, fetch: dict, *, client=None, lineages=None, lineage=()):
    """:func:`graphkit.pipeline.build` with the command's client (closed when the command ends) and progress
    line; its warnings on stderr."""
    from .pipeline import build

    progress = Progress(ctx.obj)
    if client is None:
        client = ctx.with_resource(_client(fetch))
    try:
        result = build(
            source,
            lineages=lineages,
            lineage=lineage,
            client=client,
            progress=progress,
            detail=fetch.get("detail", "lists"),
            max_bytes=fetch.get("max_size"),
        )
    finally:
        progress.close()
    for warning in result.warnings:
        note(f"graphkit: warning: {warning}")
    return result


# ----------------------------------------------------------------------------------------------------------------
@cli.command()
@click.argument("source", type=str)
@click.option(
    "-o",
    "--out",
    "outdir",
    type=click.Path(file_okay=False),
    required=True,
    help="Output directory (created if needed).",
)
@click.option(
    "--lineages",
    type=click.Path(dir_okay=False),
    default=None,
    help="Declared chains, one 'A -> B -> C' a line, put into the report and the map.",
)
@click.option("--title", default=None, help="Page title of the map (default: the post's front-matter title).")
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=None,
    help="Most papers drawn in the map (default: every seed and the top missing papers, about 120 in all).",
)
@click.option(
    "--formats",
    default="",
    metavar="LIST",
    help="Gephi files to write as well: graphml, gexf (comma-separated) or all.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON document on stdout.")
@fetch_options
@click.pass_context
def build(ctx, source, outdir, lineages, title, max_nodes, formats, as_json, fetch):
    """Fetch the seeds of SOURCE from Semantic Scholar and write the graph, the map and the report.

    Writes OUTDIR/graph.json, papers.csv, missing.bib, report.md, index.html (the interactive map) and map.svg
    (the same map, static); graph.graphml and graph.gexf (Gephi) with --formats graphml,gexf (or all).
    Every response is cached (--cache-dir), so a rerun resumes and a warm rebuild makes no request.
    Each build says what changed since the previous one in OUTDIR (report.md, stderr, --json: changes).

    \b
    Example:
      export S2_API_KEY=...   # optional, for S2's keyed rate limit
      graphkit build examples/video-classification/post.md -o site/
    """
    from .export import parse_formats
    from .pipeline import build_site

    t0 = time.perf_counter()
    client = ctx.with_resource(_client(fetch))  # closed when the command ends
    progress = Progress(ctx.obj)
    try:
        done = build_site(
            source,
            outdir,
            client,
            lineages=lineages,
            title=title,
            max_nodes=max_nodes,
            formats=parse_formats(formats),
            detail=fetch["detail"],
            max_bytes=fetch.get("max_size"),
            rebuild=fetch["refresh"] or fetch.get("max_age") is not None,
            progress=progress,
            warn=lambda text: note(f"graphkit: warning: {text}"),
        )
    finally:
        progress.close()
    s = done["summary"]
    if done["up_to_date"]:
        note(
            f"{outdir} is up to date: nothing written (same post, options, cache and graphkit as the last "
            "build, outputs untouched)"
        )
    print_summary(s, time.perf_counter() - t0, wrote=not done["up_to_date"])
    if as_json:
        dump({**s, "up_to_date": done["up_to_date"], "written": [] if done["up_to_date"] else s["files"]})


@cli.command()
@click.argument("source", type=str)
@click.option(
    "--lineage",
    "lineage",
    multiple=True,
    metavar="'A -> B -> C'",
    help="A declared chain (B builds on A); repeat for more.",
)
@click.option(
    "--lineages", type=click.Path(dir_okay=False), default=None, help="A file of chains, one a line."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@fetch_options
@click.pass_context
def lineage(ctx, source, lineage, lineages, as_json, fetch):
    """Check declared lines of descent and show the lineage the data reveals (backbone, main path).

    \b
    Example:
      graphkit lineage examples/video-classification/post.md \\
        --lineages examples/video-classification/lineages.txt --lineage "C3D -> I3D"
    """
    from .graph import node_label
    from .lineage import influence_cell

    result = _build(ctx, source, fetch, lineages=lineages, lineage=lineage)
    G = result.graph
    declared, bb, main = (result.lineage[k] for k in ("declared", "backbone", "main_path"))
    doc = lineage_json(G, declared, bb, main)
    if as_json:
        dump(doc)
        return
    lab = functools.partial(node_label, G)
    if declared:
        click.echo("declared lineage")
        click.echo(f"  {'from':<20} {'to':<20} {'status':<9} {'infl.':<11} via")
        for d in declared:
            via = " <- ".join(lab(n) for n in d.get("path") or [])
            infl = influence_cell(d, none="-")
            click.echo(
                f"  {lab(d['from'])[:20]:<20} {lab(d['to'])[:20]:<20} {d['status']:<9} {infl:<11} {via}"
            )
    click.echo(f"main path (search path count; {main.get('dropped_edges', 0)} cycle edges dropped)")
    for path in main.get("paths", []):
        click.echo("  " + " -> ".join(lab(n) for n in path))
    click.echo(f"backbone ({len(bb)} links among seeds after transitive reduction)")
    for a, b in bb:
        click.echo(f"  {lab(a)} -> {lab(b)}")


def _kind(ctx, param, value: str) -> str:
    """--kind: graphkit.discover's names (singular, plural, or all)."""
    from .discover import kind_named

    try:
        return kind_named(value)
    except GraphkitError as e:
        raise click.BadParameter(str(e)) from None


@cli.command()
@click.argument("source", type=str)
@click.option("--top", type=int, default=20, show_default=True, help="How many of each kind.")
@click.option(
    "--kind",
    default="all",
    show_default=True,
    callback=_kind,
    help="Which kind: foundations, followups, surveys (singular or plural, as the output names them) or all.",
)
@click.option(
    "--since",
    default=None,
    metavar="YYYY-MM-DD",
    help="Follow-ups published after this date (default: the post's front-matter date).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@fetch_options
@click.pass_context
def missing(ctx, source, top, kind, since, as_json, fetch):
    """Influential papers the list lacks: foundations many seeds cite, follow-ups that cite many seeds, and
    surveys that review the list. Ranked by relevance (seeds linked) times influence (S2 citations; per year
    for follow-ups and surveys); each with its arXiv id, DOI and Semantic Scholar link.

    \b
    Example:
      graphkit missing examples/video-classification/post.md --top 10 --kind surveys
    """
    if top < 1:
        raise click.BadParameter(f"{top} is not a positive number; give --top 1 or more", param_hint="--top")
    if since is not None:
        import datetime

        try:
            datetime.date.fromisoformat(since)
        except ValueError:
            raise click.BadParameter(
                f"{since!r} is not a date; write it as YYYY-MM-DD", param_hint="--since"
            ) from None
    from .discover import find_missing

    found = find_missing(_build(ctx, source, fetch).graph, kind=kind, top=top, since=since)
    if as_json:
        dump(found)
        return
    if not found:
        click.echo("no missing papers found")
        return
    click.echo(f"  {'#':>3}  {'kind':<10} {'score':>6}  {'year':<4}  title — reason")
    for i, m in enumerate(found, 1):
        title = (m.get("title") or "")[:70]
        click.echo(
            f"  {i:>3}  {m['kind']:<10} {m['score']:>6.2f}  {m.get('year') or '':<4}  {title} — {m['reason']}"
        )
        ids = ([f"arXiv:{m['arxiv']}"] if m.get("arxiv") else []) + (
            [f"DOI:{m['doi']}"] if m.get("doi") else []
        )
        click.echo(f"  {'':>3}  {'':<10} {'':>6}  {'':<4}  " + "  ".join([*ids, m["url"]]))


@cli.command()
@click.argument("outdir", type=click.Path(file_okay=False))
@click.option("--height", type=click.IntRange(min=200, max=20_000), default=640, show_default=True)
@click.option(
    "--asset-dir",
    default=None,
    metavar="PATH",
    help="Where the map lives on the blog (default: /assets/graphkit/<the post's slug>/).",
)
@click.option(
    "--copy-to",
    "copy_to",
    type=click.Path(file_okay=False),
    default=None,
    metavar="BLOG",
    help="Copy index.html and map.svg into the blog at BLOG (its root folder), under the asset dir.",
)
def embed(outdir, height, asset_dir, copy_to):
    """Print the snippet that embeds OUTDIR's map in a Jekyll post (an iframe, and map.svg for feeds).

    The map's asset folder is named after the post (its front-matter slug or file name), so two posts' maps
    never overwrite each other.

    \b
    Example:
      graphkit embed site/ --copy-to ~/blog
    """
    from pathlib import Path

    from .clean import clean_text
    from .errors import OutputError
    from .files import copy_map
    from .pipeline import map_record
    from .render import embed_snippet

    page = Path(outdir) / "index.html"
    record = map_record(outdir)
    if not page.is_file() or not record:
        raise OutputError(f"{page} was not written by a build; run `graphkit build SOURCE -o {outdir}` first")
    title, slug = clean_text(record["title"]).strip() or "Citation map", record["slug"]
    base = "/" + (asset_dir or f"/assets/graphkit/{slug}").strip("/")
    if not re.fullmatch(r"/[A-Za-z0-9._~/-]*", base) or ".." in base.split("/"):
        raise OutputError(
            f"--asset-dir {asset_dir!r} is not a path inside the blog; use letters, digits, '-', '_', '.' and '/' "
            "only, without '..' (e.g. /assets/graphkit/my-post)"
        )
    copied = None
    if copy_to is not None:
        copied = str(copy_map(Path(outdir), Path(copy_to), base))
    click.echo(embed_snippet(outdir, title=title, height=height, slug=slug, asset_dir=base, copied_to=copied))


def main() -> None:
    """Console-script entry point: SIGTERM ends graphkit like Ctrl-C, with one line and exit 143.

    One command, then the process ends, so the cyclic garbage collector runs rarely (the one setting, here: what
    importing made is frozen, and a collection comes every 100,000 allocations, not 700) — rarely enough for a
    warm rebuild, often enough that a source that makes cycles by the million (LaTeX decoding of a big BibTeX
    file) stays in memory linear in its size. The process ends by a normal exit (``sys.exit``: atexit handlers
    and finalisers run), after freezing what the command left, so that the exit's last collection does not walk
    the graph once more (0.3 s on a 26,000-paper warm rebuild). The library, used from a notebook, keeps the
    collector as it is.
    """
    import gc

    gc.freeze()  # what importing made is never collected: the collections left walk only what the run makes
    gc.set_threshold(100_000, 50, 100)  # and come a hundred times less often than by default
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        cli(prog_name="graphkit")
    except Terminated as e:  # before or after a command ran (while starting up or exiting)
        line, code = _interrupted(None, e)
        click.echo(line, err=True)
        _exit(code)
    except SystemExit as e:
        _exit(e.code)
    _exit(0)


def _exit(code) -> None:
    """Leave with ``code`` (a ``sys.exit`` argument) through a normal interpreter exit (finalisers run), stdout
    and stderr flushed first. A closed stdout (``graphkit … | head``) is not an error."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # the reader left: later flushes go nowhere, quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
        except (OSError, ValueError):
            pass
    import gc

    gc.freeze()  # what the command left is not walked once more by the exit's last collection
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
