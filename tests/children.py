"""``graphkit`` commands in child processes forked from a server that has graphkit imported.

A test that kills or interrupts a build needs it in a process of its own. Starting an interpreter and importing
graphkit (requests, networkx, numpy) costs about 0.45 CPU-seconds a run; forking a server that has done it once
costs almost nothing. The child runs ``graphkit.cli:main``, the console script's own entry point, with the
environment it is given and its output in files. The console script itself is run by the tests that are about it
(``test_console_script_end_to_end``, ``test_console_script_and_module_run``, ``test_sigterm_is_one_line_and_exit_143``).
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# what a build imports, imported once in the fork server; and pytest, which each child would otherwise import again
# as the __main__ of `python -m pytest`
PRELOAD = (
    "pytest",
    *(
        f"graphkit.{m}"
        for m in (
            "cli",
            "pipeline",
            "render",
            "s2",
            "fetch",
            "graph",
            "layout",
            "export",
            "discover",
            "lineage",
        )
    ),
)
_context = None


def _run(args: list[str], env: dict, out: str, err: str) -> None:
    for k in [k for k in os.environ if k.startswith(("S2_", "GRAPHKIT_"))]:
        del os.environ[k]
    os.environ.update(env)
    for fd, path in ((1, out), (2, err)):
        os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
    from graphkit.cli import main

    sys.argv = ["graphkit", *args]
    main()


def _temp_file(suffix: str) -> str:
    fd, path = tempfile.mkstemp(prefix="graphkit-child-", suffix=suffix)
    os.close(fd)
    return path


class Child:
    """``graphkit ARGS`` as ``subprocess.Popen`` shows a process: ``poll``, ``send_signal``, ``wait``,
    ``communicate`` (stdout and stderr as text) and ``returncode`` (``-N`` when signal N ended it).

    ``env``: variables set for the command (graphkit's own, ``S2_*`` and ``GRAPHKIT_*``, are cleared first);
    ``capture``: keep its output for :meth:`communicate` (else it goes to ``/dev/null``).
    """

    def __init__(self, args: list[str], env: dict | None = None, capture: bool = True) -> None:
        global _context
        if _context is None:
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(list(PRELOAD))
        self._out = self._err = os.devnull
        if capture:
            self._out, self._err = (_temp_file(suffix) for suffix in (".out", ".err"))
        self.args = [str(a) for a in args]
        self.p = _context.Process(target=_run, args=(self.args, dict(env or {}), self._out, self._err))
        self.p.start()

    @property
    def returncode(self) -> int | None:
        return self.p.exitcode

    def poll(self) -> int | None:
        return self.p.exitcode

    def send_signal(self, sig: int) -> None:
        os.kill(self.p.pid, sig)

    def wait(self, timeout: float | None = None) -> int:
        self.p.join(timeout)
        if self.p.exitcode is None:
            raise subprocess.TimeoutExpired(["graphkit", *self.args], timeout)
        return self.p.exitcode

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        """Wait for the end; what the command wrote to stdout and to stderr."""
        self.wait(timeout)
        texts = []
        for path in (self._out, self._err):
            if path == os.devnull:
                texts.append("")
                continue
            texts.append(Path(path).read_text(encoding="utf-8", errors="replace"))
            os.unlink(path)
        self._out = self._err = os.devnull
        return texts[0], texts[1]
