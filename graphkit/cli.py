"""graphkit's command line: parse options, call the library, print. Progress and warnings go to stderr."""

from __future__ import annotations

import json
import sys

import click

from . import __version__
from .errors import GraphkitError
from .seeds import SeedList, parse_seeds, summary_line


class _Group(click.Group):
    """Turns graphkit errors into one line on stderr (exit 1) and Ctrl-C into exit 130 — never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GraphkitError as e:
            click.echo(f"graphkit: error: {e}", err=True)
            ctx.exit(e.exit_code)
        except KeyboardInterrupt:
            state = ctx.find_object(dict) or {}
            cached = state.get("pages_cached")
            what = f"{cached} pages cached, " if cached is not None else ""
            click.echo(f"\ngraphkit: interrupted; {what}rerun to resume", err=True)
            ctx.exit(130)


def _dump(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="graphkit")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Explore the citation graph of a reading list kept as a blog post.

    \b
    Example:
      graphkit seeds examples/video-classification/post.md
    """
    ctx.ensure_object(dict)


# ----------------------------------------------------------------------------------------------------------------
@cli.command()
@click.argument("source", type=str)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
def seeds(source: str, as_json: bool) -> None:
    """List the seed papers found in SOURCE.

    SOURCE is a Markdown post (Jekyll front matter allowed), '-' for stdin, a text file of ids (one arXiv:…,
    DOI:…, paperId, CorpusId:… or title a line) or a BibTeX file.

    \b
    Example:
      graphkit seeds examples/video-classification/post.md --json
    """
    sl = parse_seeds(source)
    if not sl.papers:
        click.echo(f"graphkit: warning: no papers found in {sl.source}", err=True)
    if as_json:
        _dump(sl.to_dict())
        return
    _print_seed_table(sl)


def _print_seed_table(sl: SeedList) -> None:
    groups: dict[tuple, list] = {}
    for p in sl.papers:
        path = tuple(p.paths[0]) if p.paths else ()
        groups.setdefault(path, []).append(p)
    for path, papers in groups.items():
        click.echo(" / ".join(path) if path else "(no section)")
        for p in papers:
            also = f"  [+ {len(p.paths) - 1} more section]" if len(p.paths) > 1 else ""
            title = p.title or ""
            if len(title) > 70:
                title = title[:69] + "…"
            click.echo(f"  {p.line:>5}  {p.key[:28]:<28}  {p.label[:24]:<24}  {title}{also}")
    if sl.skipped:
        click.echo("skipped")
        for s in sl.skipped:
            click.echo(f"  {s.line:>5}  {s.reason:<28}  {s.text}")
    click.echo(summary_line(sl))


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="graphkit")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
