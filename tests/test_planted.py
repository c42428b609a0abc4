"""Layer 3: an OUTDIR or a blog someone else prepared (issue 22): planted symlinks are replaced, never written
through; embed copies regular files only, stays inside the blog, and prints nothing Liquid would run."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from graphkit.cli import cli


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def site(post_server, tmp_path):
    ids = tmp_path / "two.txt"
    ids.write_text("arXiv:1608.00859\narXiv:1811.08383\n", encoding="utf-8")
    out = tmp_path / "site"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    os.symlink(victim, out / ".graphkit-snapshot.json")
    os.symlink(victim, out / "report.md")
    r = run(
        "build", ids, "-o", out, "--api-url", post_server.url, "--rps", "0", "--cache-dir", tmp_path / "c"
    )
    assert r.exit_code == 0, r.output
    return out, victim


def test_a_symlink_planted_in_outdir_is_replaced_not_written_through(site):
    out, victim = site
    assert victim.read_text(encoding="utf-8") == "precious\n"
    for name in (".graphkit-snapshot.json", "report.md"):
        assert not (out / name).is_symlink() and (out / name).is_file()
    assert isinstance(json.loads((out / ".graphkit-snapshot.json").read_text(encoding="utf-8")), dict)


def test_embed_copies_regular_files_only_and_stays_in_the_blog(site, tmp_path):
    out, victim = site
    blog = tmp_path / "blog"
    blog.mkdir()
    # --asset-dir leading out of the blog
    r = run("embed", out, "--copy-to", blog, "--asset-dir", "../../outside")
    assert r.exit_code == 1 and "is not a path inside the blog" in r.stderr
    assert not (tmp_path / "outside").exists()
    # a destination folder that is a symlink out of the blog
    (blog / "assets").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir()
    r = run("embed", out, "--copy-to", blog, "--asset-dir", "/assets/map")
    assert r.exit_code == 1 and "leads outside the blog" in r.stderr
    assert list((tmp_path / "elsewhere").rglob("*.html")) == []
    (blog / "assets").unlink()
    # a symlinked index.html in OUTDIR is not followed into the blog
    (out / "index.html").unlink()
    os.symlink(victim, out / "index.html")
    r = run("embed", out, "--copy-to", blog)
    assert r.exit_code == 1 and "not a regular file" in r.stderr
    assert not any(p.read_bytes() == b"precious\n" for p in blog.rglob("*") if p.is_file())


def test_embed_prints_no_liquid_from_the_title(site):
    out, _victim = site
    page = out / "index.html"
    text = page.read_text(encoding="utf-8")
    start, end = text.index("<title>") + len("<title>"), text.index("</title>")
    page.write_text(
        text[:start] + "{{ site.github.token }} {% include evil.html %}" + text[end:], encoding="utf-8"
    )
    r = run("embed", out)
    assert r.exit_code == 0
    assert "{{ site" not in r.stdout and "{%" not in r.stdout
    assert "&#123;&#123; site.github.token &#125;&#125;" in r.stdout
