"""What changed between two builds of one reading list. Pure.

A build keeps a small *snapshot* of what it found (:func:`snapshot`) next to its outputs; the next build in the
same OUTDIR compares its own with it (:func:`compare`). A snapshot is JSON-able and small (no paper lists beyond
the follow-ups and the top missing papers), so it is read in milliseconds whatever the size of the graph:

    {"built": ISO time, "fetched": {"oldest", "newest", "undated"} | None,
     "seeds": {paperId: citing papers in the graph},
     "followups": {paperId: title},            # papers (not seeds) citing two or more seeds
     "declared": {"<from> -> <to>": status},   # paperIds
     "missing": {kind: [paperId, …]},          # the top lists, best first
     "titles": {paperId: title}}               # of the seeds and the missing papers, for the report
"""

from __future__ import annotations

import networkx as nx

from .graph import seed_nodes

SNAPSHOT_VERSION = 1


def snapshot(
    G: nx.DiGraph, *, declared: list[dict] = (), missing: list[dict] = (), built: str | None = None
) -> dict:
    """What :func:`compare` needs of one build: seeds and their citing papers, the papers citing two or more
    seeds, the declared links' statuses and the top missing lists.

    >>> G = nx.DiGraph()
    >>> G.add_node("s1", seed=True, line=1, title="One"); G.add_node("s2", seed=True, line=2, title="Two")
    >>> G.add_node("p", title="Follows both"); G.add_node("q", title="Follows one")
    >>> G.add_edges_from([("p", "s1"), ("p", "s2"), ("q", "s1"), ("s2", "s1")])
    >>> snap = snapshot(G, declared=[{"from": "s1", "to": "s2", "status": "direct"}])
    >>> snap["seeds"], snap["followups"], snap["declared"]
    ({'s1': 3, 's2': 1}, {'p': 'Follows both'}, {'s1 -> s2': 'direct'})
    """
    seeds = seed_nodes(G)
    is_seed = set(seeds)
    hits: dict[str, int] = {}
    for s in seeds:
        for citing in G.predecessors(s):
            if citing not in is_seed:
                hits[citing] = hits.get(citing, 0) + 1
    title = lambda n: (G.nodes[n].get("title") or n) if n in G else n  # noqa: E731
    by_kind: dict[str, list[str]] = {}
    for m in missing:
        by_kind.setdefault(m["kind"], []).append(m["paperId"])
    return {
        "version": SNAPSHOT_VERSION,
        "built": built,
        "fetched": G.graph.get("fetched"),
        "seeds": {s: G.in_degree(s) for s in seeds},
        "followups": {n: title(n) for n, k in sorted(hits.items()) if k >= 2},
        "declared": {f"{d['from']} -> {d['to']}": d["status"] for d in declared},
        "missing": by_kind,
        "titles": {n: title(n) for n in [*seeds, *(m["paperId"] for m in missing)]},
    }


def compare(old: dict | None, new: dict) -> dict | None:
    """What changed from snapshot ``old`` to snapshot ``new`` (None when there is no previous build).

    Returns ``since`` (the previous build's time), ``seeds_added``, ``seeds_removed``, ``new_followups`` (papers
    that now cite two or more seeds and did not before), ``citations_gained`` (``{seed: citing papers gained}``,
    seeds present in both builds whose count changed), ``declared`` (``[{"from", "to", "was", "now"}]``, links whose
    status changed, added or dropped: ``None`` for absent) and ``missing_entered`` / ``missing_left``
    (``{kind: [paperId]}``, the top lists). Every paper is named by its paperId; ``titles`` names them.

    >>> old = {"built": "2026-10-01T08:00:00Z", "seeds": {"a": 3, "b": 1}, "followups": {"p": "P"},
    ...        "declared": {"a -> b": "missing"}, "missing": {"followup": ["p", "x"]}, "titles": {"a": "A"}}
    >>> new = {"built": "2026-11-26T19:00:00Z", "seeds": {"a": 5, "b": 1, "c": 0},
    ...        "followups": {"p": "P", "r": "R"}, "declared": {"a -> b": "direct"},
    ...        "missing": {"followup": ["r", "p"]}, "titles": {"c": "C"}}
    >>> ch = compare(old, new)
    >>> ch["seeds_added"], ch["seeds_removed"], ch["new_followups"], ch["citations_gained"]
    (['c'], [], ['r'], {'a': 2})
    >>> ch["declared"], ch["missing_entered"], ch["missing_left"]
    ([{'from': 'a', 'to': 'b', 'was': 'missing', 'now': 'direct'}], {'followup': ['r']}, {'followup': ['x']})
    >>> changed(ch), changed(compare(new, new)), compare(None, new) is None
    (True, False, True)
    """
    if not old or not isinstance(old, dict):
        return None
    o_seeds, n_seeds = old.get("seeds") or {}, new.get("seeds") or {}
    o_fu = old.get("followups") or {}
    declared = []
    o_dec, n_dec = old.get("declared") or {}, new.get("declared") or {}
    for link in [*n_dec, *(k for k in o_dec if k not in n_dec)]:
        if o_dec.get(link) != n_dec.get(link):
            a, _, b = link.partition(" -> ")
            declared.append({"from": a, "to": b, "was": o_dec.get(link), "now": n_dec.get(link)})
    entered: dict[str, list[str]] = {}
    left: dict[str, list[str]] = {}
    o_miss, n_miss = old.get("missing") or {}, new.get("missing") or {}
    for kind in dict.fromkeys([*n_miss, *o_miss]):
        before, now = o_miss.get(kind) or [], n_miss.get(kind) or []
        if came := [p for p in now if p not in set(before)]:
            entered[kind] = came
        if went := [p for p in before if p not in set(now)]:
            left[kind] = went
    titles = {
        **(old.get("titles") or {}),
        **(old.get("followups") or {}),
        **(new.get("titles") or {}),
        **(new.get("followups") or {}),
    }
    return {
        "since": old.get("built"),
        "seeds_added": [s for s in n_seeds if s not in o_seeds],
        "seeds_removed": [s for s in o_seeds if s not in n_seeds],
        "new_followups": [p for p in (new.get("followups") or {}) if p not in o_fu],
        "citations_gained": {
            s: n_seeds[s] - o_seeds[s] for s in n_seeds if s in o_seeds and n_seeds[s] != o_seeds[s]
        },
        "declared": declared,
        "missing_entered": entered,
        "missing_left": left,
        "titles": titles,
    }


def changed(ch: dict | None) -> bool:
    """Whether a :func:`compare` result holds any change."""
    return bool(ch) and any(
        ch[k]
        for k in (
            "seeds_added",
            "seeds_removed",
            "new_followups",
            "citations_gained",
            "declared",
            "missing_entered",
            "missing_left",
        )
    )


def summary_line(ch: dict | None) -> str | None:
    """A one-line summary of the changes for stderr (None when there is no previous build).

    >>> summary_line({"since": "2026-10-01T08:00:00Z", "seeds_added": ["c"], "seeds_removed": [],
    ...               "new_followups": ["r"], "citations_gained": {"a": 2, "b": -1}, "declared": [],
    ...               "missing_entered": {"followup": ["r"]}, "missing_left": {}})
    'since 2026-10-01: 1 seed added, 0 removed; 1 new follow-up citing 2+ seeds; +1 citing papers over 2 seeds; 0 declared links changed; 1 paper entered and 0 left the missing lists'
    >>> summary_line({"since": "2026-10-01T08:00:00Z", "seeds_added": [], "seeds_removed": [], "new_followups": [],
    ...               "citations_gained": {}, "declared": [], "missing_entered": {}, "missing_left": {}})
    'since 2026-10-01: none'
    """
    if ch is None:
        return None
    if not changed(ch):
        return f"since {(ch.get('since') or '?')[:10]}: none"
    n = lambda d: sum(len(v) for v in d.values())  # noqa: E731
    gained = ch["citations_gained"]
    plural = lambda k, word: f"{k} {word}{'' if k == 1 else 's'}"  # noqa: E731
    return (
        f"since {(ch.get('since') or '?')[:10]}: {plural(len(ch['seeds_added']), 'seed')} added, "
        f"{len(ch['seeds_removed'])} removed; {plural(len(ch['new_followups']), 'new follow-up')} citing 2+ seeds; "
        f"{sum(gained.values()):+d} citing papers over {plural(len(gained), 'seed')}; "
        f"{len(ch['declared'])} declared links changed; {plural(n(ch['missing_entered']), 'paper')} entered and "
        f"{n(ch['missing_left'])} left the missing lists"
    )
