"""One build at a time in a folder.

Two builds of the same folder would move and empty each other's site and share the caches in
``.cache/`` as they are written; the second used to die halfway with FileExistsError. A build
takes this lock first and holds it to the end; a second one stops at once with a message. The
lock is the operating system's (``flock``): a build that is killed releases it as it exits.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # Windows: no flock; builds there are not guarded
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = Path(".cache") / "build.lock"


class BuildBusy(Exception):
    """Another build holds the folder's lock; the message says what to do."""


class BuildLock:
    """The lock on a folder's builds, from ``take`` until ``release`` (or the process ends)."""

    def __init__(self, handle: IO[str] | None) -> None:
        self._handle = handle

    @classmethod
    def take(cls, root: Path) -> BuildLock:
        """Take the lock of the archive at ``root``; raises BuildBusy when a build holds it."""
        if fcntl is None:
            return cls(None)
        path = root / LOCK_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            handle.close()
            who = f" (process {holder})" if holder.isdigit() else ""
            raise BuildBusy(
                f"another build is running in this folder{who}; wait for it to finish, or stop "
                f"it, then build again (the lock is {LOCK_FILE.as_posix()})"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")  # which process to wait for, for the message above
        handle.flush()
        return cls(handle)

    def release(self) -> None:
        """Let the next build in; releasing twice is harmless."""
        if self._handle is not None and fcntl is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)  # also for forked workers sharing the file
            self._handle.close()
        self._handle = None
