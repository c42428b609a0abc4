"""Reading a big post: ``parse_seeds`` on generated posts of 1, 5 and 20 MB (the default size limit) — time and peak
memory.

Each post is generated here (nothing big is committed): many sections three levels deep, numbered and bulleted
items, tables, papers listed again and again (same id, same title in other case and spacing, in-page ``#anchor``
links), links of every kind graphkit knows (arXiv and its mirrors, doi.org, semanticscholar.org pages and PDFs,
CVF pages, code, blogs, videos, datasets, homepages), raw HTML ``<a href>``, reference-style links, ids in text,
CJK notes, code blocks, an appendix. Each size is parsed in a fresh interpreter, so its peak RSS is its own (measured right
after ``parse_seeds``); the child then times the stages once more: the Markdown parser (markdown-it-py) alone,
graphkit's walk over the syntax tree with each entry's verdict, and the merge.

Goal (issue 21): a 1 MB post in a few seconds; a post over 20 MB is refused (``--max-size`` raises the limit).

    python benchmarks/seeds.py                 # 1, 5, 20 MB
    python benchmarks/seeds.py --sizes 0.5 1   # other sizes, in MB
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, machine, peak_rss_mib, table

WORDS = (
    "temporal segment networks action recognition video convolutional spatiotemporal learning deep "
    "attention transformer pose optical flow residual efficient large scale dataset model features "
    "multi stream fusion self supervised contrastive graph relational pyramid dense trajectories"
).split()
NOTES = (
    "作者认为光流不是表示运动信息，而是表示外观不变性；",
    "提出了新的时序建模方法。",
    "效果很好，值得一读",
    "TSN: 稀疏采样",
    "I3D: 基于inception的三维卷积",
)


def _title(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(4, 10))]
    words[0] = words[0].capitalize()
    if rng.random() < 0.3:
        return f"{''.join(w[0].upper() for w in words[:3])}{n % 97}: {' '.join(words)} {n}"
    return f"{' '.join(words)} {n}"


def _paper(rng: random.Random, n: int) -> dict:
    kind = rng.random()
    p = {"n": n, "title": _title(rng, n)}
    if kind < 0.55:
        p["arxiv"] = f"{10 + n % 15:02d}{1 + n % 12:02d}.{n % 100000:05d}"
    elif kind < 0.65:
        p["doi"] = f"10.{1000 + n % 9000}/conf.{n}"
    elif kind < 0.72:
        p["s2"] = f"{n:040x}"
    return p


def _link(rng: random.Random, p: dict) -> str:
    """The title link of paper p, in one of the many shapes a post uses."""
    if "arxiv" in p:
        host = rng.choice(
            (
                "https://arxiv.org/abs/",
                "http://cn.arxiv.org/abs/",
                "https://arxiv.org/pdf/",
                "http://export.arxiv.org/abs/",
            )
        )
        return f"{host}{p['arxiv']}v{rng.randint(1, 3)}" + (".pdf" if "pdf" in host else "")
    if "doi" in p:
        return rng.choice(("https://doi.org/", "http://dx.doi.org/")) + p["doi"]
    if "s2" in p:
        if rng.random() < 0.5:
            return f"https://www.semanticscholar.org/paper/Some-Title/{p['s2']}"
        return f"https://pdfs.semanticscholar.org/{p['s2'][:4]}/{p['s2'][4:]}.pdf?_ga=2.1"
    return f"http://openaccess.thecvf.com/content_cvpr_2017/papers/paper_{p['n']}.pdf"


def _item(rng: random.Random, p: dict, marker: str) -> list[str]:
    r = rng.random()
    title = p["title"] if rng.random() < 0.8 else p["title"].upper().replace(" ", "  ")
    if r < 0.6:
        head = f"{marker} [{title}]({_link(rng, p)})"
    elif r < 0.7:
        head = f'{marker} <a href="{_link(rng, p)}">{title}</a>'
    elif r < 0.8:
        head = f"{marker} [{title}][ref{p['n']}]"
    elif r < 0.9 and "arxiv" in p:
        head = f"{marker} {title}, see arXiv:{p['arxiv']}"
    else:
        head = f"{marker} {title}"
    lines = [head + "   "]
    extras = []
    if rng.random() < 0.6:
        extras.append(f"*20{10 + p['n'] % 15}-{1 + p['n'] % 12:02d}-{1 + p['n'] % 28:02d}*")
    if rng.random() < 0.4:
        extras.append(rng.choice(("CVPR", "ICCV", "ECCV", "NeurIPS", "AAAI")) + f" 20{10 + p['n'] % 15}")
    if rng.random() < 0.5:
        extras.append(f"[code](https://github.com/someone/repo{p['n']})")
    if rng.random() < 0.2:
        extras.append(f"[blog](https://zhuanlan.zhihu.com/p/{p['n']})")
    if rng.random() < 0.1:
        extras.append(f"[video](https://www.youtube.com/watch?v={p['n']})")
    if rng.random() < 0.3:
        extras.append(f"[paper]({_link(rng, p)})")
    if extras:
        lines.append("   " + " ".join(extras) + "   ")
    if rng.random() < 0.3:
        lines.append("   " + rng.choice(NOTES))
    return lines


def make_post(target_bytes: int, seed: int = 12) -> str:
    """A reading-list post of about ``target_bytes`` bytes (UTF-8)."""
    rng = random.Random(seed)
    out = ["---", 'title: "A huge reading list"', "date: 2020-01-01", "---", ""]
    size = sum(len(x) + 1 for x in out)
    papers: list[dict] = []
    refs: list[str] = []
    sec = 0
    while size < target_bytes * 0.97:
        sec += 1
        block = [f"# {sec} Section {rng.choice(WORDS)}", ""]
        for sub in range(1, rng.randint(2, 5)):
            block += [f"## {sec}.{sub} {rng.choice(WORDS)} {rng.choice(WORDS)}", ""]
            for _ in range(rng.randint(5, 30)):
                r = rng.random()
                if r < 0.25 and papers:  # a paper listed again (30 % of the listings)
                    p = (
                        rng.choice(papers)
                        if rng.random() < 0.5
                        else papers[-rng.randint(1, min(50, len(papers)))]
                    )
                elif r < 0.27 and papers:  # an in-page link to an earlier entry
                    p = rng.choice(papers)
                    block += [f"1. [{p['title']}](#paper{p['n']})", ""]
                    continue
                elif r < 0.33:  # something that is not a paper
                    n = len(papers) + sec
                    block += [
                        rng.choice(
                            (
                                f"* [mmaction{n}](https://github.com/open-mmlab/mm{n})",
                                f"* [UCF-101 mirror {n}](http://crcv.ucf.edu/data/UCF101_{n}.php)",
                                f"* [home {n}](https://someone{n}.github.io/)",
                                f"* {rng.choice(NOTES)}",
                                f"* short note {n}",
                            )
                        ),
                        "",
                    ]
                    continue
                else:
                    p = _paper(rng, len(papers) + 1)
                    papers.append(p)
                    refs.append(f"[ref{p['n']}]: {_link(rng, p)}")
                    size += len(refs[-1]) + 1
                    if rng.random() < 0.05:
                        block.append(f"<span id='paper{p['n']}'></span>")
                block += _item(rng, p, rng.choice(("1.", "*", "-")))
                block.append("")
            if rng.random() < 0.15:
                block += ["| Paper | Venue | Code |", "| --- | --- | --- |"]
                for _ in range(rng.randint(3, 10)):
                    p = rng.choice(papers) if papers and rng.random() < 0.3 else _paper(rng, len(papers) + 1)
                    if p not in papers:
                        papers.append(p)
                    block.append(
                        f"| [{p['title']}]({_link(rng, p)}) | CVPR 2019 | [code](https://github.com/a/b) |"
                    )
                block.append("")
            if rng.random() < 0.05:
                block += ["```", "* [Fake in a code block](https://arxiv.org/abs/1111.11111)", "```", ""]
        text = "\n".join(block) + "\n"
        out.append(text)
        size += len(text.encode())
    out += ["# 附录", "", "1. [MMAction](https://github.com/open-mmlab/mmaction)", ""]
    out += refs
    return "\n".join(out) + "\n"


def child(path: str) -> None:
    """Run in a fresh interpreter: time parse_seeds, peak RSS, then the stages once more."""
    sys.path.insert(0, str(ROOT))
    from graphkit import seeds as S
    from graphkit.seeds import markdown as M
    from graphkit.seeds.merge import merge

    t0, c0 = time.perf_counter(), time.process_time()
    sl = S.parse_seeds(path, max_bytes=2**31)
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = peak_rss_mib()
    n_papers, n_skipped = len(sl.papers), len(sl.skipped)
    del sl
    from markdown_it.tree import SyntaxTreeNode

    from graphkit.seeds.frontmatter import split_front_matter

    text, _ = S._read_source(path, 2**31)
    _meta, body = split_front_matter(text)
    # stages in CPU seconds (the machine is shared: wall time varies with the load, CPU time much less)
    t0 = time.process_time()
    tokens = M._parser().parse(body)  # the parser alone
    md = time.process_time() - t0
    t0 = time.process_time()
    walk = M._Walk()
    walk.block(SyntaxTreeNode(tokens))
    verdicts = [M._judge(e) for e in M._method_names(walk.entries)]  # the tree, our walk, the verdicts
    t_entries = time.process_time() - t0 + md
    t0 = time.process_time()
    merge([c for c, _skip in verdicts if c is not None])
    t_merge = time.process_time() - t0
    print(
        json.dumps(
            {
                "seconds": total,
                "cpu": cpu,
                "peak_mib": peak,
                "papers": n_papers,
                "skipped": n_skipped,
                "entries": len(verdicts),
                "markdown_parse": md,
                "walk_judge": t_entries - md,
                "merge": t_merge,
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[1, 5, 20], help="post sizes in MB")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return
    print(machine())
    rows = []
    with tempfile.TemporaryDirectory(prefix="graphkit-seeds-") as d:
        for mb in args.sizes:
            path = Path(d) / f"post-{mb:g}MB.md"
            t0 = time.perf_counter()
            path.write_text(make_post(int(mb * 1e6)), encoding="utf-8")
            gen = time.perf_counter() - t0
            p = subprocess.run(
                [sys.executable, __file__, "--child", str(path)],
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONHASHSEED": "0"},
            )
            if p.returncode:
                raise SystemExit(p.stderr)
            r = json.loads(p.stdout.strip().splitlines()[-1])
            rows.append(
                {
                    "MB": round(path.stat().st_size / 1e6, 1),
                    "lines": path.read_text().count("\n"),
                    "items": r["entries"],
                    "seeds": r["papers"],
                    "skipped": r["skipped"],
                    "parse_seeds s": r["seconds"],
                    "cpu s": r["cpu"],
                    "peak MiB": round(r["peak_mib"]),
                    "parser cpu": r["markdown_parse"],
                    "walk+judge cpu": r["walk_judge"],
                    "merge cpu": r["merge"],
                    "gen s": gen,
                }
            )
            path.unlink()
    print(
        table(
            rows,
            "parse_seeds on generated posts: wall and CPU seconds, peak RSS; stages re-timed after, in CPU s",
        )
    )


if __name__ == "__main__":
    main()
