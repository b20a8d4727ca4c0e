"""A content problem: one mistake in one file, reported with its line and a fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a content file, in words staff can act on."""

    path: str
    line: int
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.field}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def github_annotation(self) -> str:
        """The ``::error`` workflow command GitHub shows inline on a pull request."""
        body = f"{self.message} ({self.hint})" if self.hint else self.message
        title = f"{self.field}" if self.field else "content"
        return (
            f"::error file={_escape_property(self.path)},line={self.line},"
            f"title={_escape_property(title)}::{_escape_data(body)}"
        )


def relative_path(path: Path, root: Path) -> str:
    """The path as staff see it in the repository (forward slashes, relative to the root)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# GitHub's workflow-command escaping rules (toolkit/core/src/command.ts).
def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
