"""A post's Jekyll front matter: the one place it is found and read (YAML, without aliases). Pure."""

from __future__ import annotations

import re

_END = re.compile(r"^[^\S\n]*(?:---|\.\.\.)[^\S\n]*$", re.MULTILINE)


def split_front_matter(text: str) -> tuple[dict, str]:
    """``(front matter as a dict, text with the front matter blanked so that line numbers stay true)``.

    Front matter that is not YAML, not a mapping, or uses YAML aliases (a few lines of them can expand to
    gigabytes) reads as ``{}``.

    >>> split_front_matter("---\\ntitle: A\\n---\\n# H\\n")
    ({'title': 'A'}, '\\n\\n\\n# H\\n')
    >>> split_front_matter("---\\na: &x [1]\\nb: *x\\n---\\nbody")[0], split_front_matter("# no front matter")[0]
    ({}, {})
    """
    if not text.startswith("---"):
        return {}, text
    first = text.find("\n")
    if first < 0 or text[:first].strip() != "---":
        return {}, text
    m = _END.search(text, first + 1)
    if m is None:
        return {}, text
    meta = load_yaml(text[first + 1 : m.start()])
    end = text.find("\n", m.end())
    rest = "" if end < 0 else text[end + 1 :]
    return meta, "\n" * (text.count("\n", 0, m.end()) + 1) + rest


def load_yaml(yaml_text: str) -> dict:
    """A YAML mapping read safely and without aliases; ``{}`` for anything else."""
    import yaml

    class _NoAliases(yaml.SafeLoader):
        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                raise yaml.YAMLError("aliases are not read")
            return super().compose_node(parent, index)

    try:
        meta = yaml.load(yaml_text, Loader=_NoAliases)  # noqa: S506 - a SafeLoader without aliases
    except (yaml.YAMLError, ValueError, RecursionError):
        return {}
    return meta if isinstance(meta, dict) else {}
