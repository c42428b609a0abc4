"""Seeds: a reading-list post (Markdown), an id list, or a reference manager's export (BibTeX, RIS, CSL-JSON) ->
the list of seed papers. Pure but for reading the source (a path, stdin, or an http(s) URL through the client).

A module per job: :mod:`.ids` (what an id is, and which is preferred), :mod:`.names` (titles and the names a list
gives papers), :mod:`.cite` (citation strings), :mod:`.frontmatter`, :mod:`.markdown`, :mod:`.bibtex`,
:mod:`.exports` (RIS, CSL-JSON) and :mod:`.idlist` (the kinds of source), :mod:`.merge` (one paper, one seed) and
:mod:`.model` (the types). This module reads a source and picks its parser.
"""

from __future__ import annotations

import errno
import re
import stat
import sys
from pathlib import Path

from ..errors import SeedError, source_too_big
from .bibtex import bibtex_ids, parse_bibtex
from .exports import parse_csl_json, parse_ris
from .frontmatter import split_front_matter
from .idlist import parse_id_list
from .ids import classify_link, id_line, ids_in_text, seed_key
from .markdown import parse_markdown
from .model import Seed, SeedList, Skipped
from .names import looks_like_title, make_label, normalise_title, repo_name

__all__ = [
    "Seed",
    "SeedList",
    "Skipped",
    "MAX_SOURCE_BYTES",
    "bibtex_ids",
    "classify_link",
    "id_line",
    "ids_in_text",
    "looks_like_title",
    "make_label",
    "normalise_title",
    "parse_bibtex",
    "parse_csl_json",
    "parse_ris",
    "parse_id_list",
    "parse_markdown",
    "parse_seeds",
    "repo_name",
    "seed_key",
]


MAX_SOURCE_BYTES = 20 * 2**20  # a source larger than this is refused (--max-size raises it)


def _read_source(source: str, max_bytes: int = MAX_SOURCE_BYTES) -> tuple[str, str]:
    """(text, name) of a path, an http(s) URL or ``-`` (stdin); one-line SeedErrors for what cannot be read: a
    missing file, a directory, a device or FIFO, more than ``max_bytes``, binary or non-UTF-8 content."""
    if source == "-":
        name = "<stdin>"
        try:
            if sys.stdin is None:  # file descriptor 0 was closed before Python started
                raise ValueError("closed")
            data = sys.stdin.buffer.read(max_bytes + 1)
        except (OSError, ValueError) as e:
            why = "it is closed" if isinstance(e, ValueError) or e.errno == errno.EBADF else e.strerror
            raise SeedError(
                f"cannot read the source from stdin ({why}); pipe the post into `-` or give its path"
            ) from None
        if len(data) > max_bytes:
            raise source_too_big(name, len(data), max_bytes)
    elif re.match(r"^https?://", source, re.IGNORECASE):
        from ..transport import fetch_source, github_raw

        name = github_raw(source)
        data = fetch_source(source, max_bytes)
    else:
        p = Path(source)
        name = str(p)
        try:
            st = p.stat()
        except FileNotFoundError:
            raise SeedError(
                f"{name}: no such file; give a Markdown post, an id list (.txt), BibTeX (.bib), RIS (.ris), "
                f"CSL-JSON (.json) or an http(s) URL"
            ) from None
        except OSError as e:
            raise SeedError(f"{name}: cannot read ({e.strerror}); check the path") from None
        if stat.S_ISDIR(st.st_mode):
            raise SeedError(f"{name} is a directory; give the path of a post file inside it")
        if not stat.S_ISREG(st.st_mode):
            raise SeedError(
                f"{name} is not a regular file (a device, FIFO or socket); give a post file's path"
            )
        if st.st_size > max_bytes:
            raise source_too_big(name, st.st_size, max_bytes)
        try:
            with p.open("rb") as f:
                data = f.read(max_bytes + 1)
        except OSError as e:
            raise SeedError(f"{name}: cannot read ({e.strerror}); check the file's permissions") from e
        if len(data) > max_bytes:
            raise source_too_big(name, len(data), max_bytes)
    if b"\x00" in data[:8192]:
        raise SeedError(f"{name} looks binary (it holds NUL bytes); give a Markdown, text or BibTeX file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SeedError(
            f"{name} is not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); save it as UTF-8"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n"), name


def _kind_of(name: str, text: str) -> str:
    low = name.lower().split("?")[0]
    if low.endswith(".bib") or low.endswith(".bibtex"):
        return "bibtex"
    if low.endswith(".ris"):
        return "ris"
    if low.endswith(".json"):
        return "csl"
    if low.endswith((".md", ".markdown", ".mdown", ".mkd")):
        return "markdown"
    if low.endswith((".txt", ".ids", ".list")):
        return "ids"
    head = text.lstrip()[:4096]
    if re.match(r"^TY {2}- ", head):
        return "ris"
    if head.startswith(("[", "{")) and '"title"' in head:
        return "csl"
    if re.search(r"^\s*@\w+\s*[{(]", text, re.MULTILINE) and not re.search(
        r"^\s*[#*-]\s", text, re.MULTILINE
    ):
        return "bibtex"
    if re.search(r"^(#{1,6}\s|\s*(?:[-*+]|\d+[.)])\s|\|)|\]\(", text, re.MULTILINE) or text.startswith("---"):
        return "markdown"
    return "ids"


def parse_seeds(source: str, *, max_bytes: int | None = None) -> SeedList:
    """Read SOURCE (a Markdown post, ``-`` for stdin, an id list, BibTeX, RIS or CSL-JSON, as a path or an http(s)
    URL) and return its seeds; ``max_bytes``: the largest source read (None: :data:`MAX_SOURCE_BYTES`).

    Raises
    ------
    SeedError
        The source is missing, a directory or special file, over ``max_bytes``, binary, not UTF-8, or
        unreachable.
    """
    text, name = _read_source(source, max_bytes or MAX_SOURCE_BYTES)
    kind = _kind_of(name, text)
    if kind == "bibtex":
        return parse_bibtex(text, name)
    if kind == "ris":
        return parse_ris(text, name)
    if kind == "csl":
        return parse_csl_json(text, name)
    if kind == "ids":
        return parse_id_list(text, name)
    meta, body = split_front_matter(text)
    return parse_markdown(body, name, meta)
