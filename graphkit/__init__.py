"""graphkit: from a reading-list blog post to a citation-lineage map, via the Semantic Scholar Graph API."""

from importlib.metadata import PackageNotFoundError, version

try:  # pyproject.toml holds the version; the installed metadata carries it here
    __version__ = version("graphkit")
except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
    __version__ = "0+unknown"
