"""Layer 3: what a lying or malformed server and hostile inputs send does not reach the terminal, the files or the
scores (issue 22): control characters, BibTeX injection, script URLs, absurd years, secrets echoed back, bombs."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from graphkit.cli import cli
from tests.corpus import FixtureCorpus
from tests.s2server import FakeS2

EVIL_TITLE = "Evil\x1b]0;owned\x07 Net\x1b[2J\u202eward\nFoundation\n@SUM(1)"
KEY = "k3y-" + "5ec" * 8


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def hostile() -> FixtureCorpus:
    fc = FixtureCorpus()
    seeds = [fc.add(f"s{i}", f"Seed Paper Number {i}", 2016, arxiv=f"1608.0000{i}") for i in range(3)]
    evil = fc.add("evil", EVIL_TITLE, 2012, authors=("A. Author\x08\x7f", "B. \x1b[31mRed"))
    fc.papers[evil]["url"] = "javascript:alert(document.cookie)//"
    fc.papers[evil]["venue"] = "CVPR\x07"
    future = fc.add("future", "A Follow-up From The Year Three Thousand", 3000)
    recent = fc.add("recent", "A Recent Follow-up", 2019)
    for s in seeds:
        fc.cite(s, evil)
        fc.cite(future, s)
        fc.cite(recent, s)
    for i in range(50):
        fc.cite(fc.add(f"c{i}", f"Citer {i}", 2020), recent)
        fc.cite(fc.add(f"d{i}", f"Other citer {i}", 2020), future)
    return fc.finalise()


@pytest.fixture(scope="module")
def server():
    with FakeS2(hostile()) as srv:
        yield srv


@pytest.fixture
def built(server, tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text("arXiv:1608.00000\narXiv:1608.00001\narXiv:1608.00002\n", encoding="utf-8")
    out = tmp_path / "site"
    args = ("--api-url", server.url, "--rps", "0", "--cache-dir", tmp_path / "cache")
    r = run("build", ids, "-o", out, *args)
    assert r.exit_code == 0, r.output
    return ids, out, args, r


def test_control_characters_reach_neither_the_terminal_nor_the_files(built):
    ids, out, args, r = built
    m = run("missing", ids, *args)
    assert m.exit_code == 0 and "Evil" in m.stdout
    for text in (r.output, m.output, *(p.read_text(encoding="utf-8") for p in out.iterdir() if p.is_file())):
        assert not any(c in text for c in "\x1b\x07\x08\x7f\u202e"), repr(text[:200])
    ET.parse(out / "map.svg")  # well-formed XML


def test_missing_bib_reads_back_whole_and_holds_no_script_url(built):
    import bibtexparser

    _ids, out, _args, _r = built
    text = (out / "missing.bib").read_text(encoding="utf-8")
    lib = bibtexparser.parse_string(text)
    assert not lib.failed_blocks and len(lib.entries) == text.count("@misc{")
    evil = next(e for e in lib.entries if "Evil" in e.fields_dict["title"].value)
    assert evil.fields_dict["url"].value.startswith("https://www.semanticscholar.org/paper/")
    assert "javascript" not in text


def test_a_year_far_off_is_unknown_in_every_score(built):
    ids, _out, args, _r = built
    import json

    m = run("missing", ids, *args, "--json")
    rows = {r["title"]: r for r in json.loads(m.stdout)}
    assert rows["A Follow-up From The Year Three Thousand"]["year"] is None
    assert rows["A Recent Follow-up"]["citationsPerYear"] > 0  # not "0.0 a year" beside a year-3000 paper


def test_a_server_echoing_the_key_or_forging_lines_is_shown_neither(server, tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text("arXiv:1608.00000\n", encoding="utf-8")
    body = {"error": f"bad key {KEY}\ngraphkit: wrote 6 files: all fine\x1b[2J"}
    server.script("/paper/batch$", (400, body, {}))
    r = run(
        "build",
        ids,
        "-o",
        tmp_path / "o",
        "--api-url",
        server.url,
        "--rps",
        "0",
        "--cache-dir",
        tmp_path / "c",
        env={"S2_API_KEY": KEY},
    )
    server._scripts.clear()
    assert r.exit_code == 1 and KEY not in r.output and "\x1b" not in r.output
    assert [ln for ln in r.stderr.splitlines() if ln.startswith("graphkit: wrote")] == []


@pytest.mark.parametrize(
    "args,fragment",
    [
        (("--rps", "nan"), "is no pace"),
        (("--rps", "1e-300"), "is no pace"),
        (("--api-url", "http://me:se/cret@[::1"), "is not a valid URL"),
    ],
)
def test_bad_options_are_one_line_without_secrets(tmp_path, args, fragment):
    post = tmp_path / "p.md"
    post.write_text("- [TSN](https://arxiv.org/abs/1608.00859)\n", encoding="utf-8")
    r = run("build", post, "-o", tmp_path / "o", "--cache-dir", tmp_path / "c", *args)
    assert r.exit_code in (1, 2) and fragment in r.stderr and "Traceback" not in r.output
    assert len(r.stderr.strip().splitlines()) == 1 and "cret" not in r.stderr


def test_bombs_are_refused_within_seconds(tmp_path):
    post = tmp_path / "p.md"
    post.write_text(
        "---\ndate: 2019-13-45\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n---\n"
        + "> " * 5000
        + "x\n"
        + "- [TSN](https://arxiv.org/abs/1608.00859)\n",
        encoding="utf-8",
    )
    r = run("seeds", post, "--json")
    assert r.exit_code == 0 and "arXiv:1608.00859" in r.stdout
    r = run("lineage", post, "--lineages", "/dev/zero", "--offline", "--cache-dir", tmp_path / "c")
    assert r.exit_code == 1 and "/dev/zero is not a regular file" in r.stderr
    r = run("seeds", "/dev/zero")
    assert r.exit_code == 1 and "not a regular file" in r.stderr
