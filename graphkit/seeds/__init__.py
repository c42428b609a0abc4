"""Seeds: a reading-list post (Markdown), an id list, or a BibTeX file -> the list of seed papers. Pure.

A module per job: :mod:`.ids` (what an id is, and which is preferred), :mod:`.names` (titles and the names a list
gives papers), :mod:`.markdown`, :mod:`.bibtex` and :mod:`.idlist` (the three kinds of source), :mod:`.merge`
(one paper, one seed) and :mod:`.model` (the types). This module reads a source and picks its parser.
"""

from __future__ import annotations

import errno
import re
import sys
from pathlib import Path

from ..errors import SeedError
from .bibtex import bibtex_ids, parse_bibtex
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
    "bibtex_ids",
    "classify_link",
    "id_line",
    "ids_in_text",
    "looks_like_title",
    "make_label",
    "normalise_title",
    "parse_bibtex",
    "parse_id_list",
    "parse_markdown",
    "parse_seeds",
    "repo_name",
    "seed_key",
]


def _read_source(source: str) -> tuple[str, str]:
    """(text, name) of a path or ``-`` (stdin); one-line SeedErrors for what cannot be read."""
    if source == "-":
        name = "<stdin>"
        try:
            if sys.stdin is None:  # file descriptor 0 was closed before Python started
                raise ValueError("closed")
            data = sys.stdin.buffer.read()
        except (OSError, ValueError) as e:
            why = "it is closed" if isinstance(e, ValueError) or e.errno == errno.EBADF else e.strerror
            raise SeedError(
                f"cannot read the source from stdin ({why}); pipe the post into `-` or give its path"
            ) from None
    else:
        p = Path(source)
        name = str(p)
        if not p.exists():
            raise SeedError(
                f"{name}: no such file; give a Markdown post, an id list (.txt) or a BibTeX file (.bib)"
            )
        if p.is_dir():
            raise SeedError(f"{name} is a directory; give the path of a post file inside it")
        try:
            data = p.read_bytes()
        except OSError as e:
            raise SeedError(f"{name}: cannot read ({e.strerror}); check the file's permissions") from e
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
    low = name.lower()
    if low.endswith(".bib") or low.endswith(".bibtex"):
        return "bibtex"
    if low.endswith((".md", ".markdown", ".mdown", ".mkd")):
        return "markdown"
    if low.endswith((".txt", ".ids", ".list")):
        return "ids"
    if re.search(r"^\s*@\w+\s*[{(]", text, re.MULTILINE) and not re.search(
        r"^\s*[#*-]\s", text, re.MULTILINE
    ):
        return "bibtex"
    if re.search(r"^(#{1,6}\s|\s*(?:[-*+]|\d+[.)])\s|\|)|\]\(", text, re.MULTILINE) or text.startswith("---"):
        return "markdown"
    return "ids"


def parse_seeds(source: str) -> SeedList:
    """Read SOURCE (a Markdown post, ``-`` for stdin, an id list, or a BibTeX file) and return its seeds.

    Raises
    ------
    SeedError
        The file is missing, a directory, binary, or not UTF-8.
    """
    text, name = _read_source(source)
    kind = _kind_of(name, text)
    if kind == "bibtex":
        return parse_bibtex(text, name)
    if kind == "ids":
        return parse_id_list(text, name)
    meta, body = split_front_matter(text)
    return parse_markdown(body, name, meta)
