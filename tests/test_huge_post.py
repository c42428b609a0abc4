"""Layer 1: a post read in pieces (as a huge one is) gives the seeds one reading of the whole gives.

The pieces are made small here (``_PIECE`` patched to a few hundred characters) so that every cut, reference and
fence rule is exercised on posts a test can read; benchmarks/seeds.py measures the real sizes (1, 10, 50 MB).
"""

from __future__ import annotations

import pytest

from graphkit.seeds import markdown as M
from graphkit.seeds import parse_markdown


def _seeds(text: str):
    sl = parse_markdown(text)
    return [p.to_dict() for p in sl.papers], [vars(s) for s in sl.skipped], sl.links


def _post(n_sections: int = 12) -> str:
    """Sections with ATX and setext headings, items that link by reference to definitions made in other
    sections (before and after), nested lists, a table, prose, and a run of definitions at the end."""
    out = ["---", "title: pieces", "---", ""]
    for s in range(1, n_sections + 1):
        if s % 3 == 0:
            out += [f"Section {s} underlined", "=" * 12, ""]
        else:
            out += [f"# {s} Section", ""]
        out += [f"## {s}.1 Sub", ""]
        for k in range(4):
            n = s * 10 + k
            if k == 0:
                out.append(f"1. [Paper {n} by reference][p{(n + 37) % (n_sections * 10)}]")
            elif k == 1:
                out.append(f"- [Paper {n} on arXiv](https://arxiv.org/abs/19{s % 12 + 1:02d}.{n:05d})")
                out.append(f"  - [code for {n}](https://github.com/someone/p{n})")
            elif k == 2:
                out.append(f"- Paper {n} in plain text, arXiv:20{s % 12 + 1:02d}.{n:05d}")
            else:
                out += ["", "| Paper | Code |", "| --- | --- |"]
                out.append(f"| [Tabled {n}](https://doi.org/10.1000/t.{n}) | [c](https://github.com/a/{n}) |")
                out.append("")
        out += ["", f"Some prose naming [a paper](https://arxiv.org/abs/21{s % 12 + 1:02d}.{s:05d}).", ""]
    out += ["# Links", ""]
    out += [f"[p{n}]: https://arxiv.org/abs/18{n % 12 + 1:02d}.{n:05d}" for n in range(n_sections * 10)]
    return "\n".join(out) + "\n"


@pytest.fixture
def small_pieces(monkeypatch):
    monkeypatch.setattr(M, "_PIECE", 300)


def test_pieces_read_like_one_whole(monkeypatch):
    text = _post()
    monkeypatch.setattr(M, "_PIECE", 10**9)
    whole = _seeds(text)
    monkeypatch.setattr(M, "_PIECE", 300)
    assert len(list(M._tree_pieces(M._strip_front_matter(text)[1]))) > 10  # it is read in many pieces
    assert _seeds(text) == whole
    papers = whole[0]
    # references resolve across pieces, whichever side their definition is on
    by_title = {p["title"]: p for p in papers}
    assert by_title["Paper 10 by reference"]["ids"]["arxiv"] == "1812.00047"
    assert by_title["Paper 110 by reference"]["ids"]["arxiv"] == "1804.00027"
    # setext headings name sections like ATX ones; the line of each seed is its line in the file
    assert by_title["Paper 31 on arXiv"]["sections"] == ["Section 3 underlined", "3.1 Sub"]
    lines = text.splitlines()
    for p in papers:
        assert (p["title"] or p["ids"]["arxiv"]) and lines[p["line"] - 1].strip()
        if p["title"] and p["title"].startswith("Paper"):
            assert p["title"].split(" by ")[0].split(" on ")[0] in lines[p["line"] - 1]
    assert {s["reason"] for s in whole[1]} == {"code repository"}


def test_a_fence_across_a_cut_is_read_as_one_block(small_pieces):
    """A code fence left open over a cut point: the cut was no boundary, so the whole post is read at once and
    what the fence holds is code, not papers."""
    fenced = "\n".join(
        f"\n# Not a heading {k}\n\n- [Fake {k}](https://arxiv.org/abs/1111.{k:05d})" for k in range(40)
    )
    text = (
        "# Real\n\n- [Real paper](https://arxiv.org/abs/1608.00859)\n\n```\n" + fenced + "\n```\n\n"
        "# After\n\n- [Later paper](https://arxiv.org/abs/1705.07750)\n"
    )
    papers, _skipped, _links = _seeds(text)
    assert [(p["ids"]["arxiv"], p["sections"]) for p in papers] == [
        ("1608.00859", ["Real"]),
        ("1705.07750", ["After"]),
    ]


def test_a_long_run_of_definitions_and_what_is_not_one(small_pieces):
    defs = "\n".join(f"[r{k}]: https://arxiv.org/abs/1901.{k:05d}" for k in range(3000))
    text = (
        "# A\n\n- [First paper title][r1]\n- [Last][R2999]\n- [A paper whose link is missing][nowhere]\n\n"
        "Prose then a line that looks like one\n[r5]: https://arxiv.org/abs/1111.11111\n\n"
        "```\n\n[r7]: https://arxiv.org/abs/1222.22222\n```\n\n"
        "- [Seventh][r7]\n\n# Links\n\n" + defs + "\n"
    )
    papers, skipped, _ = _seeds(text)
    got = {p["title"]: p["ids"]["arxiv"] for p in papers}
    assert got["First paper title"] == "1901.00001" and got["Last"] == "1901.02999"
    assert got["Seventh"] == "1901.00007"  # not the definition in a code block
    # a reference defined nowhere stays text (as CommonMark says): a title-only seed
    assert [v for t, v in got.items() if t and "whose link is missing" in t] == [None]
    # a definition-shaped line a paragraph runs on into is text: its [r5] is a link to r5, its URL no seed
    arxiv = {p["ids"]["arxiv"] for p in papers}
    assert "1901.00005" in arxiv and not arxiv & {"1111.11111", "1222.22222"}


def test_a_definition_line_still_closes_a_list(small_pieces):
    """A definition at column 0 after a list ends the list; an item indented after it starts a new list (so the
    item is not nested in the one before)."""
    text = "# A\n\n- [TSM][]\n\n[TSM]: https://arxiv.org/abs/1811.08383\n  - [code](https://github.com/a/b)\n"
    papers, skipped, _ = _seeds(text)
    assert [p["ids"]["arxiv"] for p in papers] == ["1811.08383"]
    assert [(s["line"], s["reason"]) for s in skipped] == [(6, "code repository")]
