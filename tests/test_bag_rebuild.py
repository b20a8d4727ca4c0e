"""A preservation package rebuilds its site: unpacked in a clean folder, installed from its own
lock into a fresh virtual environment, following data/README.txt, it gives the same pages with
the same sitemap dates, though it carries no git history. The archive holds the real guide
(which shows the story template) and source files dated years ago."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ENV, REPO, TinyArchive, mkdocs_build
from test_markdown_tree import write_preservation_archive
from test_offline import make_offline_site

from voices.cli import main

OLD = 1_262_304_000  # 1 January 2010, long before any rebuild


def sitemap_dates(site: Path) -> dict[str, str]:
    text = (site / "sitemap.xml").read_text(encoding="utf-8")
    return dict(re.findall(r"<loc>([^<]+)</loc>\s*<lastmod>([^<]+)</lastmod>", text))


def html_files(site: Path) -> set[str]:
    return {f.relative_to(site).as_posix() for f in site.rglob("*.html")}


def test_a_bag_unpacked_elsewhere_rebuilds_the_same_site(tmp_path):
    (tmp_path / "archive").mkdir()
    tiny = TinyArchive(tmp_path / "archive")
    write_preservation_archive(tiny)
    root = make_offline_site(tiny)
    for name in ("requirements.lock", "pyproject.toml"):
        shutil.copy(REPO / name, root / name)
    for folder in ("voices", "scripts"):  # the code, as a clone has it
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "stories" / "_template.md").write_text(
        (REPO / "stories" / "_template.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    shutil.copytree(REPO / "docs" / "guide", root / "docs" / "guide")  # shows the template
    shutil.copytree(
        REPO / "docs" / "policies", root / "docs" / "policies", dirs_exist_ok=True
    )  # it links to them
    for file in root.rglob("*"):
        if file.is_file():
            os.utime(file, (OLD, OLD))
    original = tmp_path / "original"
    result = mkdocs_build(root / "mkdocs.yml", original)
    assert result.returncode == 0, result.stderr
    assert set(sitemap_dates(original).values()) == {"2010-01-01"}

    assert main(["--root", str(root), "bag", str(tmp_path / "bag")]) == 0
    # Unpacked somewhere else, as data/README.txt says: data/sources with the lock beside it.
    clean = tmp_path / "elsewhere" / "sources"
    shutil.copytree(tmp_path / "bag" / "data" / "sources", clean)
    shutil.copy(tmp_path / "bag" / "data" / "requirements.lock", clean / "requirements.lock")
    venv = tmp_path / "elsewhere" / "venv"
    env = {key: value for key, value in ENV.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH")}

    def run(*command: str) -> None:
        done = subprocess.run(
            command, cwd=clean, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, (
            f"{' '.join(command)}:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )

    run(sys.executable, "-m", "venv", str(venv))
    run(
        str(venv / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--require-hashes",
        "-r",
        "requirements.lock",
    )
    run(str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps", "-e", ".")
    run(str(venv / "bin" / "voices"), "check")
    run(str(venv / "bin" / "mkdocs"), "build", "--strict")
    rebuilt = clean / "site"
    assert html_files(rebuilt) == html_files(original)
    assert sitemap_dates(rebuilt) == sitemap_dates(original)
    assert "Example:" in (rebuilt / "guide" / "index.html").read_text(
        encoding="utf-8"
    )  # the template, shown
