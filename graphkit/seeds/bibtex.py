"""A BibTeX file -> seeds, read with bibtexparser (its own middleware decodes LaTeX). Pure."""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager

from .exports import export_candidate
from .ids import _ARXIV_ID, id_line, ids_in_text
from .merge import merge
from .model import SeedList, Skipped, _short

_BIB_ARXIV_FIELDS = ("journal", "note", "howpublished", "booktitle", "volume", "url", "annote", "eprint")


def bibtex_ids(fields: dict) -> dict:
    """A BibTeX entry's paper ids, as people export them: ``doi``; ``eprint`` with ``archivePrefix = arXiv`` (or no
    prefix); ``journal`` / ``note`` / ``howpublished`` saying ``arXiv preprint arXiv:…``, ``arXiv:…`` or
    ``CoRR abs/…``; a ``url`` to arXiv, doi.org or Semantic Scholar.

    >>> bibtex_ids({"journal": "arXiv preprint arXiv:1811.08383"}), bibtex_ids({"journal": "CoRR", "volume": "abs/1705.07750"})
    ({'arxiv': '1811.08383'}, {'arxiv': '1705.07750'})
    >>> bibtex_ids({"doi": "https://doi.org/10.1109/CVPR.2017.502", "eprint": "1705.07750", "archiveprefix": "arXiv"})
    {'arxiv': '1705.07750', 'doi': '10.1109/CVPR.2017.502'}
    """
    ids: dict = {}
    eprint = fields.get("eprint", "").strip()
    prefix = fields.get("archiveprefix", fields.get("eprinttype", "arxiv")).lower()
    if eprint and "arxiv" in prefix and id_line(eprint).get("arxiv"):
        ids["arxiv"] = id_line(eprint)["arxiv"]
    if fields.get("doi"):
        doi = id_line(fields["doi"].strip()).get("doi")
        if doi:
            ids["doi"] = doi
    corr = " ".join(fields.get(k, "") for k in ("journal", "volume", "number")).strip()
    if "arxiv" not in ids and re.search(r"\bCoRR\b", corr):
        m = re.search(rf"abs/(?P<id>{_ARXIV_ID})", corr)
        if m:
            ids["arxiv"] = m.group("id")
    for k in _BIB_ARXIV_FIELDS:
        found = ids_in_text(fields.get(k, ""))
        for name, value in found.items():
            ids.setdefault(name, value)
    return ids


def parse_bibtex(text: str, source: str = "") -> SeedList:
    """Seeds from BibTeX, parsed with bibtexparser (LaTeX in titles and authors decoded by its own middleware).
    Ids come from :func:`bibtex_ids`; each entry's key is a name of its seed, usable in lineage chains.

    >>> sl = parse_bibtex('@inproceedings{wang2016, title={{TSN}: Temporal Segment Networks}, '
    ...                   'eprint={1608.00859}, archivePrefix={arXiv}, year={2016}, booktitle={ECCV}}')
    >>> [(p.key, p.label, p.date, p.names) for p in sl.papers]
    [('arXiv:1608.00859', 'TSN', '2016', ['wang2016'])]
    >>> bib = '@article{u, title={{' + chr(92) + '"U}ber Netze}, journal={arXiv preprint arXiv:1811.08383}}'
    >>> parse_bibtex(bib).papers[0].title
    'Über Netze'
    """
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware

    # what does not parse is in `skipped`, not in log lines
    with (
        _quiet("bibtexparser"),
        _quiet("pylatexenc"),
    ):
        lib = bibtexparser.parse_string(text)
        # LaTeX is decoded (bibtexparser's own middleware) only in the entries that hold a macro: decoding costs a
        # millisecond an entry and makes reference cycles, and most entries have nothing to decode
        latex = [e for e in lib.entries if any("\\" in str(f.value) for f in e.fields)]
        if latex:
            decoded = LatexDecodingMiddleware().transform(bibtexparser.Library(latex)).entries
            by_start = {id(e): d for e, d in zip(latex, decoded, strict=True)}
            entries = [by_start.get(id(e), e) for e in lib.entries]
        else:
            entries = lib.entries
    cands, skipped = [], []
    for entry in entries:
        f = {fld.key.lower(): str(fld.value) for fld in entry.fields}
        title = " ".join(re.sub(r"[{}]", "", f.get("title", "")).split())
        ids = bibtex_ids(f)
        line = getattr(entry, "start_line", 0) + 1
        if not ids and not title:
            skipped.append(Skipped(line, entry.key, "entry with neither id nor title"))
            continue
        venue = f.get("booktitle") or f.get("journal") or None
        cands.append(export_candidate(line, title, ids, year=f.get("year"), venue=venue, key=entry.key or ""))
    for block in lib.failed_blocks:
        skipped.append(
            Skipped(getattr(block, "start_line", 0) + 1, _short(block.raw), "BibTeX that does not parse")
        )
    return SeedList(papers=merge(cands), skipped=skipped, source=source)


@contextmanager
def _quiet(logger_name: str):
    """Silence a library's logger (and its children) for the duration of the block."""
    log = logging.getLogger(logger_name)
    level = log.level
    log.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        log.setLevel(level)
