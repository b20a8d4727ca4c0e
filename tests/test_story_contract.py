"""Every rule of the story contract, one bad file each: the file, line, field and hint."""

from __future__ import annotations

import pytest
from conftest import GOOD_STORY, SMALL_JPEG, SMALL_MP3, SMALL_MP4


def with_line(old: str, new: str) -> str:
    assert old in GOOD_STORY
    return GOOD_STORY.replace(old, new)


def extra(lines: str) -> str:
    """The good story with ``lines`` added at the end of its front matter (from line 7)."""
    return GOOD_STORY.replace("themes: [environment]\n", "themes: [environment]\n" + lines)


# --- required fields and types --------------------------------------------------------------


@pytest.mark.parametrize("field", ["title", "date", "summary", "areas", "themes"])
def test_required_fields(tiny, field):
    text = "".join(
        line for line in GOOD_STORY.splitlines(keepends=True) if not line.startswith(field + ":")
    )
    tiny.story("missing", text)
    problem = tiny.only(field)
    assert problem.path == "stories/missing.md"
    assert problem.message == "is required"
    assert f"{field}:" in problem.hint


def test_title_read_as_boolean_says_to_quote_it(tiny):
    tiny.story("yes", with_line("title: A good story", "title: Yes"))
    problem = tiny.only("title")
    assert problem.line == 2
    assert "yes/no" in problem.message
    assert problem.hint == 'put it in double quotes: title: "Yes"'


def test_title_read_as_number(tiny):
    tiny.story("number", with_line("title: A good story", "title: 2024"))
    problem = tiny.only("title")
    assert "number" in problem.message and 'title: "2024"' in problem.hint


def test_title_too_long(tiny):
    tiny.story("long", with_line("title: A good story", "title: " + "x" * 151))
    problem = tiny.only("title")
    assert "151 characters" in problem.message and "150" in problem.message
    assert problem.hint == "shorten it"


def test_title_must_be_plain_text(tiny):
    tiny.story("html", with_line("title: A good story", "title: A <em>good</em> story"))
    assert "HTML" in tiny.only("title").message


def test_title_cut_short_by_a_comment(tiny):
    tiny.story("hash", with_line("title: A good story", "title: We are #1"))
    problem = tiny.only("title")
    assert problem.line == 2
    assert "comment" in problem.message
    assert "double quotes" in problem.hint


def test_summary_over_300_characters(tiny):
    tiny.story("summary", with_line("summary: A short summary.", "summary: " + "word " * 70))
    problem = tiny.only("summary")
    assert problem.line == 4 and "at most 300" in problem.message


@pytest.mark.parametrize("value", ["2019-06-14", "2019-06", "2019", '"2019"'])
def test_dates_may_be_partial(tiny, value):
    tiny.story("dated", with_line("date: 2019-06-14", f"date: {value}"))
    assert tiny.problems() == []


def test_partial_date_is_kept_as_written(tiny):
    from voices.content.loading import load_archive

    tiny.story("dated", with_line("date: 2019-06-14", "date: 2019-06"))
    archive, _ = load_archive(tiny.root)
    assert archive.stories["dated"].meta.date == "2019-06"


def test_date_written_the_british_way_gets_a_hint(tiny):
    tiny.story("slashes", with_line("date: 2019-06-14", "date: 12/03/2024"))
    problem = tiny.only("date")
    assert problem.line == 3
    assert "12/03/2024" in problem.message
    assert "YYYY-MM-DD" in problem.hint and "2024-03-12" in problem.hint


def test_impossible_date(tiny):
    tiny.story("feb30", with_line("date: 2019-06-14", 'date: "2019-02-30"'))
    assert "not a real date" in tiny.only("date").message


def test_date_with_a_time(tiny):
    tiny.story("time", with_line("date: 2019-06-14", "date: 2019-06-14 10:30:00"))
    assert "without a time" in tiny.only("date").message


# --- areas, themes and the taxonomy ---------------------------------------------------------


def test_single_area_string_is_a_one_item_list(tiny):
    from voices.content.loading import load_archive

    tiny.story("one", with_line("areas: [par-bay]", "areas: par-bay"))
    archive, problems = load_archive(tiny.root)
    assert problems == []
    assert archive.stories["one"].meta.areas == ["par-bay"]


def test_unknown_area_suggests_the_closest(tiny):
    tiny.story("typo", with_line("areas: [par-bay]", "areas:\n  - ramsey\n  - parbay"))
    problem = tiny.only("areas[2]")
    assert problem.line == 7
    assert "not a known area" in problem.message
    assert problem.hint == "did you mean par-bay?"


def test_area_written_as_a_name_is_not_a_slug(tiny):
    tiny.story("name", with_line("areas: [par-bay]", "areas: [Par Bay]"))
    problem = tiny.only("areas[1]")
    assert "not a slug" in problem.message and "par-bay" in problem.hint


def test_empty_area_list(tiny):
    tiny.story("none", with_line("areas: [par-bay]", "areas: []"))
    assert "at least one" in tiny.only("areas").message


def test_unknown_theme(tiny):
    tiny.story("theme", with_line("themes: [environment]", "themes: [enviroment]"))
    problem = tiny.only("themes[1]")
    assert problem.line == 6 and problem.hint == "did you mean environment?"


def test_unknown_kind_lists_choices(tiny):
    tiny.story("kind", extra("kind: podcast\n"))
    problem = tiny.only("kind")
    assert problem.line == 7
    assert "not a known kind" in problem.message
    assert "interview" in problem.hint


def test_unknown_programme(tiny):
    tiny.story("prog", extra("programme: big-locl\n"))
    assert tiny.only("programme").hint == "did you mean big-local?"


def test_unknown_key_did_you_mean(tiny):
    tiny.story("key", extra("sumary: Oops\n"))
    problem = tiny.only("sumary")
    assert problem.line == 7
    assert "not a field stories can have" in problem.message
    assert problem.hint == "did you mean summary?"


def test_unknown_key_far_from_any(tiny):
    tiny.story("key", extra("colour: blue\n"))
    assert "template" in tiny.only("colour").hint


def test_unknown_key_inside_a_group(tiny):
    tiny.story(
        "nested",
        extra("image:\n  src: a.jpg\n  alt: A thing\n  credits: x\n"),
        files={"a.jpg": b"jpeg"},
    )
    problem = tiny.only("image.credits")
    assert problem.line == 10 and problem.hint == "did you mean credit?"


def test_featured_must_be_true_or_false(tiny):
    tiny.story("feat", extra("featured: sometimes\n"))
    problem = tiny.only("featured")
    assert "true or false" in problem.message and "featured: true" in problem.hint


# --- licence, links, aliases, status ------------------------------------------------------


def test_licence_must_be_a_configured_spdx_id(tiny):
    tiny.story("lic", extra("licence: CC-BY-40\n"))
    problem = tiny.only("licence")
    assert "not a known licence" in problem.message and "CC-BY-4.0" in problem.hint


def test_source_url_must_be_http(tiny):
    tiny.story("url", extra("source_url: javascript:alert(1)\n"))
    problem = tiny.only("source_url")
    assert "not a web address" in problem.message and "https://" in problem.hint


def test_alias_must_be_a_site_path(tiny):
    tiny.story("alias", extra("aliases: [https://example.org/old]\n"))
    assert "/stories/old-name/" in tiny.only("aliases[1]").hint


def test_alias_that_collides_with_a_real_page(tiny):
    tiny.story("other", GOOD_STORY)
    tiny.story("alias", extra("aliases: [/stories/other/]\n"))
    problem = tiny.only("aliases[1]")
    assert problem.path == "stories/alias.md" and problem.line == 7
    assert "exists" in problem.message and "stories/other.md" in problem.message


def test_alias_claimed_by_two_stories(tiny):
    tiny.story("first", extra("aliases: [/news/old/]\n"))
    tiny.story("second", extra("aliases: [/news/old]\n"))
    problem = tiny.only("aliases[1]")
    assert problem.path == "stories/second.md" and "stories/first.md" in problem.message


def test_unknown_status(tiny):
    tiny.story("status", extra("status: hidden\n"))
    problem = tiny.only("status")
    assert "hidden" in problem.message and "draft" in problem.hint


def test_withdrawn_needs_a_withdrawn_block(tiny):
    tiny.story("gone", extra("status: withdrawn\n"))
    problem = tiny.only("status")
    assert "withdrawn: block" in problem.message and "reason" in problem.hint


def test_withdrawal_reason_from_the_fixed_list(tiny):
    tiny.story(
        "gone", extra("status: withdrawn\nwithdrawn:\n  date: 2026-01-05\n  reason: because\n")
    )
    problem = tiny.only("withdrawn.reason")
    assert problem.line == 10 and "not a known withdrawal reason" in problem.message


def test_withdrawn_block_without_withdrawn_status(tiny):
    tiny.story("half", extra("withdrawn:\n  date: 2026-01-05\n  reason: rights\n"))
    assert "only for withdrawn" in tiny.only("withdrawn").message


def test_withdrawn_story_with_erased_title_needs_no_title_or_summary(tiny):
    text = (
        "---\ndate: 2019\nareas: [par-bay]\nthemes: [environment]\nstatus: withdrawn\n"
        "withdrawn:\n  date: 2026-01-05\n  reason: at-request-of-contributor\n  erase_title: true\n---\n"
    )
    tiny.story("erased", text)
    assert tiny.problems() == []


# --- people and consent ------------------------------------------------------------------

CONSENT = "consent:\n  recorded: 2024-05-01\n  reference: VBL-2024-017\n  scope: [web, archive]\n"


def test_people_need_consent(tiny):
    tiny.story("people", extra("people: [Sam Example]\n"))
    problem = tiny.only("people")
    assert problem.line == 7
    assert "consent must be recorded because it names people" == problem.message


def test_interview_needs_consent(tiny):
    tiny.story("talk", extra("kind: interview\n"))
    assert "it is an interview" in tiny.only("kind").message


def test_consent_given_is_accepted(tiny):
    tiny.story("ok", extra("kind: interview\npeople: [Sam Example]\n" + CONSENT))
    assert tiny.problems() == []


def test_consent_reference_that_is_an_email(tiny):
    tiny.story("email", extra(CONSENT.replace("VBL-2024-017", "sam@example.org")))
    problem = tiny.only("consent.reference")
    assert problem.line == 9 and "email" in problem.message and "public" in problem.hint


def test_consent_reference_that_is_a_phone_number(tiny):
    tiny.story("phone", extra(CONSENT.replace("VBL-2024-017", '"07700 900123"')))
    assert "phone" in tiny.only("consent.reference").message


def test_consent_reference_that_is_a_name(tiny):
    tiny.story("name", extra(CONSENT.replace("VBL-2024-017", "Sam Example")))
    problem = tiny.only("consent.reference")
    assert "name" in problem.message and "VBL-2024-017" in problem.hint


def test_consent_reference_in_another_format(tiny):
    tiny.story("fmt", extra(CONSENT.replace("VBL-2024-017", "REF17")))
    problem = tiny.only("consent.reference")
    assert "format" in problem.message and "VBL-2024-017" in problem.hint


def test_consent_recorded_needs_a_full_date(tiny):
    tiny.story("when", extra(CONSENT.replace("2024-05-01", "2024-05")))
    assert "needs the day" in tiny.only("consent.recorded").message


def test_consent_scope_from_the_taxonomy(tiny):
    tiny.story("scope", extra(CONSENT.replace("[web, archive]", "[web, foto]")))
    assert tiny.only("consent.scope[2]").hint == "did you mean photos?"


# --- images, media and attachments --------------------------------------------------------


def test_image_needs_alt_text(tiny):
    tiny.story("img", extra("image:\n  src: a.jpg\n"), files={"a.jpg": b"jpeg"})
    problem = tiny.only("image.alt")
    assert problem.path == "stories/img/index.md" and problem.line == 7
    assert problem.message == "is required" and "alt:" in problem.hint


def test_image_in_a_single_file_story(tiny):
    tiny.story("flat", extra("image:\n  src: a.jpg\n  alt: A thing\n"))
    problem = tiny.only("image.src")
    assert "must be a folder" in problem.message
    assert "stories/flat/index.md" in problem.hint


def test_image_file_missing_suggests_the_file_that_is_there(tiny):
    tiny.story(
        "img", extra("image:\n  src: garden.jpeg\n  alt: A garden\n"), files={"garden.jpg": b"x"}
    )
    problem = tiny.only("image.src")
    assert problem.line == 8
    assert (
        "not in the story's folder" in problem.message
        and problem.hint == "did you mean garden.jpg?"
    )


def test_image_path_escaping_the_folder(tiny):
    tiny.story("img", extra("image:\n  src: ../other/a.jpg\n  alt: A thing\n"), files={})
    problem = tiny.only("image.src")
    assert "not a file in the story's folder" in problem.message


def test_image_symlink_escaping_the_folder(tiny, tmp_path):
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(b"x")
    path = tiny.story("img", extra("image:\n  src: link.jpg\n  alt: A thing\n"), files={})
    (path.parent / "link.jpg").symlink_to(outside)
    assert "outside the story's folder" in tiny.only("image.src").message


def test_media_needs_a_transcript(tiny):
    tiny.story(
        "audio",
        extra("media:\n  - src: talk.mp3\n    type: audio\n"),
        files={"talk.mp3": SMALL_MP3},
    )
    problem = tiny.only("media[1].transcript")
    assert problem.line == 8 and problem.message == "is required"


def test_video_file_needs_captions(tiny):
    tiny.story(
        "film",
        extra("media:\n  - src: film.mp4\n    type: video\n    transcript: Words.\n"),
        files={"film.mp4": SMALL_MP4},
    )
    problem = tiny.only("media[1].captions")
    assert "required for a video file" in problem.message and ".vtt" in problem.hint


def test_captions_must_be_webvtt(tiny):
    tiny.story(
        "film",
        extra(
            "media:\n  - src: film.mp4\n    type: video\n    transcript: Words.\n"
            "    captions: film.srt\n"
        ),
        files={"film.mp4": SMALL_MP4, "film.srt": b"1\n00:00:00,000 --> 00:00:01,000\nHello.\n"},
    )
    assert "WebVTT" in tiny.only("media[1].captions").message


def test_media_needs_src_or_url_not_both(tiny):
    tiny.story(
        "both",
        extra(
            "media:\n  - src: a.mp3\n    url: https://example.org/a\n    type: audio\n"
            "    transcript: Words.\n"
        ),
        files={"a.mp3": SMALL_MP3},
    )
    assert "not both" in tiny.only("media[1]").message


def test_linked_media_with_inline_transcript_is_fine_in_a_single_file(tiny):
    tiny.story(
        "linked",
        extra(
            "media:\n  - url: https://example.org/film\n    type: video\n"
            "    transcript: Everything that is said in the film.\n"
        ),
    )
    assert tiny.problems() == []


def test_transcript_file_must_exist(tiny):
    tiny.story(
        "audio",
        extra("media:\n  - src: a.mp3\n    type: audio\n    transcript: words.md\n"),
        files={"a.mp3": SMALL_MP3},
    )
    assert "words.md" in tiny.only("media[1].transcript").message


def test_media_type_must_be_audio_or_video(tiny):
    tiny.story(
        "type",
        extra("media:\n  - url: https://example.org/a\n    type: podcast\n    transcript: W.\n"),
    )
    problem = tiny.only("media[1].type")
    assert "podcast" in problem.message and "audio" in problem.hint


def test_attachment_needs_a_title_and_its_file(tiny):
    tiny.story("pdf", extra("attachments:\n  - src: report.pdf\n"), files={})
    problems = {p.field: p for p in tiny.problems()}
    assert problems["attachments[1].title"].message == "is required"
    assert "report.pdf" in problems["attachments[1].src"].message


# --- files and slugs ---------------------------------------------------------------------


def test_file_name_must_be_a_slug(tiny):
    (tiny.root / "stories" / "My Story.md").write_text(GOOD_STORY, encoding="utf-8")
    problem = tiny.only("file name")
    assert "my-story" in problem.hint


def test_same_slug_as_file_and_folder(tiny):
    tiny.story("twin", GOOD_STORY)
    tiny.story("twin", GOOD_STORY, files={})
    problem = tiny.only("file name")
    assert "used twice" in problem.message


def test_folder_without_index(tiny):
    (tiny.root / "stories" / "lost").mkdir()
    assert "no index.md" in tiny.only("file").message


def test_stray_image_in_stories(tiny):
    (tiny.root / "stories" / "photo.jpg").write_bytes(b"x")
    problem = tiny.only("file")
    assert problem.path == "stories/photo.jpg" and "folder" in problem.hint


def test_template_files_are_not_stories(tiny):
    (tiny.root / "stories" / "_template.md").write_text("not even front matter", encoding="utf-8")
    assert tiny.problems() == []


def test_all_problems_in_all_files_at_once(tiny):
    tiny.story("one", with_line("title: A good story", "title: Yes"))
    tiny.story("two", extra("colour: blue\n"))
    tiny.story(
        "three",
        with_line("date: 2019-06-14", "date: 12/03/2024").replace(
            "areas: [par-bay]", "areas: [nowhere]"
        ),
    )
    found = {(p.path, p.field) for p in tiny.problems()}
    assert found == {
        ("stories/one.md", "title"),
        ("stories/two.md", "colour"),
        ("stories/three.md", "date"),
        ("stories/three.md", "areas[1]"),
    }


def test_minors_need_a_scope_that_covers_them(tiny):
    tiny.story("young", extra("people: [Sam Example]\n" + CONSENT + "  minors: true\n"))
    problem = tiny.only("consent.scope")
    assert problem.line == 11 and "under 18" in problem.message and "minors" in problem.hint


def test_minors_with_guardian_scope_are_accepted(tiny):
    tiny.story(
        "young",
        extra(
            "people: [Sam Example]\n"
            + CONSENT.replace("[web, archive]", "[web, archive, minors]")
            + "  minors: true\n"
        ),
    )
    assert tiny.problems() == []


def test_photo_showing_people_needs_photos_in_scope(tiny):
    tiny.story(
        "photo",
        extra("image:\n  src: a.jpg\n  alt: A crowd\n  shows_people: true\n" + CONSENT),
        files={"a.jpg": SMALL_JPEG},
    )
    problem = tiny.only("image.shows_people")
    assert problem.line == 10 and "does not include photos" in problem.message


def test_photo_showing_people_without_any_consent(tiny):
    tiny.story(
        "photo",
        extra("image:\n  src: a.jpg\n  alt: A crowd\n  shows_people: true\n"),
        files={"a.jpg": SMALL_JPEG},
    )
    assert "consent must be recorded" in tiny.only("image.shows_people").message
