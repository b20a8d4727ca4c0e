"""The benchmark corpus (scripts/make_corpus.py): deterministic, valid, and as varied as real content."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from voices.content.loading import load_archive

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
from make_corpus import slug_of, write_corpus

COUNT = 210  # enough for a draft (199), a withdrawal (99), an old address (7, 107) and photos


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root, COUNT)
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "stories").rglob("*"))
        if p.is_file()
    }


def test_the_same_count_gives_byte_identical_files(corpus: Path, tmp_path: Path) -> None:
    write_corpus(tmp_path / "again", COUNT)
    assert _files(corpus) == _files(tmp_path / "again")
    assert len(_files(corpus)) >= COUNT


def test_the_corpus_passes_the_archive_checks(corpus: Path) -> None:
    archive, problems = load_archive(corpus)
    assert [str(p) for p in problems] == []
    assert len(archive.stories) == COUNT
    assert (
        len({a for s in archive.stories.values() for a in s.meta.areas}) > 100
    )  # spread over the real areas
    statuses = [s.meta.status for s in archive.stories.values()]
    assert statuses.count("draft") == 1 and statuses.count("withdrawn") == 1


def test_the_command_line_validates_clean(corpus: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "voices", "check"],
        cwd=corpus,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_stories_read_like_long_generated_stories(corpus: Path) -> None:
    archive, _ = load_archive(corpus)
    published = [s for s in archive.stories.values() if s.meta.status == "published"]
    words = sorted(len(s.body.split()) for s in published)
    assert 650 <= words[len(words) // 2] <= 1000
    for story in published:
        assert story.meta.title.startswith(f"Example story {story.slug[-5:]}: ")
        assert "describes no real event, place or person" in story.body
        assert len(re.findall(r"^## ", story.body, re.MULTILINE)) >= 3
        assert re.search(r"^- ", story.body, re.MULTILINE)
    vocabulary = {w for s in published for w in re.findall(r"[a-z]{5,}", s.body)}
    assert len(vocabulary) > 3000  # a long tail of rarer words, so search is not degenerate


def test_links_point_at_published_generated_stories(corpus: Path) -> None:
    archive, _ = load_archive(corpus)
    targets = [
        t for s in archive.stories.values() for t in re.findall(r"\(story:([a-z0-9-]+)\)", s.body)
    ]
    assert len(targets) > COUNT
    assert all(archive.stories[t].meta.status == "published" for t in targets)
    assert all(
        re.search(r"\(area:[a-z0-9-]+\)", s.body)
        for s in archive.stories.values()
        if s.body.strip()
    )


def test_some_stories_are_folders_with_a_photo_and_alt_text(corpus: Path) -> None:
    archive, _ = load_archive(corpus)
    with_photo = [s for s in archive.stories.values() if s.meta.image]
    assert 3 <= len(with_photo) <= 25
    for story in with_photo:
        assert (story.folder / story.meta.image.src).read_bytes()[:3] == b"\xff\xd8\xff"
        assert story.meta.image.alt.startswith("Generated picture")


def test_named_people_are_plainly_fictitious_and_have_consent(corpus: Path) -> None:
    archive, _ = load_archive(corpus)
    interviews = [s for s in archive.stories.values() if s.meta.kind == "interview"]
    assert interviews
    for story in interviews:
        assert story.meta.people == [f"Example Resident {story.slug[-5:]}"]
        assert story.meta.consent is not None


def test_an_old_address_is_kept(corpus: Path) -> None:
    archive, _ = load_archive(corpus)
    assert archive.stories[slug_of(7)].meta.aliases == [f"/stories/old-{slug_of(7)}/"]


def test_bad_usage_prints_how_to_call_it() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_corpus.py"), "many"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "make_corpus.py N DIR" in result.stderr
