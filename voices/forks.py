"""Share work out over every core by forking the running process.

A fork starts with everything the build has loaded (settings, files, hooks), so nothing has
to be passed to it; it sends back only a short report. Used to convert pages ahead of the
generator and to encode photos.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")


def usable_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def can_fork() -> bool:
    """Whether forking is available (not on Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


def in_forks(items: Sequence[Item], work: Callable[[Sequence[Item]], str], workers: int) -> list[str]:
    """Run ``work`` on ``workers`` shares of ``items`` at once: every share but the first in a
    fork of this process, the first here. Returns each fork's report (what ``work`` returned
    there; empty if the fork failed), once all have ended."""
    children = []
    for share in range(1, workers):
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # a fork: do its share, send its report, leave without exit handlers
            try:
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
