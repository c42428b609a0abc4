"""graphkit: from a reading-list blog post to a citation-lineage map, via the Semantic Scholar Graph API."""

__version__ = "0.1.0"
