"""Up-to-date builds: what a build's outputs depend on, hashed (the stamp), kept in OUTDIR beside the outputs'
sizes and times, so that a build with the same source, lineages, options, API, cache, code and untouched outputs
writes nothing. No network, no analysis."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from .errors import OutputError
from .files import atomic_write

STAMP = ".graphkit-build.json"


# the libraries whose version can change what a build writes (the graph, the parse of the post, the map)
OUTPUT_LIBRARIES = (
    "networkx",
    "pyvis",
    "jinja2",
    "numpy",
    "markdown-it-py",
    "bibtexparser",
    "pyyaml",
)


def code_fingerprint(root: str | Path | None = None) -> str:
    """A hash of graphkit's own code and templates (every ``.py`` and template file of the package at ``root``,
    default the installed one, by path and content) and of the versions of :data:`OUTPUT_LIBRARIES`: an upgrade
    of any of them changes it.

    >>> len(code_fingerprint()), code_fingerprint() == code_fingerprint()
    (64, True)
    """
    import hashlib
    from importlib import metadata

    from . import __version__

    pkg = Path(root) if root is not None else Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for f in sorted([*pkg.rglob("*.py"), *(pkg / "templates").rglob("*")]):
        if f.is_file() and "__pycache__" not in f.parts:
            h.update(str(f.relative_to(pkg)).encode() + b"\0" + hashlib.sha256(f.read_bytes()).digest())
    for lib in OUTPUT_LIBRARIES:
        try:
            version = metadata.version(lib)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{lib}=={version}\0".encode())
    return h.hexdigest()


def build_stamp(
    source: bytes, *, lineages: bytes, options: dict, api_url: str, generation: int, code: str | None = None
) -> str:
    """What a build's outputs depend on, hashed: the source, the declared chains, the options, the API, the cache
    generation, and graphkit's code, templates and output libraries (``code``, default :func:`code_fingerprint`)."""
    import hashlib

    h = hashlib.sha256()
    for part in (
        source,
        lineages,
        json.dumps(options, sort_keys=True).encode(),
        api_url.encode(),
        str(generation).encode(),
        (code or code_fingerprint()).encode(),
    ):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def stamp_for(source: str, lineages: str | None, options: dict, client) -> Callable[[], str] | None:
    """A function giving the stamp of a build of SOURCE with the cache as it is when called; None when the source
    cannot be stamped (stdin, or a file that cannot be read — the build itself will say why)."""
    if source == "-":
        return None
    try:
        if not Path(source).is_file():
            return None  # a URL, a device, a FIFO: not stamped (the build itself says what is wrong)
        raw = Path(source).read_bytes()
        extra = Path(lineages).read_bytes() if lineages else b""
    except OSError:
        return None
    if not raw:
        return None
    code = code_fingerprint()
    return lambda: build_stamp(
        raw, lineages=extra, options=options, api_url=client.base_url, generation=client.generation, code=code
    )


def up_to_date(outdir: str | Path, stamp: str) -> dict | None:
    """The saved summary when OUTDIR was built from exactly this stamp and no output was touched since; else None."""
    try:
        saved = json.loads((Path(outdir) / STAMP).read_text(encoding="utf-8"))
        if saved.get("stamp") != stamp:
            return None
        for name, (size, mtime) in saved["files"].items():
            st = (Path(outdir) / name).stat()
            if (st.st_size, st.st_mtime_ns) != (size, mtime):
                return None
        return saved["summary"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_stamp(outdir: str | Path, stamp: str, summary: dict) -> None:
    """Record what OUTDIR was built from (see :func:`up_to_date`)."""
    out = Path(outdir)
    files = {}
    for f in summary.get("files", []):
        st = Path(f).stat()
        files[Path(f).name] = [st.st_size, st.st_mtime_ns]
    try:
        with atomic_write(out / STAMP) as f:
            f.write(json.dumps({"stamp": stamp, "files": files, "summary": summary}))
    except OutputError:
        pass  # the stamp only saves time; a build without it is still complete
