"""``voices bag``: the BagIt preservation package, made from a tiny archive with a published, a
draft and a withdrawn story, a photo with camera metadata and a photo nobody uses."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import bagit
import pytest
from conftest import REPO, TinyArchive, mkdocs_build
from PIL import Image
from test_markdown_tree import DRAFT_WORD, WITHDRAWN_WORD, write_preservation_archive
from test_offline import make_offline_site

from voices.build.session import SiteBuild
from voices.cli import main
from voices.content.loading import load_archive
from voices.media.images import IMAGE_SUFFIXES


@pytest.fixture(scope="module")
def archive_root(tmp_path_factory) -> Path:
    tiny = TinyArchive(tmp_path_factory.mktemp("archive"))
    write_preservation_archive(tiny)
    root = make_offline_site(tiny)
    for name in ("requirements.lock", "pyproject.toml"):
        shutil.copy(REPO / name, root / name)
    return root


@pytest.fixture(scope="module")
def bag(archive_root, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bags") / "voices-bag"
    assert main(["--root", str(archive_root), "bag", str(out)]) == 0
    return out


def files_of(folder: Path) -> list[Path]:
    return [f for f in folder.rglob("*") if f.is_file()]


def test_the_bag_validates_with_sha256_and_sha512(bag):
    made = bagit.Bag(str(bag))
    made.validate()  # raises on any missing, extra or changed file
    assert set(made.algorithms) == {"sha256", "sha512"}
    assert (bag / "manifest-sha512.txt").is_file() and (bag / "tagmanifest-sha256.txt").is_file()
    assert len(made.payload_entries()) > 50


def test_a_changed_or_missing_file_fails_validation(bag, tmp_path):
    changed = tmp_path / "changed"
    shutil.copytree(bag, changed)
    page = changed / "data" / "site" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Home", "Hone", 1), encoding="utf-8")
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(changed)).validate()
    missing = tmp_path / "missing"
    shutil.copytree(bag, missing)
    (missing / "data" / "exports" / "stories.csv").unlink()
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(missing)).validate()


def test_nothing_of_drafts_or_withdrawn_stories_is_anywhere_in_the_bag(bag):
    for file in files_of(bag):
        data = file.read_bytes()
        if file.suffix == ".gz":
            data = gzip.decompress(data)
        text = data.decode("utf-8", "replace")
        for word in (DRAFT_WORD, WITHDRAWN_WORD, "Secret plans"):
            assert word not in text, f"{file.relative_to(bag)} contains {word}"
    sources = bag / "data" / "sources" / "stories"
    assert not (sources / "secret.md").exists() and not (sources / "secret").exists()
    assert not list(bag.rglob("plan*.jpg"))  # the draft's photo


def test_no_image_in_the_bag_carries_metadata(bag):
    images = [f for f in files_of(bag) if f.suffix.lower() in IMAGE_SUFFIXES]
    assert any(
        f.parent.name == "garden" and f.name == "garden.jpg" for f in images
    )  # the scrubbed original
    assert not [f for f in images if f.name == "spare.jpg"]  # in the folder, used by nothing
    for image in images:
        data = image.read_bytes()
        assert b"GPS" not in data and b"ExampleCam" not in data, image
        with Image.open(image) as opened:
            assert not opened.getexif() and "exif" not in opened.info, image


def test_the_site_opens_from_disk_and_passes_the_leak_audit(bag, archive_root):
    site = bag / "data" / "site"
    assert (site / "index.html").is_file() and (
        site / "stories" / "garden" / "index.html"
    ).is_file()
    assert (site / "search.html").is_file() and not (site / "pagefind").exists()
    built, problems = SiteBuild.load(archive_root)
    assert problems == [] and built.audit(site) == []


def test_exports_readme_and_bag_info(bag):
    exports = bag / "data" / "exports"
    stories = (exports / "stories.csv").read_text(encoding="utf-8")
    assert (
        "garden" in stories
        and "buses" in stories
        and "secret" not in stories
        and "gone" not in stories
    )
    for name in (
        "stories.json",
        "areas.csv",
        "areas.json",
        "datapackage.json",
        "story.schema.json",
    ):
        assert (exports / name).is_file(), name
    assert (bag / "data" / "requirements.lock").read_text() == (
        REPO / "requirements.lock"
    ).read_text()
    readme = (bag / "data" / "README.txt").read_text(encoding="utf-8")
    for needed in (
        "Open data/site/index.html",
        "Python 3.11.5",
        "pip install --require-hashes -r requirements.lock",
        "mkdocs build",
        "voices assemble",
    ):
        assert needed in readme, needed
    info = bagit.Bag(str(bag)).info
    assert info["Source-Organization"].startswith(
        "[To be confirmed"
    )  # from archive.yml, for custodians to fill
    assert info["External-Identifier"] == "https://example.org/voices-of-big-local/"
    assert "2 published stories" in info["External-Description"] and info["Bagging-Date"]


def test_the_sources_check_clean_and_rebuild_the_site(bag, tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(bag / "data" / "sources", sources)
    archive, problems = load_archive(sources)
    assert problems == []
    assert {s.slug for s in archive.stories.values() if s.meta.status == "published"} == {
        "garden",
        "buses",
    }
    notice = (sources / "stories" / "gone.md").read_text(encoding="utf-8")
    assert "status: withdrawn" in notice and "Gone story" in notice and "#" not in notice
    assert sorted(p.name for p in (sources / "stories" / "garden").iterdir()) == [
        "garden.jpg",
        "index.md",
        "report.pdf",
    ]
    result = mkdocs_build(sources / "mkdocs.yml", tmp_path / "rebuilt")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "rebuilt" / "stories" / "garden" / "index.html").is_file()


def test_an_existing_folder_with_files_is_refused(archive_root, tmp_path, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "mine.txt").write_text("keep", encoding="utf-8")
    assert main(["--root", str(archive_root), "bag", str(tmp_path / "out")]) == 2
    assert "is not an empty folder" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["mine.txt"]


def test_a_site_that_is_not_an_offline_copy_is_refused(archive_root, tmp_path, capsys):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<html></html>", encoding="utf-8")
    assert (
        main(
            [
                "--root",
                str(archive_root),
                "bag",
                str(tmp_path / "out"),
                "--site",
                str(tmp_path / "site"),
            ]
        )
        == 2
    )
    assert "is not an offline copy" in capsys.readouterr().err
