"""Outputs are written whole: a kill while writing leaves every file old-and-complete or new-and-complete."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from graphkit.errors import OutputError
from graphkit.files import atomic_write, remove_stale, temp_name
from tests.children import Child
from tests.corpus import synthetic
from tests.s2server import FakeS2

OUTPUTS = [
    "graph.json",
    "graph.graphml",
    "graph.gexf",
    "papers.csv",
    "missing.bib",
    "report.md",
    "index.html",
    "map.svg",
]


def test_atomic_write_replaces_whole_or_not_at_all(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("old", encoding="utf-8")
    os.chmod(p, 0o640)
    with pytest.raises(RuntimeError), atomic_write(p) as f:
        f.write("new, but the writer fails half way")
        raise RuntimeError("boom")
    assert p.read_text(encoding="utf-8") == "old" and os.listdir(tmp_path) == ["a.txt"]  # no temp file left
    with atomic_write(p) as f:
        f.write("new")
    assert p.read_text(encoding="utf-8") == "new" and os.listdir(tmp_path) == ["a.txt"]
    assert p.stat().st_mode & 0o777 == 0o640  # a rewritten file keeps its permissions
    with atomic_write(tmp_path / "b.bin", "wb") as f:
        f.write(b"\x00\x01")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"


def test_atomic_write_errors_name_the_file(tmp_path):
    (tmp_path / "report.md").mkdir()  # a file to write that is a directory
    with pytest.raises(
        OutputError, match=r"cannot write .*report\.md: .*; choose a writable output directory"
    ):
        with atomic_write(tmp_path / "report.md") as f:
            f.write("x")
    with pytest.raises(OutputError, match=r"cannot write .*nowhere"):
        with atomic_write(tmp_path / "nowhere" / "x.csv") as f:
            f.write("x")
    assert sorted(os.listdir(tmp_path)) == ["report.md"]


def test_stale_temp_files_are_removed_unless_their_writer_lives(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stale = tmp_path / f".papers.csv.{int(dead.stdout)}-0123abcd.graphkit-tmp"
    live = tmp_path / f".papers.csv.{os.getppid()}-0123abcd.graphkit-tmp"  # a running process's
    mine = temp_name(tmp_path / "graph.json")
    keep = tmp_path / ".notes.graphkit-tmp"  # not one of ours: wrong shape
    for p in (stale, live, mine, keep):
        p.write_text("partial", encoding="utf-8")
    assert remove_stale(tmp_path) == [stale]
    assert sorted(os.listdir(tmp_path)) == sorted([live.name, mine.name, keep.name])


# ---------------------------------------------------------------------------------------------------------------
# The kill loop: `graphkit build` against a warm cache goes straight to writing; kill it at random moments.


def _parse(name: str, data: bytes) -> None:
    """Raise if the file does not parse as what it is."""
    text = data.decode("utf-8")
    if name.endswith(".json"):
        json.loads(text)
    elif name.endswith((".graphml", ".gexf")):
        ET.fromstring(data)
    elif name.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert rows and all(len(r) == len(rows[0]) for r in rows)
    elif name.endswith(".html"):
        assert text.rstrip().endswith("</html>")
    elif name.endswith(".svg"):
        ET.fromstring(data)


def _unchanged(report: bytes) -> bytes:
    """report.md without its "What changed since …" section."""
    return re.sub(rb"## What changed since [^\n]*\n.*?(?=^## |\Z)", b"", report, flags=re.S | re.M)


def _build(args: list[str], out: Path) -> float:
    """Run a whole build; how long its writing phase lasted (from graph.json's temporary file to the exit)."""
    p = Child(["build", *args, "-o", str(out)], capture=False)
    while not _writing_started(out) and p.poll() is None:
        time.sleep(0.0005)
    t0 = time.monotonic()
    assert p.wait(60) == 0
    return time.monotonic() - t0


def _inodes(out: Path) -> dict[str, int]:
    return {n: (out / n).stat().st_ino for n in OUTPUTS if (out / n).exists()}


def _replaced(out: Path, before: dict[str, int]) -> int:
    """How many outputs a build has put in place since ``before`` (each lands by a rename: a new inode)."""
    now = _inodes(out)
    return sum(1 for n, ino in now.items() if before.get(n) != ino)


def _temporaries(out: Path) -> set[str]:
    """graph.json's temporary files in ``out`` (graph.json is the first output written)."""
    try:
        return {n for n in os.listdir(out) if n.startswith(".graph.json.") and n.endswith(".graphkit-tmp")}
    except FileNotFoundError:
        return set()


def _writing_started(out: Path, before: set[str] = frozenset()) -> bool:
    """A temporary graph.json that was not there ``before`` (one a killed build left is not this build's)."""
    return bool(_temporaries(out) - before)


def test_kill_while_writing_leaves_whole_files(tmp_path):
    fc, lines = synthetic(16, seed=5, heavy=False, few=40, many=(150, 300))  # about 1,100 papers
    # two versions of the outputs: all 20 seeds, or the first 14
    (tmp_path / "a.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("\n".join(lines[:14]) + "\n", encoding="utf-8")
    cache, out = tmp_path / "cache", tmp_path / "out"
    with FakeS2(fc) as srv:
        url = srv.url
        writing = min(
            _build(
                [
                    str(tmp_path / f"{v}.txt"),
                    "--cache-dir",
                    str(cache),
                    "--api-url",
                    url,
                    "--rps",
                    "0",
                    "--formats",
                    "all",
                ],
                tmp_path / f"ref-{v}",
            )
            for v in "ab"
        )  # the references, and a warm cache for both
    shutil.copytree(tmp_path / "ref-a", out)  # the version a kill must otherwise leave whole
    ref = {v: {n: (tmp_path / f"ref-{v}" / n).read_bytes() for n in OUTPUTS} for v in "ab"}
    for version in ref.values():
        for name, data in version.items():
            _parse(name, data)
    assert all(ref["a"][n] != ref["b"][n] for n in ("graph.json", "graph.graphml", "papers.csv"))

    def run(version: str) -> Child:  # --offline: straight from the cache to writing
        return Child(
            [
                "build",
                str(tmp_path / f"{version}.txt"),
                "-o",
                str(out),
                "--cache-dir",
                str(cache),
                "--api-url",
                url,
                "--offline",
                "--formats",
                "all",
            ],
            capture=False,
        )

    rng = random.Random(12)
    kills = tries = 0
    seen_partial = False
    while kills < 10 and tries < 20:
        tries += 1
        version = "ab"[tries % 2]
        left, before = _temporaries(out), _inodes(out)
        p = run(version)
        while not _writing_started(out, left) and p.poll() is None:
            time.sleep(0.0005)
        if tries % 3:  # at a random moment of the writing
            time.sleep(rng.uniform(0, writing))
        else:  # the moment the k-th file is replaced, however slow the machine is today: some new, some old
            k = rng.randint(1, len(OUTPUTS) - 1)
            while _replaced(out, before) < k and p.poll() is None:
                time.sleep(0.0005)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            kills += 1
        p.wait(60)
        names = set(OUTPUTS) & set(os.listdir(out))
        versions = set()
        for name in names:  # each file is one of the two whole versions (which parse: checked below)
            data = (out / name).read_bytes()
            # report.md's "What changed" section depends on the build before: compare the rest
            if name == "report.md":
                data, refs = _unchanged(data), (_unchanged(ref["a"][name]), _unchanged(ref["b"][name]))
            else:
                refs = (ref["a"][name], ref["b"][name])
            assert data in refs, f"{name} is neither whole version"
            versions.add("a" if data == refs[0] else "b")
        seen_partial |= len(versions) > 1  # some files new, some old: the kill fell mid-way
    assert kills == 10, f"only {kills} of {tries} runs were still writing when killed"
    assert seen_partial  # the kills really fell during the writing
    assert run("a").wait(60) == 0
    assert sorted(os.listdir(out)) == sorted(
        [*OUTPUTS, ".graphkit-build.json", ".graphkit-snapshot.json"]
    )  # no temp
    assert all((out / n).read_bytes() == ref["a"][n] for n in OUTPUTS if n != "report.md")
