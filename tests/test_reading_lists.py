"""Layer 1 and 2: reading lists as people write them (issue 21). Each FIXTURE list in tests/fixtures/lists/styles
is written in the style of public lists (awesome lists, study notes, a roadmap, papers-with-code lists, reference
manager exports) and read exactly: titles, ids, names, venues and every skip with its reason."""

from __future__ import annotations

import http.server
import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit.cli import cli
from graphkit.errors import SeedError
from graphkit.fetch import fetch_corpus
from graphkit.s2 import S2Client
from graphkit.seeds import parse_seeds
from tests.corpus import FixtureCorpus
from tests.s2server import FakeS2

STYLES = Path(__file__).resolve().parent / "fixtures" / "lists" / "styles"

# (file, papers as (line, key, title, label, venue), skips as (line, reason, text)) — read off each list by hand
EXPECTED = [
    (
        "bold-links.md",
        [
            (
                7,
                "arXiv:2312.00109",
                "Scaffold-GS: Structured 3D Gaussians for View-Adaptive Rendering",
                "Scaffold-GS",
                None,
            ),
            (12, "arXiv:2211.12735", "Integrally Pre-Trained Transformer Pyramid Networks", "", None),
            (
                19,
                "arXiv:2311.16493",
                "Mip-Splatting: Alias-free 3D Gaussian Splatting",
                "Mip-Splatting",
                None,
            ),
            (23, "arXiv:1812.11317", "Support Vector Guided Softmax Loss for Face Recognition", "", None),
        ],
        [],
    ),
    (
        "citations.md",
        [
            (
                6,
                "title:Two-stream convolutional networks for action recognition in videos",
                "Two-stream convolutional networks for action recognition in videos",
                "Two-Stream",
                None,
            ),
            (
                9,
                "title:Temporal segment networks: Towards good practices for deep action recognition",
                "Temporal segment networks: Towards good practices for deep action recognition",
                "TSN",
                None,
            ),
            (
                14,
                "title:Action Recognition with Improved Trajectories",
                "Action Recognition with Improved Trajectories",
                "iDT",
                "ICCV 2013",
            ),
            (
                17,
                "title:Dense Trajectories and Motion Boundary Descriptors for Action Recognition",
                "Dense Trajectories and Motion Boundary Descriptors for Action Recognition",
                "Dense Trajectories",
                "IJCV 2013",
            ),
            (
                21,
                "title:Quo vadis, action recognition? A new model and the kinetics dataset",
                "Quo vadis, action recognition? A new model and the kinetics dataset",
                "",
                "CVPR 2017",
            ),
            (
                22,
                "title:Learning Spatiotemporal Features with 3D Convolutional Networks",
                "Learning Spatiotemporal Features with 3D Convolutional Networks",
                "",
                "ICCV 2015",
            ),
            (
                23,
                "title:Spatiotemporal Residual Networks for Video Action Recognition",
                "Spatiotemporal Residual Networks for Video Action Recognition",
                "",
                None,
            ),
        ],
        [],
    ),
    (
        "decorated.md",
        [
            (
                5,
                "title:Shuffle and Learn: Unsupervised Learning Using Temporal Order Verification",
                "Shuffle and Learn: Unsupervised Learning Using Temporal Order Verification",
                "",
                None,
            ),
            (
                6,
                "title:Unsupervised Learning of Video Representations using LSTMs",
                "Unsupervised Learning of Video Representations using LSTMs",
                "",
                "ICML 2015",
            ),
            (
                7,
                "arXiv:1412.0767",
                "Learning Spatiotemporal Features with 3D Convolutional Networks",
                "",
                "ICCV 2015",
            ),
            (8, "arXiv:1909.04656", "Video Representation Learning by Dense Predictive Coding", "", None),
            (
                9,
                "title:Self-supervised Spatiotemporal Learning via Video Clip Order Prediction",
                "Self-supervised Spatiotemporal Learning via Video Clip Order Prediction",
                "",
                "CVPR 2019",
            ),
        ],
        [],
    ),
    (
        "mendeley.ris",
        [
            (
                1,
                "CorpusId:5711057",
                "Temporal Segment Networks: Towards Good Practices for Deep Action Recognition",
                "",
                "European Conference on Computer Vision",
            ),
            (
                11,
                "arXiv:1811.08383",
                "TSM: Temporal Shift Module for Efficient Video Understanding",
                "TSM",
                None,
            ),
            (
                19,
                "DOI:10.1109/CVPR.2018.00813",
                "Non-local Neural Networks",
                "",
                "2018 IEEE/CVF Conference on Computer Vision and Pattern Recognition",
            ),
        ],
        [(26, "entry with neither id nor title", "GEN")],
    ),
    (
        "pages.md",
        [
            (5, "title:Actions as Space-Time Shapes", "Actions as Space-Time Shapes", "", None),
            (
                6,
                "title:Learning Realistic Human Actions from Movies",
                "Learning Realistic Human Actions from Movies",
                "",
                None,
            ),
            (7, "CorpusId:5736847", "Long-term Recurrent Convolutional Networks", "", None),
            (
                8,
                "title:Beyond Short Snippets: Deep Networks for Video Classification",
                "Beyond Short Snippets: Deep Networks for Video Classification",
                "",
                None,
            ),
            (
                9,
                "title:Large-scale Video Classification with Convolutional Neural Networks",
                "Large-scale Video Classification with Convolutional Neural Networks",
                "",
                None,
            ),
        ],
        [
            (10, "code repository", "C3D code"),
            (14, "dataset page", "THUMOS14"),
            (15, "dataset page", "KTH"),
            (16, "dataset page", "DALY"),
            (20, "tool page", "NVIDIA-DALI, video loading pipelines"),
        ],
    ),
    (
        "roadmap.md",
        [
            (5, "title:Deep learning", "Deep learning", "", None),
            (
                9,
                "title:Deep residual learning for image recognition",
                "Deep residual learning for image recognition",
                "",
                "CVPR 2016",
            ),
            (
                11,
                "arXiv:1409.1556",
                "Very deep convolutional networks for large-scale image recognition",
                "",
                None,
            ),
            (
                13,
                "title:Imagenet classification with deep convolutional neural networks",
                "Imagenet classification with deep convolutional neural networks",
                "",
                "NIPS 2012",
            ),
        ],
        [],
    ),
    (
        "tagged.md",
        [
            (
                3,
                "title:Temporal Segment Networks: Towards Good Practices for Deep Action Recognition",
                "Temporal Segment Networks: Towards Good Practices for Deep Action Recognition",
                "TSN",
                "ECCV 2016",
            ),
            (
                5,
                "title:Temporal Relational Reasoning in Videos",
                "Temporal Relational Reasoning in Videos",
                "TRN",
                "ECCV 2018",
            ),
            (
                7,
                "title:Quo Vadis, Action Recognition? A New Model and the Kinetics Dataset",
                "Quo Vadis, Action Recognition? A New Model and the Kinetics Dataset",
                "I3D",
                "CVPR 2017",
            ),
            (
                8,
                "title:Two-Stream Convolutional Networks for Action Recognition in Videos",
                "Two-Stream Convolutional Networks for Action Recognition in Videos",
                "",
                "NIPS 2014",
            ),
            (
                9,
                "title:Spatiotemporal Residual Networks for Video Action Recognition",
                "Spatiotemporal Residual Networks for Video Action Recognition",
                "",
                None,
            ),
        ],
        [],
    ),
    (
        "zotero.json",
        [
            (
                1,
                "arXiv:1705.07750",
                "Quo Vadis, Action Recognition? A New Model and the Kinetics Dataset",
                "",
                "CVPR",
            ),
            (2, "arXiv:1812.03982", "SlowFast Networks for Video Recognition", "", None),
            (
                3,
                "title:Learning Spatiotemporal Features with 3D Convolutional Networks",
                "Learning Spatiotemporal Features with 3D Convolutional Networks",
                "",
                None,
            ),
        ],
        [(4, "entry with neither id nor title", "empty")],
    ),
]


@pytest.mark.parametrize("name,papers,skipped", EXPECTED, ids=[e[0] for e in EXPECTED])
def test_each_style_is_read_exactly(name, papers, skipped):
    sl = parse_seeds(str(STYLES / name))
    assert [(p.line, p.key, p.title, p.label, p.venue) for p in sl.papers] == papers
    assert [(s.line, s.reason, s.text) for s in sl.skipped] == skipped


MIXED = """# Mixed styles (FIXTURE post)

- Shuffle and Learn: Unsupervised Learning Using Temporal Order Verification (2016)
* **[TSN]** Temporal Segment Networks: Towards Good Practices for Deep Action Recognition **[ECCV' 16]**
  Sparse sampling over the whole video.
- TRN
> Zhou B, Andonian A, Oliva A, et al. Temporal relational reasoning in videos[C]//ECCV. 2018: 803-818.

- ECO: Efficient Convolutional Network for Online Video Understanding, with code
- Spatiotemporal Pyramid Network for Video Action Recognition (2017)
- A Paper Nobody Has Ever Written About Anything (2020)
"""


def test_a_post_in_these_styles_resolves_right_and_only_right(tmp_path):
    """Against the fixture server: each title-only seed resolves to its paper (a title equal once its decorations
    are off, or S2's whole title standing in the item's text); a title that merely resembles another paper's is
    still rejected, and the unknown one is unresolved with its whole title and the reason."""
    fc = FixtureCorpus()
    want = {
        "Shuffle and Learn: Unsupervised Learning Using Temporal Order Verification": fc.add(
            "shuffle", "Shuffle and Learn: Unsupervised Learning Using Temporal Order Verification", 2016
        ),
        "Temporal Segment Networks: Towards Good Practices for Deep Action Recognition": fc.add(
            "tsn", "Temporal Segment Networks: Towards Good Practices for Deep Action Recognition", 2016
        ),
        "Temporal relational reasoning in videos": fc.add(
            "trn", "Temporal Relational Reasoning in Videos", 2018
        ),
        "ECO: Efficient Convolutional Network for Online Video Understanding, with code": fc.add(
            "eco", "ECO: Efficient Convolutional Network for Online Video Understanding", 2018
        ),
    }
    fc.add("stmn", "Spatiotemporal Multiplier Networks for Video Action Recognition", 2017)
    post = tmp_path / "mixed.md"
    post.write_text(MIXED, encoding="utf-8")
    sl = parse_seeds(str(post))
    assert [(p.title, p.label) for p in sl.papers][2] == ("Temporal relational reasoning in videos", "TRN")
    with FakeS2(fc.finalise()) as srv:
        corpus = fetch_corpus(sl, S2Client(srv.url, cache_dir=tmp_path / "cache", rps=0))
    rows = {s["title"]: s for s in corpus["seeds"]}
    for title, pid in want.items():
        assert rows[title]["status"] == "resolved" and rows[title]["paperId"] == pid, rows[title]
    assert (
        rows["ECO: Efficient Convolutional Network for Online Video Understanding, with code"]["match"]
        == "in text"
    )
    resembling = rows["Spatiotemporal Pyramid Network for Video Action Recognition"]
    assert resembling["status"] == "unresolved" and resembling["reason"].startswith("doubtful title match")
    unknown = rows["A Paper Nobody Has Ever Written About Anything"]
    assert unknown["status"] == "unresolved" and unknown["reason"] == "no title match in S2"
    assert len(sl.papers) == 6 and not sl.skipped  # the TRN bullet names the citation under it


def test_the_seeds_table_shows_whole_keys_and_counts_skips():
    r = CliRunner().invoke(cli, ["seeds", str(STYLES / "pages.md")])
    assert r.exit_code == 0
    assert "  CorpusId:5736847  " in r.stdout
    assert "skipped by reason: 3 dataset page, 1 code repository, 1 tool page" in r.stdout


def test_a_source_over_the_size_limit_or_not_a_file_is_refused(tmp_path):
    big = tmp_path / "big.md"
    # 1.3 MB: one entry, then a comment (the limit is on bytes; what fills them does not matter)
    big.write_text(
        "# x\n- [Paper](https://arxiv.org/abs/1608.00859)\n<!--\n" + ("x" * 70 + "\n") * 18_000 + "-->\n",
        encoding="utf-8",
    )
    r = CliRunner().invoke(cli, ["seeds", str(big), "--max-size", "1MB"])
    assert r.exit_code == 1 and "over the 1 MB limit for a source; raise it with --max-size" in r.stderr
    r = CliRunner().invoke(cli, ["seeds", str(big), "--max-size", "2MB"])
    assert r.exit_code == 0 and "1608.00859" in r.stdout
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    with pytest.raises(SeedError, match="not a regular file"):
        parse_seeds(str(fifo))


class _Files(http.server.BaseHTTPRequestHandler):
    """A loopback web server for list files: /list.md, a redirect to it, a 404 and an endless body."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/list.md")
            self.end_headers()
        elif self.path == "/list.md":
            body = (STYLES / "tagged.md").read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/huge.md":
            self.send_response(200)
            self.end_headers()
            try:
                for _ in range(64):
                    self.wfile.write(b"- a line of a very long list\n" * 4096)
            except OSError:
                pass
        else:
            self.send_response(404)
            self.end_headers()


@pytest.fixture
def files_url():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_a_list_read_from_a_url(files_url, monkeypatch):
    monkeypatch.setenv("S2_API_KEY", "secret-key-never-sent")
    local = parse_seeds(str(STYLES / "tagged.md"))
    for url in (f"{files_url}/list.md", f"{files_url}/moved"):
        got = parse_seeds(url)
        assert [(p.key, p.title, p.label) for p in got.papers] == [
            (p.key, p.title, p.label) for p in local.papers
        ]
    r = CliRunner().invoke(cli, ["seeds", f"{files_url}/missing.md"])
    assert r.exit_code == 1 and "answered HTTP 404" in r.stderr and "Traceback" not in r.output
    r = CliRunner().invoke(cli, ["seeds", f"{files_url}/huge.md", "--max-size", "1MB"])
    assert r.exit_code == 1 and "over the 1 MB limit" in r.stderr
    r = CliRunner().invoke(cli, ["seeds", "http://127.0.0.1:9/list.md"])
    assert r.exit_code == 1 and "cannot read http://127.0.0.1:9/list.md" in r.stderr
