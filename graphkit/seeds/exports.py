"""A reference manager's export -> seeds: RIS (EndNote, Zotero, Mendeley) and CSL-JSON (Zotero, Mendeley, pandoc),
read like BibTeX: ids from the DOI, URL and note fields, the title, year and venue. Pure."""

from __future__ import annotations

import json
import re

from ..clean import clean_text
from ..errors import SeedError
from .ids import id_line, ids_in_text
from .merge import merge
from .model import SeedList, Skipped, _Candidate, _Entry, _short
from .names import make_label

_RIS_LINE = re.compile(r"^(?P<tag>[A-Z][A-Z0-9])  -(?: (?P<value>.*))?$")


def export_candidate(line: int, title: str, ids: dict, *, year=None, venue=None, key: str = "") -> _Candidate:
    """One entry of an export (BibTeX, RIS, CSL-JSON) as a seed candidate: its title's label, its key a name."""
    title = " ".join(clean_text(title or "").split())
    key = clean_text(key)
    if venue and re.match(r"^(arXiv|CoRR)\b", venue, re.IGNORECASE):
        venue = None
    entry = _Entry(
        line, title, text_ids=ids, lines=[title], date=str(year) if year else None, venue=venue, raw=title
    )
    label, q = make_label(title)
    return _Candidate(
        entry=entry, ids=ids, anchor_target=None, label=label, label_q=q, names=[key] if key else []
    )


def export_ids(doi: str = "", urls=(), notes=()) -> dict:
    """The ids of an export entry: its DOI field, then what its URLs and notes say (arXiv, DOI, CorpusID, S2).

    >>> export_ids("10.1109/CVPR.2017.502", ["https://www.semanticscholar.org/CorpusID:1629541"], ["arXiv:1705.07750"])
    {'doi': '10.1109/CVPR.2017.502', 'corpusId': '1629541', 'arxiv': '1705.07750'}
    """
    ids: dict = {}
    if doi:
        found = id_line(str(doi).strip()).get("doi")
        # arXiv's own DOI: the arXiv id says more
        if found and not found.lower().startswith("10.48550/arxiv."):
            ids["doi"] = found
        elif found:
            ids["arxiv"] = found[len("10.48550/arxiv.") :]
    for text in (*urls, *notes):
        for name, value in ids_in_text(str(text)).items():
            ids.setdefault(name, value)
    return ids


def parse_ris(text: str, source: str = "") -> SeedList:
    """Seeds from RIS: one entry from ``TY  -`` to ``ER  -``; ``TI``/``T1`` the title, ``DO`` the DOI, ``UR`` and
    ``N1`` searched for ids, ``PY``/``Y1``/``DA`` the year, ``T2``/``JO``/``BT`` the venue, ``ID`` a name.

    >>> ris = "TY  - CONF\\nTI  - Temporal Segment Networks\\nUR  - https://arxiv.org/abs/1608.00859\\nPY  - 2016\\nER  - \\n"
    >>> [(p.key, p.title, p.date) for p in parse_ris(ris).papers]
    [('arXiv:1608.00859', 'Temporal Segment Networks', '2016')]
    """
    cands, skipped = [], []
    fields: dict[str, list[str]] = {}
    start = 0
    last = None
    for n, raw in enumerate(text.splitlines(), start=1):
        m = _RIS_LINE.match(raw.rstrip())
        if m is None:
            if last and raw.strip() and fields.get(last):  # a value continued on the next line
                fields[last][-1] += " " + raw.strip()
            continue
        tag, value = m.group("tag"), (m.group("value") or "").strip()
        if tag == "TY":
            fields, start, last = {}, n, None
        elif tag == "ER":
            _ris_entry(fields, start, cands, skipped)
            fields, last = {}, None
            continue
        fields.setdefault(tag, []).append(value)
        last = tag
    if fields.get("TY"):
        skipped.append(
            Skipped(start, _short(" ".join(fields.get("TI", fields["TY"]))), "RIS entry without ER")
        )
    return SeedList(papers=merge(cands), skipped=skipped, source=source)


def _ris_entry(f: dict, line: int, cands: list, skipped: list) -> None:
    def first(*tags):
        return next((f[t][0] for t in tags if f.get(t) and f[t][0]), "")

    title = first("TI", "T1", "CT")
    ids = export_ids(
        first("DO", "M3") if "10." in first("DO", "M3") else first("DO"),
        f.get("UR", []) + f.get("L1", []),
        f.get("N1", []) + f.get("M1", []),
    )
    if not ids and not title:
        skipped.append(Skipped(line, _short(first("ID") or first("TY")), "entry with neither id nor title"))
        return
    year = re.search(r"(?:19|20)\d{2}", first("PY", "Y1", "DA"))
    cands.append(
        export_candidate(
            line,
            title,
            ids,
            year=year.group(0) if year else None,
            venue=first("T2", "JO", "JF", "BT") or None,
            key=first("ID"),
        )
    )


def parse_csl_json(text: str, source: str = "") -> SeedList:
    """Seeds from CSL-JSON (a list of items, or one item): ``title``, ``DOI``, ``URL``, ``note``/``number`` for ids,
    ``issued`` for the year, ``container-title`` for the venue, ``id``/``citation-key`` a name. An item's ``line``
    is its position in the list.

    >>> csl = '[{"id": "wang2016", "title": "Temporal Segment Networks", "URL": "http://arxiv.org/abs/1608.00859",'
    >>> csl += ' "issued": {"date-parts": [[2016, 10]]}}]'
    >>> [(p.key, p.date, p.names) for p in parse_csl_json(csl).papers]
    [('arXiv:1608.00859', '2016', ['wang2016'])]
    """
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise SeedError(f"{source or 'the source'} is not valid JSON ({e}); export CSL-JSON again") from None
    items = doc if isinstance(doc, list) else doc.get("items", [doc]) if isinstance(doc, dict) else []
    cands, skipped = [], []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            skipped.append(Skipped(n, _short(str(item)), "not a CSL-JSON item"))
            continue

        title = _field(item, "title")
        ids = export_ids(
            _field(item, "DOI"),
            [_field(item, "URL")],
            [_field(item, "note"), _field(item, "number"), _field(item, "archive_location")],
        )
        key = _field(item, "citation-key") or _field(item, "id")
        if not ids and not title:
            skipped.append(
                Skipped(n, _short(key or json.dumps(item)[:80]), "entry with neither id nor title")
            )
            continue
        cands.append(
            export_candidate(
                n, title, ids, year=_csl_year(item), venue=_field(item, "container-title") or None, key=key
            )
        )
    return SeedList(papers=merge(cands), skipped=skipped, source=source)


def _field(item: dict, k: str) -> str:
    v = item.get(k)
    if isinstance(v, list):
        return " ".join(str(x) for x in v if isinstance(x, (str, int, float)))
    return str(v) if isinstance(v, (str, int, float)) else ""


def _csl_year(item: dict) -> str | None:
    issued = item.get("issued")
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            y = str(parts[0][0])
            return y if re.fullmatch(r"\d{4}", y) else None
        m = re.search(r"(?:19|20)\d{2}", str(issued.get("raw") or issued.get("literal") or ""))
        return m.group(0) if m else None
    return None
