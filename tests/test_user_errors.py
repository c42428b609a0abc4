"""Bad input, every command: one line on stderr, a non-zero exit, no traceback, nothing already fetched lost."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

import pytest
from click.testing import CliRunner

from graphkit.cli import cli
from tests.corpus import synthetic
from tests.helpers import EXE
from tests.s2server import FakeS2

FAST = {"S2_MAX_RETRIES": "1", "S2_BACKOFF": "0.01"}


@pytest.fixture
def files(tmp_path, two_paper_post):
    """post.md (two papers) and broken sources beside it."""
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    (tmp_path / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "latin1.md").write_bytes(
        "# café\n1. [Réseaux](https://arxiv.org/abs/1608.00859)\n".encode("latin-1")
    )
    (tmp_path / "a-file").write_text("not a directory", encoding="utf-8")
    return tmp_path


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


COMMANDS = ["seeds", "build", "lineage", "missing"]


def invoke(args, env=None, input=None):
    r = CliRunner().invoke(cli, [str(a) for a in args], env={**FAST, **(env or {})}, input=input)
    return r


def one_line(r, code=1):
    """Exactly one error line, the last one; anything before it is progress."""
    assert r.exit_code == code, (r.exit_code, r.output)
    lines = r.stderr.strip().splitlines()
    said = [ln for ln in lines if ln.startswith("graphkit:")]
    assert len(said) == 1 and lines[-1] == said[0] and said[0].startswith("graphkit: error: "), r.stderr
    assert all(ln.startswith("fetching ") for ln in lines[:-1]), r.stderr
    assert "Traceback" not in r.output
    return said[0]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    "source,says",
    [
        ("missing.md", "no such file"),
        (".", "is a directory"),
        ("binary.md", "looks binary"),
        ("latin1.md", "is not UTF-8"),
    ],
)
def test_unreadable_sources(files, command, source, says):
    args = [command, files / source] + (["-o", files / "out"] if command == "build" else [])
    line = one_line(invoke(args))
    assert says in line and str(files / source).rstrip("/.") in line


@pytest.mark.parametrize("command", ["build", "lineage", "missing"])
def test_empty_source_is_nothing_to_fetch(files, command):
    args = [command, files / "empty.md"] + (["-o", files / "out"] if command == "build" else [])
    assert "no papers found" in one_line(invoke(args))


def test_unknown_id_is_named_not_fatal(files, two_papers):
    (files / "ids.txt").write_text("arXiv:1608.00859\narXiv:2999.99999\n", encoding="utf-8")
    with FakeS2(two_papers) as srv:
        r = invoke(
            [
                "build",
                files / "ids.txt",
                "-o",
                files / "out",
                "--api-url",
                srv.url,
                "--cache-dir",
                files / "c",
                "--rps",
                "0",
            ]
        )
    assert r.exit_code == 0, r.output
    assert "unresolved: arXiv:2999.99999 — not found in S2" in r.stderr


def test_lineage_names_and_forms(files, two_papers):
    with FakeS2(two_papers) as srv:
        base = ["lineage", files / "post.md", "--api-url", srv.url, "--cache-dir", files / "c", "--rps", "0"]
        assert "'NoSuch' is not in the graph" in one_line(invoke(base + ["--lineage", "TSN -> NoSuch"]))
        assert "malformed lineage" in one_line(invoke(base + ["--lineage", "TSN -> -> x"]))
        assert "no such lineages file" in one_line(invoke(base + ["--lineages", files / "nope.txt"]))
        ok = invoke(base + ["--lineage", "TSN -> arXiv:1711.08496", "--json"])
        assert ok.exit_code == 0 and '"status": "direct"' in ok.stdout


@pytest.mark.parametrize("command", ["build", "lineage", "missing"])
def test_api_url_problems(files, command):
    out = ["-o", files / "out"] if command == "build" else []
    url = f"http://127.0.0.1:{closed_port()}/graph/v1"
    line = one_line(
        invoke([command, files / "post.md", *out, "--api-url", url, "--cache-dir", files / "c", "--rps", "0"])
    )  # pacing is not the subject: no anonymous 3 s between attempts
    assert "cannot reach" in line and url in line
    line = one_line(
        invoke(
            [
                command,
                files / "post.md",
                *out,
                "--api-url",
                "ftp://example.org/x",
                "--cache-dir",
                files / "c",
                "--rps",
                "0",
            ]
        )
    )
    assert "is not an http(s) URL" in line


@pytest.mark.parametrize(
    "status,body,says",
    [
        (400, {"error": "Unrecognized or unsupported fields: [bogus]"}, "Unrecognized or unsupported fields"),
        (403, {"message": "Forbidden"}, "refused the API key (403)"),
        (404, {"error": "Not found"}, "404"),
    ],
)
def test_api_errors(files, two_papers, status, body, says):
    with FakeS2(two_papers) as srv:
        srv.script("/paper/batch", (status, body, {}))
        line = one_line(
            invoke(
                [
                    "build",
                    files / "post.md",
                    "-o",
                    files / "out",
                    "--api-url",
                    srv.url,
                    "--cache-dir",
                    files / "c",
                    "--rps",
                    "0",
                ],
                env={"S2_API_KEY": "k-123456"},
            )
        )
    assert says in line and "/paper/batch" in line and "k-123456" not in line


def test_unwritable_output_loses_nothing_fetched(files, two_papers):
    with FakeS2(two_papers) as srv:
        args = ["build", files / "post.md", "--api-url", srv.url, "--cache-dir", files / "c", "--rps", "0"]
        line = one_line(invoke(args + ["-o", files / "a-file" / "site"]))
        assert "cannot create output directory" in line and "-o" in line
        assert srv.log == []  # found before any request
        assert invoke(args + ["-o", files / "site"]).exit_code == 0
        n = len(srv.log)
        (files / "site" / "report.md").unlink()
        (files / "site" / "report.md").mkdir()  # a file the build must write is now a directory
        line = one_line(invoke(args + ["-o", files / "site"]))
        assert "report.md" in line
        r = invoke(args + ["-o", files / "site2"])
        assert r.exit_code == 0 and len(srv.log) == n  # nothing fetched was lost: all from the cache


@pytest.mark.parametrize(
    "args,says",
    [
        (["missing", "POST", "--top", "0"], "--top"),
        (["missing", "POST", "--top", "-3"], "--top"),
        (["missing", "POST", "--since", "last year"], "--since"),
        (["build", "POST", "-o", "OUT", "--max-nodes", "0"], "--max-nodes"),
        (["build", "POST", "-o", "OUT", "--rps", "-1"], "--rps"),
        (["build", "POST"], "-o"),
        (["lineage", "POST", "--bogus"], "--bogus"),
    ],
)
def test_bad_options_are_one_line_usage_errors(files, args, says):
    args = [str(files / "post.md") if a == "POST" else str(files / "out") if a == "OUT" else a for a in args]
    line = one_line(invoke(args), code=2)
    assert says in line and "--help" in line


def test_bad_environment(files):
    line = one_line(invoke(["build", files / "post.md", "-o", files / "out"], env={"S2_MAX_RETRIES": "lots"}))
    assert "S2_MAX_RETRIES" in line


def test_embed_without_a_build(files):
    assert "run `graphkit build" in one_line(invoke(["embed", files / "nowhere"]))


@pytest.mark.parametrize(
    "name,value",
    [
        ("S2_MAX_RETRIES", "-1"),
        ("S2_BACKOFF", "nan"),
        ("S2_BACKOFF", "inf"),
        ("S2_BACKOFF", "-inf"),
        ("S2_BACKOFF", "soon"),
    ],
)
def test_bad_environment_numbers(files, name, value):
    line = one_line(invoke(["build", files / "post.md", "-o", files / "out"], env={name: value}))
    assert f"{name}={value!r}" in line and "finite number" in line


def test_stdin_closed_is_one_line(files):
    # `<&-` closes file descriptor 0: Python starts with sys.stdin None
    r = subprocess.run(["sh", "-c", 'exec "$0" seeds - <&-', EXE], capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.strip().splitlines() == [
        "graphkit: error: cannot read the source from stdin (it is closed); "
        "pipe the post into `-` or give its path"
    ]


def test_bibtex_parser_logs_stay_off_stderr(files):
    (files / "some.bib").write_text(
        "@article{ok, title={Temporal Segment Networks}, eprint={1608.00859}}\n"
        "@article{bad, title={never closed\n",
        encoding="utf-8",
    )
    r = invoke(["seeds", files / "some.bib"])
    assert r.exit_code == 0 and r.stderr == "", r.stderr
    assert "BibTeX that does not parse" in r.stdout and "arXiv:1608.00859" in r.stdout


@pytest.fixture
def read_only_dir(tmp_path):
    """A directory nobody can create files in — root too (chattr +i), else by its mode."""
    d = tmp_path / "ro"
    d.mkdir()
    immutable = (
        os.geteuid() == 0 and subprocess.run(["chattr", "+i", str(d)], capture_output=True).returncode == 0
    )
    if not immutable:
        d.chmod(0o555)
    try:
        (d / "probe").touch()
    except OSError:
        pass
    else:
        pytest.skip("cannot make a read-only directory here")
    yield d
    if immutable:
        subprocess.run(["chattr", "-i", str(d)], check=True)
    d.chmod(0o755)


def test_read_only_output_dir_is_found_before_any_fetch(files, two_papers, read_only_dir):
    with FakeS2(two_papers) as srv:
        for out in (read_only_dir, read_only_dir / "site"):  # writable checked, not just creatable
            line = one_line(
                invoke(
                    [
                        "build",
                        files / "post.md",
                        "-o",
                        out,
                        "--api-url",
                        srv.url,
                        "--cache-dir",
                        files / "c",
                        "--rps",
                        "0",
                    ]
                )
            )
            assert str(read_only_dir) in line and "-o" in line
            assert "cannot write in output directory" in line or "cannot create output directory" in line
        assert srv.log == []  # found before any request


def test_sigterm_is_one_line_and_exit_143(tmp_path):
    fc, lines = synthetic(30, seed=3, heavy=False)
    (tmp_path / "ids.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("S2_", "GRAPHKIT_"))}
    with FakeS2(fc, latency=0.05) as srv:
        p = subprocess.Popen(
            [
                EXE,
                "build",
                str(tmp_path / "ids.txt"),
                "-o",
                str(tmp_path / "out"),
                "--cache-dir",
                str(tmp_path / "c"),
                "--api-url",
                srv.url,
                "--rps",
                "0",
                "--detail",
                "full",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        t = time.monotonic()
        while sum(1 for r in srv.log if r["status"] == 200) < 5:
            assert p.poll() is None and time.monotonic() - t < 60
            time.sleep(0.01)
        p.send_signal(signal.SIGTERM)
        _out, err = p.communicate(timeout=30)
    assert p.returncode == 143 and "Traceback" not in err, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("graphkit: terminated; ") and last.endswith("pages cached, rerun to resume"), err
