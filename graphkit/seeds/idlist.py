"""An id list -> seeds: one ``arXiv:…``, ``DOI:…``, paperId, ``CorpusId:…``, URL or title a line. Pure."""

from __future__ import annotations

from .ids import id_line
from .merge import merge
from .model import SeedList, _Candidate, _Entry
from .names import make_label


def parse_id_list(text: str, source: str = "") -> SeedList:
    """Seeds from a text file: one ``arXiv:…``, ``DOI:…``, 40-hex paperId, ``CorpusId:…`` or title a line.

    >>> sl = parse_id_list("# mine\\narXiv:1608.00859\\nCorpusId:470667\\nNon-local Neural Networks\\narXiv:1608.00859v2\\n")
    >>> [p.key for p in sl.papers]
    ['arXiv:1608.00859', 'CorpusId:470667', 'title:Non-local Neural Networks']
    """
    cands = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        ids = id_line(line)
        title = "" if ids else line
        entry = _Entry(n, title, text_ids=ids, lines=[title], raw=line)
        label, q = make_label(title) if title else (line[:24], 0)
        cands.append(_Candidate(entry=entry, ids=ids, anchor_target=None, label=label, label_q=q))
    return SeedList(papers=merge(cands), skipped=[], source=source)
