"""Layer 3: the global options people expect of a command — -q, -v, -V, a bare command, shell completion."""

from __future__ import annotations

import re
import subprocess
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner

import graphkit
from graphkit.cli import cli
from tests.helpers import EXE
from tests.s2server import FakeS2

KEY = "habit-key-" + "7e" * 12


@pytest.fixture
def post(two_paper_post):
    return two_paper_post


def run(args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, prog_name="graphkit")


def build_args(post, srv, tmp_path, out="out"):
    return [
        "build",
        post,
        "-o",
        tmp_path / out,
        "--api-url",
        srv.url,
        "--cache-dir",
        tmp_path / "c",
        "--rps",
        "0",
    ]


def test_bare_command_prints_help_and_exits_0():
    r = run([])
    assert r.exit_code == 0 and r.stderr == ""
    assert (
        r.stdout.startswith("Usage: graphkit")
        and "Commands:" in r.stdout
        and "graphkit: error" not in r.output
    )


def test_bare_command_as_a_console_script():
    p = subprocess.run([str(EXE)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and p.stderr == "" and p.stdout.startswith("Usage: graphkit")


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version_comes_from_the_package_metadata(flag):
    r = run([flag])
    assert r.exit_code == 0 and r.stdout == f"graphkit, version {version('graphkit')}\n"
    assert graphkit.__version__ == version("graphkit")
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(rf'^version = "{re.escape(graphkit.__version__)}"$', pyproject, re.M)  # the one place


def test_quiet_prints_results_and_errors_only(two_papers, post, tmp_path):
    with FakeS2(two_papers) as srv:
        loud = run(build_args(post, srv, tmp_path, "loud"))
        assert loud.exit_code == 0 and "seeds: 2" in loud.stderr and "wrote " in loud.stderr
        quiet = run(["-q", *build_args(post, srv, tmp_path, "quiet"), "--json"])
        assert quiet.exit_code == 0 and quiet.stderr == ""
        assert '"seeds": 2' in quiet.stdout  # what was asked for still comes on stdout
        again = run(
            ["--quiet", *build_args(post, srv, tmp_path, "quiet")]
        )  # up to date: said only without -q
        assert again.exit_code == 0 and again.stderr == ""
        m = run(["-q", "missing", post, "--api-url", srv.url, "--cache-dir", tmp_path / "c", "--rps", "0"])
        assert m.exit_code == 0 and m.stderr == "" and m.stdout
    empty = tmp_path / "empty.md"
    empty.write_text("# nothing\n", encoding="utf-8")
    s = run(["-q", "seeds", empty])
    assert s.exit_code == 0 and s.stderr == ""  # the warning is not an error
    err = run(["-q", "seeds", tmp_path / "nope.md"])
    assert err.exit_code == 1 and err.stderr.startswith("graphkit: error: ") and "nope.md" in err.stderr


def test_verbose_logs_each_request_and_cache_hit_without_the_key(two_papers, post, tmp_path):
    with FakeS2(two_papers, api_key=KEY) as srv:
        cold = run(["-v", *build_args(post, srv, tmp_path), "--detail", "full"], env={"S2_API_KEY": KEY})
        assert cold.exit_code == 0, cold.output
        sent = [ln for ln in cold.stderr.splitlines() if ln.startswith(("graphkit: GET ", "graphkit: POST "))]
        assert len(sent) == len(srv.log) >= 3  # one line a request (--detail full: the paged lists too)
        assert f"graphkit: POST {srv.url}/paper/batch?fields=" in cold.stderr
        assert any(re.match(rf"graphkit: GET {re.escape(srv.url)}/paper/\S+/citations\?", ln) for ln in sent)
        warm = run(
            ["-v", *build_args(post, srv, tmp_path), "--refresh", "--detail", "full"], env={"S2_API_KEY": KEY}
        )
        offline = run(
            [
                "-v",
                "lineage",
                post,
                "--api-url",
                srv.url,
                "--cache-dir",
                tmp_path / "c",
                "--offline",
                "--detail",
                "full",
            ],
            env={"S2_API_KEY": KEY},
        )
    hits = [ln for ln in offline.stderr.splitlines() if ln.startswith("graphkit: cache hit: ")]
    assert offline.exit_code == 0 and len(hits) == len(sent)  # every page from the cache, each named
    assert warm.exit_code == 0 and "graphkit: GET " in warm.stderr  # --refresh: sent again
    for r in (cold, warm, offline):
        assert KEY not in r.output
    plain = run(
        [
            "lineage",
            post,
            "--api-url",
            srv.url,
            "--cache-dir",
            tmp_path / "c",
            "--offline",
            "--detail",
            "full",
        ]
    )
    assert plain.exit_code == 0 and "graphkit: cache hit" not in plain.stderr  # -v does not stick


def test_quiet_and_verbose_together_is_a_usage_error():
    r = run(["-q", "-v", "seeds", "x"])
    assert r.exit_code == 2 and r.stderr.startswith("graphkit: error: -q/--quiet and -v/--verbose")


def test_shell_completion_as_documented():
    """The README's `_GRAPHKIT_COMPLETE=bash_source graphkit` prints a bash completion script."""
    p = subprocess.run(
        [str(EXE)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"_GRAPHKIT_COMPLETE": "bash_source", "PATH": str(Path(EXE).parent)},
    )
    assert p.returncode == 0 and "complete " in p.stdout and "_graphkit_completion" in p.stdout
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "_GRAPHKIT_COMPLETE=bash_source graphkit" in readme
