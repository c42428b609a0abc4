"""Layer 3: `graphkit seeds` through click's CliRunner, and once as the installed console script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from graphkit.cli import cli

ROOT = Path(__file__).resolve().parents[1]
POST = ROOT / "examples" / "video-classification" / "post.md"


def test_seeds_json_is_one_document():
    r = CliRunner().invoke(cli, ["seeds", str(POST), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert set(doc) == {"papers", "skipped"}
    tsn = next(p for p in doc["papers"] if p["key"] == "arXiv:1608.00859")
    assert tsn["ids"] == {"arxiv": "1608.00859", "doi": None, "s2": None}
    assert tsn["sections"] == ["5 基本网络", "5.4 双流法"] and tsn["line"] == 137
    assert {"line": 405, "text": "UCF-101", "reason": "dataset page"} in doc["skipped"]


def test_seeds_table_groups_by_section():
    r = CliRunner().invoke(cli, ["seeds", str(POST)])
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[-1] == "83 papers: 65 arXiv, 4 Semantic Scholar, 14 title only; 13 skipped"
    assert "5 基本网络 / 5.4 双流法" in lines
    assert any("arXiv:1608.00859" in ln and "TSN" in ln for ln in lines)


def test_seeds_stdin():
    r = CliRunner().invoke(
        cli, ["seeds", "-", "--json"], input="# A\n- [ECO: x](https://arxiv.org/abs/1804.09066)\n"
    )
    assert r.exit_code == 0
    assert [p["key"] for p in json.loads(r.stdout)["papers"]] == ["arXiv:1804.09066"]


def test_bad_input_one_line_no_traceback(tmp_path):
    runner = CliRunner()
    bad = tmp_path / "bin.md"
    bad.write_bytes(b"\x00\x01\x02")
    latin = tmp_path / "latin.md"
    latin.write_bytes(b"caf\xe9\n")
    for arg in [str(tmp_path / "missing.md"), str(tmp_path), str(bad), str(latin)]:
        r = runner.invoke(cli, ["seeds", arg])
        assert r.exit_code == 1, (arg, r.output)
        err = r.stderr.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("graphkit: error: ") and arg in err[0]
        assert "Traceback" not in r.output
    r = runner.invoke(cli, ["seeds"])
    assert r.exit_code == 2  # usage error: click's


def test_empty_post_warns_and_succeeds(tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_text("---\ntitle: nothing yet\n---\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["seeds", str(empty), "--json"])
    assert r.exit_code == 0
    assert json.loads(r.stdout) == {"papers": [], "skipped": []}
    assert "warning: no papers found" in r.stderr


def test_console_script_and_module_run():
    exe = shutil.which("graphkit", path=str(Path(sys.executable).parent))
    assert exe, "the graphkit console script is installed next to the interpreter"
    out = subprocess.run([exe, "seeds", str(POST)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.splitlines()[-1].startswith("83 papers")
    out = subprocess.run(
        [sys.executable, "-m", "graphkit", "seeds", str(tmp := POST), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0 and len(json.loads(out.stdout)["papers"]) == 83, tmp
