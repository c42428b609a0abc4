"""graphkit's one exception tree.

::

    GraphkitError                 anything graphkit reports to the user (CLI: one line on stderr, exit 1)
    ├── SeedError                 the source post / id list / BibTeX cannot be read
    ├── LineageError              a declared chain is malformed or names a paper not in the graph
    ├── OutputError               an output file or directory cannot be written
    ├── CacheError                the on-disk cache cannot be used
    │   └── OfflineMiss           --offline and a response is not in the cache
    └── S2Error                   the Semantic Scholar API did not give what was asked
        ├── PaperNotFound         404 for a paper id
        ├── BadRequest            400 (e.g. an unknown field)
        ├── KeyRefused            403: the x-api-key was refused
        ├── RateLimited           429 and the retries are spent
        └── S2Unavailable         5xx, time-outs, dropped connections, bodies that are not JSON, retries spent

Every message names the value at fault and what to do about it. Messages never contain the API key:
the client never puts it anywhere but the ``x-api-key`` header.
"""

from __future__ import annotations


class GraphkitError(Exception):
    """Base of every error graphkit reports to its user."""

    exit_code = 1


class SeedError(GraphkitError):
    """The seed source cannot be read or parsed."""


def source_too_big(name: str, size: int, limit: int, *, at_least: bool = False) -> SeedError:
    """The one message for a source over the size limit (a file, stdin or a URL), naming the flag that raises it."""
    more = "more than " if at_least else ""
    return SeedError(
        f"{name} is {more}{size / 2**20:.1f} MB, over the {limit / 2**20:.0f} MB limit for a source; raise it with "
        f"--max-size (e.g. --max-size {max(2 * limit, size + 1) // 2**20 + 1}MB)"
    )


class LineageError(GraphkitError):
    """A declared lineage chain is malformed or names an unknown paper."""


class OutputError(GraphkitError):
    """An output cannot be written."""


class CacheError(GraphkitError):
    """The response cache cannot be used."""


class OfflineMiss(CacheError):
    """``--offline`` was given and a needed response is not cached."""


class S2Error(GraphkitError):
    """The Semantic Scholar API failed to answer as asked.

    Attributes ``url`` and ``status`` (``None`` for a connection failure) say what failed.
    """

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None):
        super().__init__(message)
        self.url = url
        self.status = status


class PaperNotFound(S2Error):
    """S2 answered 404 for a paper."""


class BadRequest(S2Error):
    """S2 answered 400: graphkit asked for something the API does not accept."""


class KeyRefused(S2Error):
    """S2 answered 403: the API key is invalid or revoked."""


class RateLimited(S2Error):
    """S2 kept answering 429 after every retry."""


class S2Unavailable(S2Error):
    """S2 kept failing (5xx, time-outs, dropped connections, broken bodies) after every retry."""
