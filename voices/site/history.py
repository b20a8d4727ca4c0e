"""When each content file last changed, for the sitemap's ``lastmod``: from git, in one call.

Outside a git work tree, a preservation package carries the dates in ``last-modified.txt``
(``write_dates``), so a rebuild from it keeps them; otherwise, or for files not yet committed,
the file's modification time.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterable
from pathlib import Path

from voices.content.paths import DATES_FILE


def last_modified(root: Path) -> dict[str, dt.date]:
    """Repository-relative path → date of the last commit that touched it (or, without git
    history for it, the date the dates file carries)."""
    return {**read_dates(root), **_git_dates(root)}


def read_dates(root: Path) -> dict[str, dt.date]:
    """The dates file's ``YYYY-MM-DD path`` lines; lines that are not are skipped."""
    dates: dict[str, dt.date] = {}
    try:
        lines = (root / DATES_FILE).read_text(encoding="utf-8").splitlines()
    except OSError:
        return dates
    for line in lines:
        day, _, path = line.partition(" ")
        try:
            dates[path] = dt.date.fromisoformat(day)
        except ValueError:
            continue
    return dates


def write_dates(root: Path, out: Path, paths: Iterable[str]) -> None:
    """Write into ``out`` the dates file for ``paths`` (relative to ``root``), as the site uses them."""
    known = last_modified(root)
    lines = [f"{date.isoformat()} {path}" for path in sorted(paths) if (date := file_date(root, path, known))]
    (out / DATES_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _git_dates(root: Path) -> dict[str, dt.date]:
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
