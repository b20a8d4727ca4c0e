"""Shared fixtures: a tiny archive in a temporary folder, built from the real settings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from voices.content.loading import load_archive
from voices.content.problems import Problem

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

GOOD_STORY = """\
---
title: A good story
date: 2019-06-14
summary: A short summary.
areas: [par-bay]
themes: [environment]
---

The story's text.
"""


def _small_jpeg() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


SMALL_JPEG = _small_jpeg()  # a real, metadata-free photo for stories that need one
# The smallest files the checks take for what their names say (they look at the first bytes).
SMALL_MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(413)
SMALL_MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00\x00\x00\x08free"
SMALL_PDF = b"%PDF-1.4\n%example\n%%EOF\n"
SMALL_VTT = b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello.\n"


class TinyArchive:
    """A throwaway archive: the repository's settings and taxonomy, two areas, no stories."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for name in ("archive.yml", "taxonomy.yml"):
            shutil.copy(REPO / name, root / name)
        (root / "stories").mkdir()
        (root / "areas").mkdir()
        (root / "docs").mkdir()
        (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
        self.area("par-bay", "---\nname: Par Bay\nregion: south-west\n---\n\nFacts.\n")
        self.area("ramsey", "---\nname: Ramsey\n---\n")

    def story(self, slug: str, text: str, files: dict[str, bytes] | None = None) -> Path:
        """Write a story; with ``files`` it becomes a folder with those files beside index.md."""
        text = textwrap.dedent(text)
        if files is None:
            path = self.root / "stories" / f"{slug}.md"
        else:
            folder = self.root / "stories" / slug
            folder.mkdir(parents=True, exist_ok=True)
            for name, content in files.items():
                (folder / name).write_bytes(content)
            path = folder / "index.md"
        path.write_text(text, encoding="utf-8")
        return path

    def area(self, slug: str, text: str) -> Path:
        path = self.root / "areas" / f"{slug}.md"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def problems(self) -> list[Problem]:
        return load_archive(self.root)[1]

    def only(self, field: str) -> Problem:
        """The single problem about ``field``; fails with the full list otherwise."""
        found = [p for p in self.problems() if p.field == field]
        assert len(found) == 1, (
            f"expected one problem for {field!r}, got: {[str(p) for p in self.problems()]}"
        )
        return found[0]


@pytest.fixture
def tiny(tmp_path: Path) -> TinyArchive:
    return TinyArchive(tmp_path)


def mkdocs_build(
    config: Path, site: Path, *extra: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """A strict build, run in ``cwd``."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(config),
            "-d",
            str(site),
            *extra,
        ],
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
        cwd=cwd,
    )


@pytest.fixture(scope="session")
def repo_site(tmp_path_factory) -> Path:
    """The repository's own site, built once for every test that only reads it."""
    site = tmp_path_factory.mktemp("site")
    result = mkdocs_build(REPO / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr
    return site
