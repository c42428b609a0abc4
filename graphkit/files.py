"""Output files written whole: a kill leaves each one old-and-complete or new-and-complete, never cut short.

Every writer opens its file through :func:`atomic_write`: the text goes to a hidden temporary file beside the
target (``.graph.json.<pid>-<random>.graphkit-tmp``), is closed, then renamed over the target with
``os.replace`` — atomic on POSIX and Windows within one directory. A temporary file left by a killed build is
removed by the next build into that directory (:func:`remove_stale`). Any ``OSError`` becomes one
:class:`~graphkit.errors.OutputError` naming the file and the fix.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import OutputError

_SUFFIX = ".graphkit-tmp"
_TEMP = re.compile(r"^\..+\.(?P<pid>\d+)-[0-9a-f]{8}" + re.escape(_SUFFIX) + "$")


def output_error(path: str | Path, e: OSError) -> OutputError:
    """The one message for an output that cannot be written.

    >>> str(output_error("site/graph.json", PermissionError(13, "Permission denied")))
    'cannot write site/graph.json: Permission denied; choose a writable output directory with -o'
    """
    return OutputError(f"cannot write {path}: {e.strerror or e}; choose a writable output directory with -o")


def temp_name(path: str | Path) -> Path:
    """Where the new version of ``path`` is written before it replaces the old one.

    >>> bool(_TEMP.match(temp_name("site/papers.csv").name))
    True
    """
    p = Path(path)
    return p.with_name(f".{p.name}.{os.getpid()}-{secrets.token_hex(4)}{_SUFFIX}")


@contextmanager
def atomic_write(
    path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8", newline: str | None = None
) -> Iterator[IO]:
    """Open ``path`` for writing (``"w"`` text or ``"wb"`` bytes) so that it is replaced only when the block ends
    without an error; on an error (or a kill) the old file stays as it was.

    Raises
    ------
    OutputError
        The directory or the file cannot be written (the message names the file).
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write writes whole files: mode 'w' or 'wb', not {mode!r}")
    target = Path(path)
    tmp = temp_name(target)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as e:
        raise output_error(target, e) from None
    try:
        if "b" in mode:
            f = os.fdopen(fd, mode)
        else:
            f = os.fdopen(fd, mode, encoding=encoding, newline=newline)
        with f:
            yield f
            # no fsync: a killed build's data is in the page cache, so the rename alone leaves each file whole
            # against a kill (what this guards); an fsync per output cost 0.3 s a build on 8 files
        try:
            st = os.stat(target, follow_symlinks=False)
            # a rewritten file keeps its permissions (a link's target lends none)
            if stat.S_ISREG(st.st_mode):
                os.chmod(tmp, st.st_mode & 0o7777)
        except FileNotFoundError:
            pass
        os.replace(tmp, target)
    except OSError as e:
        _unlink(tmp)
        raise output_error(target, e) from None
    except BaseException:
        _unlink(tmp)
        raise


def _unlink(p: Path) -> None:
    try:
        p.unlink()
    except OSError:
        pass


def remove_stale(directory: str | Path) -> list[Path]:
    """Remove the temporary files that builds killed while writing left in ``directory`` (those of a process
    still running, this one included, are kept: it may be writing them now). Returns what was removed."""
    removed = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        m = _TEMP.match(name)
        if not m:
            continue
        if _alive(int(m.group("pid"))):  # this process included: another thread may be writing it
            continue
        p = Path(directory) / name
        try:
            p.unlink()
            removed.append(p)
        except OSError:
            pass
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def check_writable(directory: str | Path) -> None:
    """Create ``directory`` if needed and make sure a file can be written in it — before a long fetch, not
    after it. Removes stale temporary files on the way.

    Raises
    ------
    OutputError
        The directory cannot be created, or files cannot be created in it (read-only, no permission, full disk).
    """
    d = Path(directory)
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(
            f"cannot create output directory {d}: {e.strerror or e}; choose another with -o"
        ) from None
    remove_stale(d)
    probe = temp_name(d / "probe")
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    except OSError as e:
        raise OutputError(
            f"cannot write in output directory {d}: {e.strerror or e}; "
            "choose a writable output directory with -o"
        ) from None
    _unlink(probe)


SMALL_FILE = 2**20  # a lineages or settings file larger than this is refused


def read_small_text(path: str | Path, what: str, error: type[Exception], max_bytes: int = SMALL_FILE) -> str:
    """The UTF-8 text of a small input file (lineages, settings): a regular file of at most ``max_bytes``, read no
    further than that (``/dev/zero`` or a FIFO is refused, not read); ``error(message)`` names what is wrong.

    >>> import tempfile
    >>> read_small_text("/dev/zero", "lineages file", ValueError)
    Traceback (most recent call last):
    ValueError: /dev/zero is not a regular file; give a lineages file's path
    """
    p = Path(path)
    try:
        st = p.stat()
        if not stat.S_ISREG(st.st_mode):
            raise error(f"{p} is not a regular file; give a {what}'s path")
        with p.open("rb") as f:
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise error(f"{p}: no such file; give a {what}") from None
    except OSError as e:
        raise error(f"{p}: cannot read it ({e.strerror}); check the path") from None
    if len(data) > max_bytes:
        raise error(f"{p} is over {max_bytes // 2**10} KB; a {what} is a few lines")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"{p}: cannot read it as UTF-8 text; save it as UTF-8") from None


def copy_map(outdir: Path, blog: Path, base: str) -> Path:
    """index.html and map.svg into the blog under ``base``: regular files only (a symlink in OUTDIR is not
    followed), each written whole through :func:`graphkit.files.atomic_write` (a symlink at the destination is
    replaced, never written through), and only inside the blog folder."""
    if not blog.is_dir():
        raise OutputError(f"{blog} is not a folder; give the root folder of your blog to --copy-to")
    dest = blog / base.strip("/")
    try:
        dest.mkdir(parents=True, exist_ok=True)
        if not dest.resolve().is_relative_to(blog.resolve()):
            raise OutputError(
                f"{dest} leads outside the blog at {blog} (through a symlink); remove the link or pick "
                "another --asset-dir"
            )
        for name in ("index.html", "map.svg"):
            src = outdir / name
            if not src.exists() and not src.is_symlink():
                continue
            if not stat.S_ISREG(os.lstat(src).st_mode):
                raise OutputError(
                    f"{src} is not a regular file (a symlink?); rebuild OUTDIR with `graphkit build`"
                )
            with atomic_write(dest / name, "wb") as f:
                f.write(src.read_bytes())
    except OSError as e:
        raise OutputError(
            f"cannot copy the map into {dest}: {e.strerror}; check the blog folder is writable"
        ) from None
    return dest
