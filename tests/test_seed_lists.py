"""Layer 1: reading lists that are not the example post, read exactly (FIXTURE lists in tests/fixtures/lists,
written for issue 16: prose, a Google Scholar export, a reference manager's export, an id list)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from graphkit.cli import cli
from graphkit.seeds import parse_seeds

LISTS = Path(__file__).resolve().parent / "fixtures" / "lists"


def rows(name: str) -> list[tuple]:
    sl = parse_seeds(str(LISTS / name))
    return [(p.line, p.key, p.title, p.label, p.names, p.sections) for p in sl.papers]


def test_an_english_post_in_paragraphs():
    top, sub = "How video networks learned time", "3D convolutions"
    assert rows("english-prose.md") == [
        (
            7,
            "arXiv:1406.2199",
            "Two-Stream Convolutional Networks for Action Recognition in Videos",
            "",
            [],
            [top],
        ),
        (7, "arXiv:1608.00859", "Temporal Segment Networks", "TSN", [], [top]),  # "(TSN, ECCV 2016)" after it
        (13, "arXiv:1811.08383", None, "TSM", [], [top]),  # a blockquote: "TSM is arXiv:1811.08383"
        (
            15,
            "arXiv:1412.0767",
            "C3D: Learning Spatiotemporal Features with 3D Convolutional Networks",
            "C3D",
            [],
            [top],
        ),  # in a heading's body; the heading's own text names the section
        (17, "arXiv:1705.07750", None, "", [], [top, sub]),  # a reference-style link whose text is no title
        (21, "arXiv:1812.03982", "SlowFast", "SlowFast", [], [top, sub]),  # a table row
        (22, "arXiv:2004.04730", "X3D", "X3D", [], [top, sub]),  # raw HTML <a href>
        (
            29,
            "arXiv:1711.11248",
            "A Closer Look at Spatiotemporal Convolutions for Action Recognition",
            "",
            [],
            [top, sub],
        ),  # a footnote
    ]
    sl = parse_seeds(str(LISTS / "english-prose.md"))
    # 4 + 1 + 1 + 2 + 1 links seen (a bare id is no link); code and the appendix are not read; the blog and code
    # links sit in a paragraph that names papers, so it is no skip
    assert sl.skipped == [] and sl.links == 9


def test_a_google_scholar_export():
    assert rows("google-scholar.bib") == [
        (
            2,
            "title:Temporal segment networks: Towards good practices for deep action recognition",
            "Temporal segment networks: Towards good practices for deep action recognition",
            "",
            ["wang2016temporal"],
            [],
        ),  # Google Scholar gives no id: matched by title
        (
            11,
            "arXiv:1811.08383",
            "TSM: Temporal Shift Module for Efficient Video Understanding",
            "TSM",
            ["lin2018tsm"],
            [],
        ),  # journal = {arXiv preprint arXiv:…}
        (
            18,
            "arXiv:1705.07750",
            "Quo vadis, action recognition? a new model and the kinetics dataset",
            "",
            ["carreira2017quo"],
            [],
        ),  # journal = {CoRR}, volume = {abs/…}
        (26, "arXiv:1711.08496", "Temporal Relational Reasoning in Videos", "", ["zhou2018trn"], []),  # note
    ]


def test_a_reference_manager_export():
    assert rows("zotero.bib") == [
        (
            2,
            "arXiv:1812.03982",
            "SlowFast Networks for Video Recognition",
            "",
            ["feichtenhofer_slowfast_2019", "slowfast_again"],
            [],
        ),  # one paper: the DOI in a url merges them
        (
            13,
            "arXiv:1604.04494",
            "Long-term Temporal Convolutions for Action Recognition",
            "",
            ["varol_ltc_2018"],
            [],
        ),
        (21, "arXiv:2001.00002", "Über zeitliche Netze für Videos", "", ["uber_netze"], []),  # LaTeX decoded
    ]
    sl = parse_seeds(str(LISTS / "zotero.bib"))
    assert sl.papers[0].ids["doi"] == "10.1109/ICCV.2019.00630" and sl.papers[0].venue.startswith(
        "Proceedings"
    )


def test_an_id_list_with_versions_and_urls():
    sl = parse_seeds(str(LISTS / "ids.txt"))
    assert [(p.line, p.key, p.label) for p in sl.papers] == [
        (2, "arXiv:1811.08383", ""),  # the version dropped; merged with line 9's bare id
        (3, "arXiv:1406.2199", ""),
        (4, "arXiv:1705.07750", ""),
        (5, "DOI:10.1000/x?y=1", ""),  # a query in a DOI is the DOI's: escaped by the client, never refused
        (6, "DOI:10.1002/(SICI)1097-0258(19980815/30)17:15/16<1661::AID-SIM968>3.0.CO;2-2", ""),
        (7, "ea3d7de6c0880e14455b9acb28f1bc1234321456", ""),
        (8, "CorpusId:470667", ""),
        (10, "title:Non-local Neural Networks", ""),
    ]  # no label: the line is no name, S2's title names the paper once resolved


def test_a_post_without_papers_says_what_graphkit_reads(tmp_path):
    post = tmp_path / "notes.md"
    post.write_text(
        "# Notes\n\nI liked [this blog](https://example.com/blog/x) and [that one](https://medium.com/y).\n",
        encoding="utf-8",
    )
    r = CliRunner().invoke(cli, ["seeds", str(post)])
    assert r.exit_code == 0
    assert "no papers found" in r.stderr and "paragraphs" in r.stderr and "it saw 2 links" in r.stderr


def test_a_bibtex_key_names_its_seed_in_chains():
    import networkx as nx

    from graphkit.graph import build_graph
    from graphkit.lineage import resolve_name

    sl = parse_seeds(str(LISTS / "google-scholar.bib"))
    corpus = {"seeds": [], "papers": {}}
    for k, p in enumerate(sl.papers):
        pid = f"{k:040x}"
        corpus["seeds"].append({**p.to_dict(), "paperId": pid, "status": "resolved"})
        corpus["papers"][pid] = {"paperId": pid, "title": p.title, "year": 2018}
    G = build_graph(corpus)
    assert isinstance(G, nx.DiGraph)
    assert resolve_name(G, "lin2018tsm") == f"{1:040x}" and resolve_name(G, "ZHOU2018TRN") == f"{3:040x}"
