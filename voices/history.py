"""When each content file last changed, for the sitemap's ``lastmod``: from git, in one call.

Falls back to the file's modification time outside a git work tree (a downloaded copy, a
preservation package) or for files not yet committed.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path


def last_modified(root: Path) -> dict[str, dt.date]:
    """Repository-relative path → date of the last commit that touched it."""
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "log", "--format=%x00%cs", "--name-only", "--no-renames", "--", "."],
            capture_output=True, text=True, check=True, timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[str, dt.date] = {}
    current: dt.date | None = None
    for line in result.stdout.splitlines():
        if line.startswith("\x00"):
            current = dt.date.fromisoformat(line[1:])
        elif line and current is not None:
            dates.setdefault(line, current)  # newest commits come first
    return dates


def file_date(root: Path, path: str, known: dict[str, dt.date]) -> dt.date | None:
    """The last-modified date of one file: git's when known, else the file system's."""
    if path in known:
        return known[path]
    try:
        return dt.date.fromtimestamp((root / path).stat().st_mtime)
    except OSError:
        return None
