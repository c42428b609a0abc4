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
    """The title the build recorded (a post's own title may hold Liquid) is made inert; embed reads the record,
    not the HTML."""
    import json

    out, _victim = site
    snap = json.loads((out / ".graphkit-snapshot.json").read_text(encoding="utf-8"))
    snap["map"] = {"title": "{{ site.github.token }} {% include evil.html %}", "slug": "../../etc"}
    (out / ".graphkit-snapshot.json").write_text(json.dumps(snap), encoding="utf-8")
    r = run("embed", out)
    assert r.exit_code == 0
    assert "{{ site" not in r.stdout and "{%" not in r.stdout
    assert "&#123;&#123; site.github.token &#125;&#125;" in r.stdout
    assert (
        "/assets/graphkit/map/index.html" in r.stdout and "etc" not in r.stdout
    )  # a planted slug is not used


class _Evil:
    """What a planted pickle would run: it writes a marker file when unpickled."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _client(srv, tmp_path):
    from graphkit.s2 import S2Client

    return S2Client(srv.url, cache_dir=tmp_path / "cache", rps=0, backoff=0.01)


def test_a_planted_cache_runs_no_code_and_names_no_file_outside(post_server, tmp_path):
    import sqlite3

    import diskcache

    first = _client(post_server, tmp_path)
    want = first.batch(["ARXIV:1608.00859"])[0]["paperId"]
    first.close()
    asked = len(post_server.requests("POST"))
    marker, victim = tmp_path / "pwned", tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    planted = diskcache.Cache(str(tmp_path / "cache"))  # the default Disk: it pickles
    keys = list(planted.iterkeys())
    for k in keys:
        planted.set(k, _Evil(marker))
    planted.close()
    again = _client(post_server, tmp_path)
    assert again.batch(["ARXIV:1608.00859"])[0]["paperId"] == want  # dropped and fetched again
    assert not marker.exists() and len(post_server.requests("POST")) == asked + 1
    again.close()
    # an entry naming a file outside the cache is neither read nor deleted
    db = sqlite3.connect(tmp_path / "cache" / "cache.db")
    db.execute(
        "UPDATE Cache SET mode = 2, filename = ?, value = NULL",
        (os.path.relpath(victim, tmp_path / "cache"),),
    )
    db.commit()
    db.close()
    third = _client(post_server, tmp_path)
    assert third.batch(["ARXIV:1608.00859"])[0]["paperId"] == want
    assert victim.read_text(encoding="utf-8") == "precious\n" and not marker.exists()
    third.close()
