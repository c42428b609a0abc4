"""Layer 1: seeds from posts, id lists and BibTeX. The expected lists were written by reading the posts."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphkit.errors import SeedError
from graphkit.seeds import classify_link, ids_in_text, make_label, parse_seeds
from graphkit.show import seeds_summary as summary_line

ROOT = Path(__file__).resolve().parents[1]
POST = ROOT / "examples" / "video-classification" / "post.md"
OTHER = ROOT / "tests" / "fixtures" / "posts" / "other-style.md"

# Every paper of the reference post, in order, with its top-level section(s) — read off the post by hand.
ARXIV = {
    "1511.06432": ["1 综述", "5 基本网络"],
    "1604.06182": ["1 综述"],
    "1605.04988": ["1 综述"],
    "1609.06782": ["1 综述"],
    "1712.08416": ["2 理论"],
    "1811.01549": ["3 经典"],
    "1910.06961": ["3 经典"],
    "1611.06678": ["4 通用"],
    "1711.07971": ["4 通用"],
    "1804.09066": ["4 通用"],
    "1810.11579": ["4 通用"],
    "1811.08383": ["4 通用"],
    "1806.04935": ["4 通用"],
    "1905.07853": ["4 通用"],
    "1905.08711": ["4 通用"],
    "1805.04668": ["4 通用"],
    "1406.2199": ["5 基本网络"],
    "1604.06573": ["5 基本网络"],
    "1604.07669": ["5 基本网络"],
    "1608.00859": ["5 基本网络"],
    "1611.02155": ["5 基本网络"],
    "1701.07368": ["5 基本网络"],
    "1704.00389": ["5 基本网络", "7 改进方向"],
    "1705.02953": ["5 基本网络"],
    "1705.07750": ["5 基本网络"],
    "1710.05112": ["5 基本网络"],
    "1711.04161": ["5 基本网络"],
    "1711.08200": ["5 基本网络"],
    "1711.08496": ["5 基本网络"],
    "1711.10305": ["5 基本网络"],
    "1711.11248": ["5 基本网络"],
    "1712.04851": ["5 基本网络"],
    "1901.03460": ["5 基本网络"],
    "1412.0767": ["5 基本网络"],
    "1702.10667": ["5 基本网络"],
    "1707.00803": ["5 基本网络"],
    "1910.03579": ["5 基本网络"],
    "1910.06934": ["5 基本网络"],
    "1511.04119": ["6 扩展技术"],
    "1711.01467": ["6 扩展技术", "7 改进方向"],
    "1810.04511": ["6 扩展技术"],
    "1902.02155": ["6 扩展技术"],
    "1812.02707": ["6 扩展技术"],
    "1905.07385": ["6 扩展技术"],
    "1611.08240": ["7 改进方向"],
    "1711.11152": ["7 改进方向"],
    "1411.6660": ["7 改进方向"],
    "1510.00562": ["7 改进方向"],
    "1704.02895": ["7 改进方向"],
    "1611.07718": ["7 改进方向"],
    "1905.09265": ["7 改进方向"],
    "1806.08251": ["7 改进方向"],
    "1908.08498": ["7 改进方向"],
    "1910.06693": ["7 改进方向"],
    "1907.04632": ["7 改进方向"],
    "1703.03329": ["8 数据类型"],
    "1910.04744": ["10 数据集"],
    "1505.06250": ["11 其他"],
    "1505.04868": ["11 其他"],
    "1511.05440": ["11 其他"],
    "1604.04494": ["11 其他"],
    "1612.05877": ["11 其他"],
    "1807.00458": ["11 其他"],
    "1808.00661": ["11 其他"],
    "1808.07272": ["11 其他"],
}
S2 = {  # pdfs.semanticscholar.org/<4 hex>/<36 hex>.pdf
    "ecc23e5a7902460572d5144664acae27469cf79a": "Digital Video Processing",
    "2bb76926af1af556e3fd1c32c6dd557826b8ee2a": "A Survey of Video Based Action Recognition in Sports",
    "66efb4d99d3dffac4d1da6525dbc9adcc86d488d": "A Variable Size Block Matching Based Descriptor for Human Action Recognition",
    "d968bf19d725d6f73fb5ecd7789e1e029bb07470": "DynCNN: An Effective Dynamic Architecture on Convolutional Neural Network for Surveillance Videos",
}
TITLE_ONLY = [
    "A Survey on Deep Learning Based Approaches for Action and Gesture Recognition in Image Sequences",
    "A study on deep learning spatiotemporal models and feature extraction techniques for video understanding",
    "Dense Trajectories and Motion Boundary Descriptors for Action Recognition",
    "Action recognition with improved trajectories",
    "3D Convolutional Neural Networks for Human Action Recognition",
    "A Torch Library for Action Recognition and Detection Using CNNs and LSTMs",
    "RPAN：An End-to-End Recurrent Pose-Attention Network for Action Recognition in Videos",
    "Marginalized Average Attentional Network for Weakly-Supervised Learning",
    "A Key Volume Mining Deep Framework for Action Recognition",
    "Spatiotemporal Multiplier Networks for Video Action Recognition",
    "Spatiotemporal Pyramid Network for Video Action Recognition",
    "Large-scale video classification with convolutional neural networks",
    "Multi-Task Clustering of Human Actions by Sharing Information",
    "Trajectory Convolution for Action Recognition",
]


@pytest.fixture(scope="module")
def post():
    return parse_seeds(str(POST))


def test_reference_post_exact_papers(post):
    assert len(post.papers) == 83
    got_arxiv = {p.ids["arxiv"] for p in post.papers if p.ids["arxiv"]}
    got_s2 = {p.ids["s2"]: p.title for p in post.papers if p.ids["s2"]}
    got_titles = [p.title for p in post.papers if p.api_id is None]
    assert got_arxiv == set(ARXIV)
    assert got_s2 == S2
    assert sorted(got_titles) == sorted(TITLE_ONLY)
    assert summary_line(post).startswith("83 papers: 65 arXiv, 4 Semantic Scholar, 14 title only;")


def test_reference_post_sections(post):
    for p in post.papers:
        if p.ids["arxiv"]:
            tops = [path[0] for path in p.paths]
            assert tops == ARXIV[p.ids["arxiv"]], p.key


def test_hidden_two_stream_is_one_seed_with_both_sections(post):
    hits = [p for p in post.papers if "Hidden Two-Stream" in (p.title or "")]
    assert len(hits) == 1
    p = hits[0]
    assert p.key == "arXiv:1704.00389"
    assert p.paths == [["5 基本网络", "5.4 双流法"], ["7 改进方向", "7.1 处理输入"]]
    assert p.sections == ["5 基本网络", "5.4 双流法", "7 改进方向", "7.1 处理输入"]


def test_duplicates_merge(post):
    keys = [p.key for p in post.papers]
    assert len(keys) == len(set(keys))
    tsm = next(p for p in post.papers if p.key == "arXiv:1811.08383")
    assert tsm.label == "TSM"  # the second listing names it; the merged seed keeps the better label
    assert tsm.line == 86


def test_reference_post_hints_and_labels(post):
    by_key = {p.key: p for p in post.papers}
    tsn = by_key["arXiv:1608.00859"]
    assert (tsn.label, tsn.date, tsn.venue, tsn.line) == ("TSN", "2016-08-02", "ECCV 2016", 137)
    assert tsn.sections == ["5 基本网络", "5.4 双流法"]
    assert by_key["arXiv:1412.0767"].label == "C3D"
    assert by_key["arXiv:1705.07750"].label == "I3D"  # from the item's own "I3D:" note
    assert by_key["arXiv:1711.10305"].label == "P3D"
    assert by_key["arXiv:1804.09066"].label == "ECO"
    assert by_key["arXiv:1808.07272"].venue == "ACM Multimedia 2018"
    assert by_key["ecc23e5a7902460572d5144664acae27469cf79a"].date == "1995"
    assert post.title == "「VIDEO」 视频分类资源汇总" and post.date == "2019-05-14"


def test_nothing_from_the_appendix_or_non_papers(post):
    assert all(p.line < 399 for p in post.papers)  # 附录 starts at line 399
    reasons = {s.line: s.reason for s in post.skipped}
    assert reasons[405] == "dataset page"
    assert reasons[432] == "code repository"
    # notes written as bullets under an item are not papers
    assert reasons[55] == "no link and not a paper title"


def test_other_style_post():
    sl = parse_seeds(str(OTHER))
    assert [p.key for p in sl.papers] == [
        "arXiv:1711.07971",  # listed twice (pdf link, export mirror): merged
        "arXiv:1812.03982",  # reference-style link
        "arXiv:1412.0767",  # bare arXiv: id in text
        "DOI:10.1109/CVPR.2016.90",
        "ea3d7de6c0880e14455b9acb28f1bc1234321456",  # semanticscholar.org paper page
        "title:Spatiotemporal Multiplier Networks",  # PDF on a conference site
        "arXiv:hep-th/9901001",  # raw HTML <a href>, old-style id, version dropped
        "title:Video Swin Transformer",  # the id inside inline code is ignored
        "arXiv:2004.04730",  # table row
        "title:Is Space-Time Attention All You Need for Video Understanding?",  # table row, title only
    ]
    assert [(s.reason, s.text) for s in sl.skipped] == [
        ("homepage", "Some intro text with a link to my homepage that is not a seed."),  # a paragraph's link
        ("code repository", "mmaction2"),
        ("blog or article site", "A great blog post"),
        ("dataset page", "Kinetics"),
    ]
    by_key = {p.key: p for p in sl.papers}
    assert by_key["arXiv:1711.07971"].venue == "CVPR 2018"
    assert by_key["arXiv:2004.04730"].label == "X3D" and by_key["arXiv:2004.04730"].venue == "CVPR 2020"
    assert (
        by_key["arXiv:1412.0767"].title == "Learning Spatiotemporal Features with 3D Convolutional Networks"
    )
    assert by_key["arXiv:1412.0767"].date == "2014-12-02"
    assert all(p.sections[0] in ("Classic papers", "A table of papers") for p in sl.papers)
    assert sl.date == "2021-03-01"
    assert not any("1111.11111" in p.key or "3333.33333" in p.key for p in sl.papers)


@pytest.mark.parametrize(
    "href,ids",
    [
        ("https://arxiv.org/abs/1608.00859", {"arxiv": "1608.00859"}),
        ("http://cn.arxiv.org/pdf/1608.00859v3.pdf", {"arxiv": "1608.00859"}),
        ("https://export.arxiv.org/abs/hep-th/9901001", {"arxiv": "hep-th/9901001"}),
        ("https://dx.doi.org/10.1007/978-3-319-46484-8_2", {"doi": "10.1007/978-3-319-46484-8_2"}),
        (
            "https://www.semanticscholar.org/paper/Temporal-Segment/ea3d7de6c0880e14455b9acb28f1bc1234321456",
            {"s2": "ea3d7de6c0880e14455b9acb28f1bc1234321456"},
        ),
        ("http://citeseerx.ist.psu.edu/viewdoc/download?doi=10.1.1.442.8617&rep=rep1&type=pdf", {}),
    ],
)
def test_ids_from_links(href, ids):
    assert ids_in_text(href) == ids


@pytest.mark.parametrize(
    "href,reason",
    [
        ("https://github.com/facebook/C3D", "code repository"),
        ("https://blog.csdn.net/x/article/details/1", "blog or article site"),
        ("https://www.youtube.com/watch?v=x", "video"),
        ("https://www.crcv.ucf.edu/data/UCF101.php", "dataset page"),
        ("https://feichtenhofer.github.io/", "homepage"),
        ("/ai/video/2019/05/23/StNet.html", "blog or article site"),
    ],
)
def test_non_paper_links(href, reason):
    assert classify_link(href) == ("non-paper", {}, reason)


def test_label_rules():
    assert make_label("C3D: Generic Features for Video Analysis") == ("C3D", 2)
    assert make_label("Temporal 3D ConvNets: New Architecture", ["T3D:一方面是采用了"]) == ("T3D", 1)
    assert make_label("Deep Local Video Feature for Action Recognition", ["TSN 改进一：fusion 部分"])[1] == 0
    assert len(make_label("A Very Long Title That Goes On And On For Ever")[0]) <= 24


def test_id_list_and_bibtex(tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text(
        "# my list\narXiv:1608.00859\nDOI:10.1109/CVPR.2016.90\n"
        "ecc23e5a7902460572d5144664acae27469cf79a\nCorpusId:470667\nNon-local Neural Networks\n"
        "https://arxiv.org/abs/1608.00859v2\n",
        encoding="utf-8",
    )
    sl = parse_seeds(str(ids))
    assert [p.key for p in sl.papers] == [
        "arXiv:1608.00859",
        "DOI:10.1109/CVPR.2016.90",
        "ecc23e5a7902460572d5144664acae27469cf79a",
        "CorpusId:470667",
        "title:Non-local Neural Networks",
    ]
    assert sl.papers[3].api_id == "CorpusId:470667"
    bib = tmp_path / "refs.bib"
    bib.write_text(
        """@inproceedings{wang2016tsn,
  title = {{TSN}: Temporal Segment Networks},
  eprint = {1608.00859}, archivePrefix = {arXiv}, year = {2016}, booktitle = {ECCV}
}
@article{he2016, title={Deep Residual Learning}, doi={https://doi.org/10.1109/CVPR.2016.90}}
@misc{nl, title={Non-local Neural Networks}}
""",
        encoding="utf-8",
    )
    sl = parse_seeds(str(bib))
    assert [p.key for p in sl.papers] == [
        "arXiv:1608.00859",
        "DOI:10.1109/CVPR.2016.90",
        "title:Non-local Neural Networks",
    ]
    assert sl.papers[0].label == "TSN"


def test_stdin_markdown(monkeypatch):
    import io
    import sys

    data = b"# S\n1. [ECO: Efficient](https://arxiv.org/abs/1804.09066)\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert [p.key for p in parse_seeds("-").papers] == ["arXiv:1804.09066"]


@pytest.mark.parametrize(
    "content,fragment",
    [
        (None, "no such file"),
        ("DIR", "is a directory"),
        (b"\x89PNG\x00\x00", "looks binary"),
        (b"caf\xe9 au lait\n", "is not UTF-8"),
    ],
)
def test_bad_sources(tmp_path, content, fragment):
    path = tmp_path / "post.md"
    if content == "DIR":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(SeedError, match=fragment) as e:
        parse_seeds(str(path))
    assert str(path) in str(e.value)
