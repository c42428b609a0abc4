"""Layer 2: graphkit's Python face (issue 23): ``graphkit.build()`` gives the seeds, the graph, the analyses, a
pyvis ``Network`` of the map and the files ``graphkit build`` writes."""

from __future__ import annotations

import graphkit
from tests.conftest import POST


def test_build_gives_the_seeds_graph_analyses_and_a_pyvis_network(post_server, tmp_path, monkeypatch):
    from pyvis.network import Network

    result = graphkit.build(str(POST), cache_dir=tmp_path / "cache", api_url=post_server.url, rps=0)
    assert isinstance(result, graphkit.BuildResult)
    assert len(result.seeds.papers) == 83 and result.graph.graph["seeds"] >= 60
    assert result.missing and {"declared", "backbone", "main_path"} <= set(result.lineage)
    view = result.view()
    net = result.network()
    assert isinstance(net, Network)
    drawn = {n["id"]: n for n in net.nodes}
    seeds = [n for n, d in result.graph.nodes(data=True) if d.get("seed")]
    placed = {n["id"]: (n["x"], n["y"]) for n in view["nodes"]}
    for s in seeds:  # every seed, where the layout put it, not moved by physics
        assert (drawn[s]["x"], drawn[s]["y"]) == placed[s] and drawn[s]["physics"] is False
    assert net.options["physics"]["enabled"] is False
    net.write_html(str(tmp_path / "net.html"), notebook=False)
    page = (tmp_path / "net.html").read_text(encoding="utf-8")
    assert "vis.Network" in page and seeds[0] in page
    # in Jupyter: net.show(name, notebook=True) writes the same page and returns the IFrame that shows it
    monkeypatch.chdir(tmp_path)
    frame = net.show("nb.html", notebook=True)
    assert type(frame).__name__ == "IFrame" and (tmp_path / "nb.html").read_text(encoding="utf-8") == page
    # the files `graphkit build` writes
    site = result.write(tmp_path / "site")
    assert {p.rsplit("/", 1)[-1] for p in site["files"]} >= {
        "graph.json",
        "index.html",
        "map.svg",
        "report.md",
    }


def test_the_readme_library_example_runs_as_written(post_server, tmp_path, monkeypatch):
    """The README's first Library block, run as it stands in a folder holding the example post and lineages (the
    fixture server stands in for S2 through S2_API_URL)."""
    import re
    import shutil

    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"## Library\n.*?```python\n(.*?)```", readme, re.S).group(1)
    shutil.copy(POST, tmp_path / "post.md")
    shutil.copy(ROOT / "examples" / "video-classification" / "lineages.txt", tmp_path / "lineages.txt")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("S2_API_URL", post_server.url)
    monkeypatch.setenv("S2_RPS", "0")
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)
    assert len(scope["result"].seeds.papers) == 83 and scope["result"].lineage["declared"]
    assert (tmp_path / "site" / "index.html").is_file() and len(scope["net"].nodes) >= 83
