"""The README's console examples are what the shipped code prints: each `$ graphkit …` line of a ```console block is
run (in a scratch folder holding the examples, against the FIXTURE server the README's set-up step describes, with a
fresh cache), and its output must match the block. Lines that depend on the machine or the day are shown as such in
the README and compared by shape: a time (`time: 1.4s`), a date (`data fetched: 2026-11-26`), the progress bar (a
terminal's only), and a line holding just `…` (the README leaves out what comes there)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
MACHINE = [  # what differs between machines and days, in the README and in the output alike
    (re.compile(r"time: [0-9.]+s"), "time: <seconds>"),
    (re.compile(r"data fetched: \d{4}-\d{2}-\d{2}"), "data fetched: <date>"),
]


PROGRESS = re.compile(
    r"^(\[[# .]*\] )?fetching \d+/\d+ pages"
)  # a bar on a terminal, a line a step elsewhere


def console_examples() -> list[tuple[str, list[str]]]:
    """(command, expected output lines) of every `$ graphkit …` in the README's console blocks."""
    out = []
    for block in re.findall(r"```console\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        cmd, lines = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if cmd:
                    out.append((cmd, lines))
                cmd, lines = line[2:], []
            else:
                lines.append(line)
        if cmd:
            out.append((cmd, lines))
    runnable = []
    for cmd, lines in out:
        cmd = cmd.split(" && ")[-1]  # the set-up line installs, then runs `graphkit build`
        if cmd.startswith("graphkit ") and "_GRAPHKIT_COMPLETE" not in cmd:
            runnable.append((cmd, lines))
    return runnable


def normal(line: str) -> str:
    for pattern, shown in MACHINE:
        line = pattern.sub(shown, line)
    return line.rstrip()


def matches(expected: list[str], got: list[str]) -> str | None:
    """None when ``got`` is ``expected`` (a `…` line standing for any lines); else the first difference."""
    exp = [normal(x) for x in expected if not PROGRESS.match(x)]
    out = [normal(x) for x in got if not PROGRESS.match(x)]
    while exp and not exp[-1]:
        exp.pop()
    while out and not out[-1]:
        out.pop()
    i = j = 0
    while i < len(exp):
        if exp[i].strip() == "…":
            nxt = exp[i + 1] if i + 1 < len(exp) else None
            if nxt is None:
                return None
            while j < len(out) and out[j] != nxt:
                j += 1
            if j == len(out):
                return f"after an elision, expected {nxt!r}; not found"
            i += 1
            continue
        if j >= len(out):
            return f"expected {exp[i]!r}; the output ended"
        if exp[i] != out[j]:
            return f"line {j + 1}: expected {exp[i]!r}, got {out[j]!r}"
        i, j = i + 1, j + 1
    return None if j == len(out) else f"the output goes on: {out[j]!r}"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """A folder as the README's reader has it (the examples), a home with a blog, and the FIXTURE server."""
    sys.path.insert(0, str(ROOT / "examples"))
    from fixture_server import corpus_for

    from tests.s2server import FakeS2

    d = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "examples", d / "examples")
    home = d / "home" / "me"
    (home / "blog").mkdir(parents=True)
    with FakeS2(corpus_for(str(ROOT / "examples" / "video-classification" / "post.md"))) as srv:
        yield {"dir": d, "home": home, "url": srv.url}


EXAMPLES = console_examples()


def test_the_readme_shows_console_examples():
    commands = [c.split()[1] for c, _ in EXAMPLES]
    assert {"build", "seeds", "lineage", "missing", "embed"} <= set(commands)


@pytest.mark.parametrize("cmd,expected", EXAMPLES, ids=[c[:60] for c, _ in EXAMPLES])
def test_a_readme_console_example_is_what_the_code_prints(scratch, cmd, expected):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("S2_", "GRAPHKIT_"))},
        "S2_API_URL": scratch["url"],
        "S2_RPS": "0",
        "HOME": str(scratch["home"]),
        "GRAPHKIT_CACHE": str(scratch["dir"] / "cache"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "COLUMNS": "200",
    }
    if cmd.split()[1] in ("lineage", "missing", "embed"):  # after the build, as a reader runs them
        subprocess.run(
            ["bash", "-c", "graphkit build examples/video-classification/post.md -o site/"],
            cwd=scratch["dir"],
            env=env,
            capture_output=True,
            check=True,
        )
    p = subprocess.run(
        ["bash", "-c", cmd], cwd=scratch["dir"], env=env, capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 0, p.stderr
    got = (p.stdout + p.stderr).replace(str(scratch["home"]), "/home/me").splitlines()
    problem = matches(expected, got)
    assert problem is None, f"README example `{cmd}`: {problem}\n--- the code prints ---\n" + "\n".join(got)
