"""Files that content points at or holds (issue 15, items 2, 3, 4, 6, 14): only allow-listed,
really-what-they-say files from inside the page's own folder are used, every file in a folder is
inspected, and the build publishes nothing the checks would refuse."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
import yaml
from conftest import REPO, SMALL_JPEG, SMALL_MP3, SMALL_MP4, SMALL_PDF, mkdocs_build
from PIL import Image
from test_media_files import gps_exif, mp4_with_location
from test_site_pages import make_site, story

from voices.content.body_targets import EXTENSION_CONFIGS, EXTENSIONS, body_targets
from voices.content.file_types import ALLOWED_TYPES_HINT
from voices.content.loading import load_archive
from voices.media.site_images import used_files

RLO = "\u202e"


def gps_jpeg() -> bytes:
    photo = io.BytesIO()
    Image.new("RGB", (16, 16), "green").save(photo, "JPEG", exif=gps_exif())
    return photo.getvalue()


def folder_story(
    tiny, more: str = "", body: str = "", files: dict[str, bytes] | None = None, slug: str = "s"
):
    return tiny.story(slug, story("A story", "2019", more=more, body=body), files=files or {})


def problems_about(tiny, text: str) -> list[str]:
    return [str(p) for p in tiny.problems() if text in str(p)]


def one(tiny, text: str):
    found = [p for p in tiny.problems() if text in str(p)]
    assert len(found) == 1, [str(p) for p in tiny.problems()]
    return found[0]


# --- item 2: types on the allow-list, and what the bytes say --------------------------------


def test_an_html_attachment_is_refused_naming_file_line_and_allowed_types(tiny):
    folder_story(
        tiny,
        "attachments:\n  - src: evil.html\n    title: Report\n",
        files={"evil.html": b"<script>alert(1)</script>"},
    )
    problem = one(tiny, "evil.html")
    assert (
        problem.path == "stories/s/index.md"
        and problem.line == 8
        and problem.field == "attachments[1].src"
    )
    assert "cannot publish" in problem.message and problem.hint == ALLOWED_TYPES_HINT


@pytest.mark.parametrize(
    "body",
    [
        "Run [this](script.js).",
        "Run [this][r].\n\n[r]: script.js",
        'Run <span markdown="1">[this](./script.js)</span>.',
        "Run [this](script.js#top).",
    ],
)
def test_a_body_link_to_a_script_is_refused_with_its_line(tiny, body):
    folder_story(tiny, body=body, files={"script.js": b"alert(1)"})
    problem = one(tiny, "body: the file ")
    assert "script.js" in problem.message and problem.hint == ALLOWED_TYPES_HINT
    assert problem.line == 9 + body.count(
        "\n"
    )  # the line the address is written on (reference: its definition)
    assert not [
        p for p in tiny.problems() if p.path == "stories/s/script.js"
    ]  # said once, where it is used


@pytest.mark.parametrize(
    "name, content, inside",
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>", "web page"),
        ("film.mp4", b"<!DOCTYPE html><script>alert(1)</script>", "web page"),
        ("notes.txt", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "web page"),
        ("notes.txt", b"\xff\xfe<\0s\0v\0g\0 \0o\0n\0l\0o\0a\0d\0=\0x\0>\0", "web page"),  # UTF-16
        ("data.csv", b"\x89PNG\r\n\x1a\n" + bytes(40), "a PNG file"),
        ("talk.mp3", SMALL_MP4, "MP4"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(tiny, name, content, inside):
    folder_story(tiny, f"attachments:\n  - src: {name}\n    title: Report\n", files={name: content})
    problem = one(tiny, name)
    assert (
        problem.line == 8
        and f"ends in {Path(name).suffix}" in problem.message
        and inside in problem.message
    )


def test_captions_must_really_be_webvtt(tiny):
    folder_story(
        tiny,
        "media:\n  - src: film.mp4\n    type: video\n    transcript: Words.\n    captions: film.vtt\n",
        files={"film.mp4": SMALL_MP4, "film.vtt": b"<html><script>alert(1)</script>"},
    )
    assert "film.vtt" in str(one(tiny, "media[1].captions"))


def test_control_characters_in_names_are_refused_in_content_and_in_folders(tiny):
    name = f"report{RLO}fdp.exe"
    folder_story(
        tiny, f'attachments:\n  - src: "{name}"\n    title: Report\n', files={name: SMALL_PDF}
    )
    found = [p for p in tiny.problems() if "control character (U+202E)" in p.message]
    assert {(p.path, p.field) for p in found} == {
        ("stories/s/index.md", "attachments[1].src"),
        (f"stories/s/{name}", "file"),
    }


def test_unreferenced_files_that_are_not_allowed_types_are_refused(tiny):
    folder_story(
        tiny,
        files={
            "page.html": b"<p>hi</p>",
            "tool.exe": b"MZ",
            "notes": b"x",
            "ok.pdf": SMALL_PDF,
            "transcript.md": b"Words.",
        },
    )
    refused = {p.path: p for p in tiny.problems()}
    assert set(refused) == {"stories/s/page.html", "stories/s/tool.exe", "stories/s/notes"}
    assert refused["stories/s/page.html"].hint.endswith(ALLOWED_TYPES_HINT)


def test_an_unreferenced_pdf_that_is_html_is_refused(tiny):
    folder_story(tiny, files={"old.pdf": b"<!doctype html><title>x</title>"})
    assert "a browser could run as a page" in one(tiny, "stories/s/old.pdf").message


# --- item 4: nothing loads from another site, however the image is written -------------------


@pytest.mark.parametrize(
    "body, line",
    [
        ("![Counter][r]\n\n[r]: https://tracker.example/r.gif", 11),
        ("![Counter][r]\n\n[r]: //tracker.example/r.gif", 11),
        ('![Counter][r]\n\n[r]: <https://tracker.example/r.gif> "Title"', 11),
        ("![Counter]\n\n[counter]: https://tracker.example/r.gif", 11),
        ("- item\n\n    ![Counter](https://tracker.example/r.gif)", 11),  # inside a list, not code
    ],
)
def test_remote_images_are_refused_however_they_are_written(tiny, body, line):
    folder_story(tiny, body=body)
    problem = one(tiny, "tracker.example")
    assert problem.line == line and "load nothing from other sites" in problem.message


def test_remote_links_and_code_examples_are_fine(tiny):
    body = (
        "[A site](https://example.org/page) and [r].\n\n[r]: https://example.org/report.pdf\n\n"
        "```\n![x](https://tracker.example/r.gif)\n```\n\n`![x][r]`"
    )
    folder_story(tiny, body=body)
    assert tiny.problems() == []


def test_raw_html_resource_loads_are_refused(tiny):
    body = (
        '<video poster="https://tracker.example/p.jpg"></video>\n\n'
        '<img alt="x" srcset="https://tracker.example/a.jpg 2x">\n\n'
        '<picture><source srcset="//tracker.example/b.webp"></picture>'
    )
    folder_story(tiny, body=body)
    remote = [p for p in tiny.problems() if "load nothing from other sites" in p.message]
    assert {p.line for p in remote} == {9, 11, 13}


def test_body_targets_use_the_same_extensions_as_mkdocs():
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    site = {
        next(iter(e)) if isinstance(e, dict) else e: (
            e[next(iter(e))] if isinstance(e, dict) else {}
        )
        for e in config["markdown_extensions"]
    }
    assert set(site) - {"pymdownx.snippets"} == set(EXTENSIONS)  # snippets: never on content
    for name, options in EXTENSION_CONFIGS.items():
        assert {k: site[name][k] for k in options} == options


def test_body_targets_reads_every_address_outside_code():
    body = (
        '![a](a.jpg) [b][r] <https://c.example/> <b title="t" markdown="1">[d](d.pdf)</b>\n\n'
        "[r]: b.pdf\n\n    [not](code.pdf)\n\n`[not](span.pdf)`\n"
    )
    urls = {t.url for t in body_targets(body)}
    assert urls == {"a.jpg", "b.pdf", "https://c.example/", "d.pdf"}


# --- item 3: every reference stays inside the folder ---------------------------------------


@pytest.mark.parametrize(
    "value",
    ["../secret-draft.md", "/etc/secret.txt", "sub/../../secret-draft.md", "..\\\\secret-draft.md"],
)
def test_a_transcript_outside_the_folder_is_refused(tiny, value):
    (tiny.root / "stories" / "secret-draft.md").write_text("Private words.", encoding="utf-8")
    folder_story(
        tiny,
        f'media:\n  - src: talk.mp3\n    type: audio\n    transcript: "{value}"\n',
        files={"talk.mp3": SMALL_MP3},
    )
    problem = one(tiny, "media[1].transcript")
    assert problem.line == 10 and "outside the story's folder" in problem.message


def test_a_symlinked_transcript_inside_the_folder_is_refused(tiny, tmp_path):
    outside = tmp_path / "draft.md"
    outside.write_text("Private words.", encoding="utf-8")
    path = folder_story(
        tiny,
        "media:\n  - src: talk.mp3\n    type: audio\n    transcript: words.md\n",
        files={"talk.mp3": SMALL_MP3},
    )
    (path.parent / "words.md").symlink_to(outside)
    assert "outside the story's folder" in one(tiny, "media[1].transcript").message
    assert "symbolic link" in one(tiny, "stories/s/words.md").message


def test_a_link_inside_the_folder_to_a_file_inside_it_is_refused_too(tiny):
    path = folder_story(
        tiny,
        "attachments:\n  - src: copy.pdf\n    title: Report\n",
        files={"report.pdf": SMALL_PDF},
    )
    (path.parent / "copy.pdf").symlink_to(path.parent / "report.pdf")
    assert "symbolic link" in one(tiny, "attachments[1].src").message


def test_symlinked_story_files_and_folders_are_refused(tiny, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "folder").mkdir(parents=True)
    (elsewhere / "draft.md").write_text(story("Linked", "2019"), encoding="utf-8")
    (elsewhere / "folder" / "index.md").write_text(story("Linked folder", "2019"), encoding="utf-8")
    stories = tiny.root / "stories"
    (stories / "linked.md").symlink_to(elsewhere / "draft.md")
    (stories / "linked-folder").symlink_to(elsewhere / "folder")
    (stories / "inner").mkdir()
    (stories / "inner" / "index.md").symlink_to(elsewhere / "draft.md")
    (tiny.root / "areas" / "linked-area.md").symlink_to(elsewhere / "draft.md")
    found = {p.path for p in tiny.problems() if "symbolic link" in p.message}
    assert found == {
        "stories/linked.md",
        "stories/linked-folder",
        "stories/inner/index.md",
        "areas/linked-area.md",
    }
    archive, _ = load_archive(tiny.root)
    assert not archive.stories and "linked-area" not in archive.areas


def test_a_symlinked_subfolder_is_refused(tiny, tmp_path):
    path = folder_story(tiny)
    (path.parent / "more").symlink_to(tmp_path)
    assert "symbolic link" in one(tiny, "stories/s/more").message


# --- item 6: every file is inspected, named or not, whatever its name ------------------------


def test_an_unreferenced_photo_with_gps_is_refused(tiny):
    folder_story(tiny, files={"spare.jpg": gps_jpeg()})
    problem = one(tiny, "stories/s/spare.jpg")
    assert (
        "location (GPS)" in problem.message and "voices scrub stories/s/spare.jpg" in problem.hint
    )


def test_a_photo_used_only_through_a_reference_image_is_inspected(tiny):
    folder_story(tiny, body="![A photo][p]\n\n[p]: photo.jpg", files={"photo.jpg": gps_jpeg()})
    problem = one(tiny, "photo.jpg")
    assert problem.line == 11 and "location (GPS)" in problem.message


def test_a_clean_reference_image_is_asked_to_be_written_in_place(tiny):
    folder_story(tiny, body="![A photo][p]\n\n[p]: photo.jpg", files={"photo.jpg": SMALL_JPEG})
    problem = one(tiny, "photo.jpg")
    assert problem.line == 11 and "![what it shows](photo.jpg)" in problem.hint


@pytest.mark.parametrize("name", ["film.webm", "film.mkv", "film.bin", "film.pdf"])
def test_an_mp4_with_a_place_is_refused_whatever_it_is_called(tiny, name):
    folder_story(tiny, files={name: mp4_with_location()})
    assert any(p.path == f"stories/s/{name}" for p in tiny.problems())


def test_a_gps_photo_renamed_as_a_document_is_refused(tiny):
    folder_story(
        tiny, "attachments:\n  - src: map.pdf\n    title: Map\n", files={"map.pdf": gps_jpeg()}
    )
    assert "map.pdf" in one(tiny, "attachments[1].src").message


def test_area_folders_are_inspected_too(tiny):
    folder = tiny.root / "areas" / "ramsey"
    folder.mkdir()
    (tiny.root / "areas" / "ramsey.md").rename(folder / "index.md")
    (folder / "spare.jpg").write_bytes(gps_jpeg())
    (folder / "page.svg").write_bytes(b"<svg onload='alert(1)'/>")
    assert {p.path for p in tiny.problems()} == {"areas/ramsey/spare.jpg", "areas/ramsey/page.svg"}


# --- item 14: no file takes the name of one the build writes ---------------------------------


@pytest.mark.parametrize("name", ["index.md", "INDEX.HTML", "Feed.xml"])
def test_a_file_named_like_a_generated_page_is_refused(tiny, name):
    folder_story(
        tiny, f"attachments:\n  - src: {name}\n    title: Report\n", files={"report.pdf": SMALL_PDF}
    )
    if name != "index.md":
        (tiny.root / "stories" / "s" / name).write_text("<p>x</p>", encoding="utf-8")
    problem = one(tiny, "attachments[1].src")
    assert name in problem.message and (
        "makes itself" in problem.message or "cannot publish" in problem.message
    )


def test_files_that_would_be_published_under_one_name_are_refused(tiny):
    folder_story(
        tiny,
        "image:\n  src: garden.jpg\n  alt: A garden\nattachments:\n  - src: report.pdf\n    title: A\n"
        "  - src: Report.PDF\n    title: B\n",
        body="![Beds](garden.png)",
        files={
            "garden.jpg": SMALL_JPEG,
            "garden.png": SMALL_JPEG,
            "report.pdf": SMALL_PDF,
            "Report.PDF": SMALL_PDF,
        },
    )
    clashes = {
        (p.line, p.field) for p in tiny.problems() if "published under one name" in p.message
    }
    assert clashes == {(13, "attachments[2].src"), (17, "body")}


# --- the build publishes nothing the checks refuse -------------------------------------------


def test_the_build_refuses_and_publishes_none_of_the_bad_files(tiny):
    (tiny.root / "stories" / "secret-draft.md").write_text(
        story("Secret draft", "2019", more="status: draft\n", body="Quokkaphrenic words."),
        encoding="utf-8",
    )
    folder_story(
        tiny,
        "attachments:\n  - src: evil.html\n    title: Report\n"
        "media:\n  - src: talk.mp3\n    type: audio\n    transcript: ../secret-draft.md\n",
        body="[Run](script.js) ![Counter][r]\n\n[r]: https://tracker.example/r.gif",
        files={
            "evil.html": b"<script>alert(1)</script>",
            "script.js": b"alert(1)",
            "talk.mp3": SMALL_MP3,
            "spare.jpg": gps_jpeg(),
        },
    )
    root = make_site(tiny)
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode == 1
    for name in ("evil.html", "script.js", "tracker.example", "secret-draft.md", "spare.jpg"):
        assert name in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "site" / "stories" / "s").exists()


def test_the_build_itself_takes_only_allowed_files_from_inside_the_folder(tiny, tmp_path):
    """Defence in depth: were the checks bypassed, ``used_files`` (what the build copies and the
    bag packs) still leaves out every file the checks refuse."""
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(SMALL_PDF)
    path = folder_story(
        tiny,
        "attachments:\n  - src: evil.html\n    title: A\n  - src: report.pdf\n    title: B\n"
        "  - src: link.pdf\n    title: C\n  - src: INDEX.HTML\n    title: D\n",
        body="[a](script.js) [b](../other.pdf) [c](notes.txt) [d][r]\n\n[r]: page.svg",
        files={
            "evil.html": b"<p>",
            "report.pdf": SMALL_PDF,
            "script.js": b"x",
            "notes.txt": b"hi",
            "page.svg": b"<svg/>",
            "INDEX.HTML": b"<p>",
        },
    )
    (path.parent / "link.pdf").symlink_to(outside)
    archive, problems = load_archive(tiny.root)
    assert problems  # the checks refuse them all; the build's own list must too
    assert used_files(archive.stories["s"]) == ["report.pdf", "notes.txt"]


def test_the_transcript_reader_never_reads_outside_the_folder(tiny):
    from voices.site.page_set import build_pages
    from voices.site.plan import plan_site

    (tiny.root / "stories" / "secret-draft.md").write_text("Quokkaphrenic words.", encoding="utf-8")
    folder_story(
        tiny,
        "media:\n  - src: talk.mp3\n    type: audio\n    transcript: ../secret-draft.md\n",
        files={"talk.mp3": SMALL_MP3},
    )
    archive, problems = load_archive(tiny.root)
    assert any(p.field == "media[1].transcript" for p in problems)
    # Even with the checks bypassed, the page shows the value as text and reads nothing outside.
    pages = build_pages(archive, plan_site(archive))
    assert not any("Quokkaphrenic" in page.markdown for page in pages)


def test_a_good_folder_story_still_builds_with_its_files(tiny):
    vtt = b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello.\n"
    folder_story(
        tiny,
        "image:\n  src: hero.jpg\n  alt: A garden\nattachments:\n  - src: report.pdf\n    title: Report\n"
        "media:\n  - src: film.mp4\n    type: video\n    transcript: words.txt\n    captions: film.vtt\n",
        body="Read [the notes](notes.csv).\n\n![A bed](bed.jpg)",
        files={
            "hero.jpg": SMALL_JPEG,
            "bed.jpg": SMALL_JPEG,
            "report.pdf": SMALL_PDF,
            "film.mp4": SMALL_MP4,
            "film.vtt": vtt,
            "words.txt": b"Spoken words.",
            "notes.csv": b"a,b\n1,2\n",
        },
    )
    assert tiny.problems() == []
    root = make_site(tiny)
    result = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert result.returncode == 0, result.stderr
    published = sorted(os.listdir(root / "site" / "stories" / "s"))
    assert {"report.pdf", "film.mp4", "film.vtt", "notes.csv"} <= set(published)
    assert (
        "hero.jpg" not in published and "bed.jpg" not in published and "words.txt" not in published
    )
