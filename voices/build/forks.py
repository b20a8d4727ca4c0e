"""Share work out over every core by forking the running process.

A fork starts with everything the build has loaded (settings, files, hooks), so nothing has
to be passed to it; it sends back only a short report. Used to convert pages ahead of the
generator and to encode photos.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")


def usable_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def can_fork() -> bool:
    """Whether forking is available (not on Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


def _end_with_parent() -> None:
    """Ask Linux to stop this fork when the build that made it ends (stopped or killed), so no
    fork goes on converting pages for a build nobody waits for."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def in_forks(
    items: Sequence[Item], work: Callable[[Sequence[Item]], str], workers: int
) -> list[str]:
    """Run ``work`` on ``workers`` shares of ``items`` at once: every share but the first in a
    fork of this process, the first here. Returns each fork's report (what ``work`` returned
    there; empty if the fork failed), once all have ended."""
    children = []
    for share in range(1, workers):
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # a fork: do its share, send its report, leave without exit handlers
            try:
                _end_with_parent()
                os.close(reader)
                os.write(writer, work(items[share::workers]).encode())
            finally:
                os._exit(0)
        os.close(writer)
        children.append((pid, reader))
    reports = []
    try:
        work(items[0::workers])
    finally:
        for pid, reader in children:
            with os.fdopen(reader, "rb") as pipe:
                reports.append(pipe.read().decode())
            os.waitpid(pid, 0)
    return reports
