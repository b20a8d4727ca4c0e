"""Story images: safe opening, private site copies, the cache, <picture> markup and scrubbing."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from conftest import GOOD_STORY
from PIL import Image, ImageCms

from voices.cli import main
from voices.media import images
from voices.media.images import (
    ImageInfo,
    ImageProblem,
    ImageSettings,
    Variant,
    inspect_image,
    picture_html,
    process_image,
)
from voices.media.originals import original_file_problem, scrub_in_place

RED, BLUE = (255, 0, 0), (0, 0, 255)
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,30.0N"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def private_exif(orientation: int | None = None) -> Image.Exif:
    """EXIF as a phone writes it: where the photo was taken and who owns the camera."""
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    exif[0x013B] = "Jo Bloggs"  # Artist
    exif[0x8825] = {
        1: "N",
        2: (51.0, 30.0, 0.0),
        3: "W",
        4: (0.0, 7.0, 0.0),
        27: b"ASCII\0\0\0GPS",
    }  # GPSProcessingMethod, so the raw bytes say "GPS"
    return exif


def half_red(size: tuple[int, int] = (40, 20)) -> Image.Image:
    """Red on the left half, blue on the right."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1]))
    return image


def near(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected))


def assert_no_metadata(path: Path) -> None:
    data = path.read_bytes()
    for marker in (
        b"GPS",
        b"Exif",
        b"EXIF",
        b"xmpmeta",
        b"Jo Bloggs",
        b"ICC_PROFILE",
        b"ICCP",
        b"iCCP",
    ):
        assert marker not in data, f"{path.name} contains {marker!r}"
    with Image.open(path) as image:
        image.load()
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"} & set(image.info)
        assert not image.getexif()


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size in its header and holds no pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def build(tmp_path):
    """process_image into tmp_path/out with a cache in tmp_path/cache."""

    def run(source: Path, settings: ImageSettings = images.DEFAULT_SETTINGS) -> list[Variant]:
        return process_image(source, tmp_path / "out", settings, tmp_path / "cache")

    return run


# --- inspecting originals ------------------------------------------------------------------


def test_inspect_reports_size_after_orientation_and_private_data(tmp_path):
    path = tmp_path / "photo.jpg"
    half_red().save(path, exif=private_exif(orientation=6), xmp=XMP)
    assert inspect_image(path) == ImageInfo(
        20, 40, "JPEG", False, has_location=True, has_owner=True
    )


def test_inspect_clean_png_with_alpha(tmp_path):
    path = tmp_path / "logo.png"
    Image.new("RGBA", (30, 10), (0, 0, 0, 0)).save(path)
    assert inspect_image(path) == ImageInfo(30, 10, "PNG", True, False, False)


def test_location_in_xmp_alone_is_found(tmp_path):
    path = tmp_path / "photo.jpg"
    half_red().save(path, xmp=XMP)
    info = inspect_image(path)
    assert isinstance(info, ImageInfo) and info.has_location and not info.has_owner


def test_gps_version_alone_is_not_a_location(tmp_path):
    exif = Image.Exif()
    exif[0x8825] = {0: b"\x02\x02\x00\x00"}
    path = tmp_path / "photo.jpg"
    half_red().save(path, exif=exif)
    info = inspect_image(path)
    assert isinstance(info, ImageInfo) and not info.has_location


def test_decompression_bomb_is_a_problem_not_an_exception(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header(100_000, 100_000))
    problem = inspect_image(path)
    assert isinstance(problem, str) and "decompression bomb" in problem
    with pytest.raises(ImageProblem, match="decompression bomb"):
        process_image(path, tmp_path / "out", images.DEFAULT_SETTINGS, tmp_path / "cache")


@pytest.mark.parametrize(
    "side", [40, 100]
)  # Pillow's warning zone (over the limit), and its error zone
def test_pixel_limit_comes_from_the_settings(tmp_path, side):
    path = tmp_path / "photo.png"
    Image.new("RGB", (side, side)).save(path)
    problem = inspect_image(path, ImageSettings(max_pixels=1000))
    assert isinstance(problem, str) and "over 0.001 megapixels" in problem
    assert Image.MAX_IMAGE_PIXELS != 1000  # Pillow's own limit is put back afterwards


def test_default_limit_admits_big_phone_photos(tmp_path):
    assert ImageSettings().max_pixels >= 8160 * 6120
    path = tmp_path / "big.png"
    path.write_bytes(png_header(10_000, 10_000))  # 100 MP: over Pillow's default, under ours
    problem = inspect_image(path)
    assert isinstance(problem, str) and "bomb" not in problem  # it got as far as finding no pixels
    assert problem.startswith("is not an image Pillow can read")


def test_over_the_byte_budget(tmp_path):
    path = tmp_path / "photo.jpg"
    half_red().save(path)
    problem = inspect_image(path, ImageSettings(max_bytes=100))
    assert isinstance(problem, str) and problem.startswith("is 0.0 MB; an image can be at most")


@pytest.mark.parametrize("name", ["logo.svg", "logo.png"])
def test_svg_is_refused_whatever_its_name(tmp_path, name):
    path = tmp_path / name
    path.write_text(
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    assert inspect_image(path) == "SVG is refused: it can carry script; export a PNG"


def test_garbage_and_truncated_files_are_not_images(tmp_path):
    garbage = tmp_path / "photo.jpg"
    garbage.write_bytes(b"this is not a photo" * 50)
    truncated = tmp_path / "cut.jpg"
    half_red((400, 300)).save(truncated, quality=95)
    truncated.write_bytes(truncated.read_bytes()[:600])
    eps = tmp_path / "drawing.jpg"
    eps.write_bytes(
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"
    )  # never handed to Ghostscript
    for path in (garbage, truncated, eps):
        problem = inspect_image(path)
        assert isinstance(problem, str) and problem.startswith("is not an image Pillow can read"), (
            path
        )


def test_missing_file_is_a_problem(tmp_path):
    assert "cannot be read" in inspect_image(tmp_path / "nowhere.jpg")


# --- site copies ---------------------------------------------------------------------------


def test_copies_carry_no_metadata(tmp_path, build):
    source = tmp_path / "photo.jpg"
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    half_red((1000, 500)).save(
        source, exif=private_exif(), xmp=XMP, icc_profile=srgb, comment=b"Jo's camera"
    )
    variants = build(source)
    assert [(v.width, v.mime) for v in variants] == [
        (480, "image/webp"),
        (480, "image/jpeg"),
        (960, "image/webp"),
        (960, "image/jpeg"),
        (1000, "image/webp"),
        (1000, "image/jpeg"),
    ]
    for variant in variants:
        path = tmp_path / "out" / variant.path
        assert variant.bytes == path.stat().st_size
        assert_no_metadata(path)


def test_orientation_is_applied_before_the_pixels_are_copied(tmp_path, build):
    source = tmp_path / "phone.jpg"
    half_red().save(source, exif=private_exif(orientation=6), quality=95)
    variants = build(source)
    assert {(v.width, v.height) for v in variants} == {(20, 40)}
    for variant in variants:
        with Image.open(tmp_path / "out" / variant.path) as image:
            image = image.convert("RGB")
            assert image.size == (20, 40)
            # Orientation 6 means "turn 90° clockwise to view": the left (red) half is now on top.
            assert near(image.getpixel((10, 5)), RED) and near(image.getpixel((10, 35)), BLUE)


def test_cmyk_comes_out_rgb_with_the_right_colours(tmp_path, build):
    source = tmp_path / "print.jpg"
    Image.new("CMYK", (64, 64), (0, 255, 255, 0)).save(source, quality=95)  # red, in ink
    for variant in build(source):
        with Image.open(tmp_path / "out" / variant.path) as image:
            assert image.mode == "RGB"
            assert near(image.getpixel((32, 32)), RED)


def test_a_broken_colour_profile_does_not_stop_processing(tmp_path, build):
    source = tmp_path / "photo.jpg"
    half_red((100, 50)).save(source, icc_profile=b"not really a profile")
    for variant in build(source):
        assert_no_metadata(tmp_path / "out" / variant.path)


def test_transparency_gives_webp_and_png_with_alpha(tmp_path, build):
    source = tmp_path / "logo.png"
    image = Image.new("RGBA", (100, 50), (255, 0, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, 50, 50))
    image.save(source)
    variants = build(source)
    assert [v.mime for v in variants] == ["image/webp", "image/png"]
    for variant in variants:
        with Image.open(tmp_path / "out" / variant.path) as copy:
            copy = copy.convert("RGBA")
            assert copy.getpixel((10, 25))[3] == 0
            assert near(copy.getpixel((90, 25)), (255, 0, 0, 255))


def test_an_opaque_png_gets_a_jpeg_fallback(tmp_path, build):
    source = tmp_path / "chart.png"
    Image.new("RGBA", (100, 50), (0, 128, 0, 255)).save(source)
    assert [v.mime for v in build(source)] == ["image/webp", "image/jpeg"]


@pytest.mark.parametrize(
    ("size", "widths"),
    [
        ((300, 200), [300]),  # smaller than the smallest width: its own width only
        ((1200, 600), [480, 960, 1200]),  # between: up to its own width
        ((3000, 2000), [480, 960, 1600]),
    ],
)
def test_never_upscaled(tmp_path, build, size, widths):
    source = tmp_path / "photo.jpg"
    half_red(size).save(source)
    variants = build(source)
    assert sorted({v.width for v in variants}) == widths
    for variant in variants:
        assert variant.height == round(size[1] * variant.width / size[0])
        with Image.open(tmp_path / "out" / variant.path) as image:
            assert image.size == (variant.width, variant.height)


def test_unchanged_images_are_not_encoded_again(tmp_path, build):
    first, second = tmp_path / "first.jpg", tmp_path / "second.png"
    half_red((600, 300)).save(first)
    Image.new("RGB", (500, 500), "green").save(second)
    before = images.encode_count()
    build(first), build(second)
    assert images.encode_count() == before + 2

    out = tmp_path / "out"
    for path in out.iterdir():
        path.unlink()
    again = build(first) + build(second)
    assert images.encode_count() == before + 2  # nothing encoded: all from the cache
    assert all((out / v.path).stat().st_size == v.bytes for v in again)

    half_red((600, 300)).rotate(180).save(first)
    build(first), build(second)
    assert images.encode_count() == before + 3  # only the changed image
    assert len(list((tmp_path / "cache").iterdir())) == 3


def test_the_cache_is_shared_by_content_and_keyed_by_settings(tmp_path, build):
    one, two = tmp_path / "one.jpg", tmp_path / "two.jpg"
    half_red((600, 300)).save(one)
    two.write_bytes(one.read_bytes())
    before = images.encode_count()
    build(one)
    assert [v.path for v in build(two)][:2] == ["two-480.webp", "two-480.jpg"]
    assert images.encode_count() == before + 1
    build(one, ImageSettings(version="next"))
    assert images.encode_count() == before + 2


def test_a_damaged_cache_entry_is_rebuilt(tmp_path, build):
    source = tmp_path / "photo.jpg"
    half_red((600, 300)).save(source)
    build(source)
    entry = next((tmp_path / "cache").iterdir())
    (entry / "480.webp").write_bytes(b"")
    before = images.encode_count()
    variants = build(source)
    assert images.encode_count() == before + 1
    assert all((tmp_path / "out" / v.path).stat().st_size == v.bytes for v in variants)


def test_unusable_images_raise_image_problem(tmp_path, build):
    source = tmp_path / "photo.jpg"
    source.write_bytes(b"\xff\xd8\xff" + b"\0" * 100)
    with pytest.raises(ImageProblem, match="not an image Pillow can read"):
        build(source)
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").iterdir())


# --- markup --------------------------------------------------------------------------------


def test_picture_html():
    variants = [
        Variant(w, w // 2, f"my photo-{w}.{ext}", mime, 1000)
        for w in (480, 960, 1600)
        for ext, mime in (("webp", "image/webp"), ("jpg", "image/jpeg"))
    ]
    markup = picture_html(
        variants, 'Jo & Sam "planting" <trees>', "(min-width: 60em) 50vw, 100vw", lazy=True
    )
    assert markup == (
        '<picture><source type="image/webp" srcset="my%20photo-480.webp 480w, my%20photo-960.webp 960w, '
        'my%20photo-1600.webp 1600w" sizes="(min-width: 60em) 50vw, 100vw">'
        '<img src="my%20photo-960.jpg" srcset="my%20photo-480.jpg 480w, my%20photo-960.jpg 960w, '
        'my%20photo-1600.jpg 1600w" sizes="(min-width: 60em) 50vw, 100vw" width="1600" height="800" '
        'alt="Jo &amp; Sam &quot;planting&quot; &lt;trees&gt;" loading="lazy" decoding="async"></picture>'
    )
    eager = picture_html(variants, "x", "100vw", lazy=False)
    assert "loading=" not in eager and "decoding=" not in eager


def test_picture_html_from_processed_copies(tmp_path, build):
    source = tmp_path / "logo.png"
    Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(source)
    markup = picture_html(build(source), "Logo", "100vw", lazy=True)
    assert 'src="logo-300.png"' in markup and 'width="300" height="100"' in markup


# --- scrubbing originals -------------------------------------------------------------------


def test_scrub_removes_location_and_keeps_the_photo_upright(tmp_path):
    path = tmp_path / "phone.jpg"
    half_red().save(path, exif=private_exif(orientation=6), xmp=XMP, quality=95)
    message = scrub_in_place(path)
    assert message == (
        f"{path}: removed location (GPS) data and the camera owner's details; turned it upright"
    )
    assert_no_metadata(path)
    with Image.open(path) as image:
        assert image.format == "JPEG" and image.size == (20, 40)
        image = image.convert("RGB")
        assert near(image.getpixel((10, 5)), RED) and near(image.getpixel((10, 35)), BLUE)
    assert inspect_image(path) == ImageInfo(20, 40, "JPEG", False, False, False)
    # Nothing left to remove: the file is not re-encoded again.
    scrubbed = path.read_bytes()
    assert scrub_in_place(path) == f"{path}: no metadata found; left unchanged"
    assert path.read_bytes() == scrubbed


def test_scrub_keeps_png_lossless_with_transparency(tmp_path):
    path = tmp_path / "logo.png"
    image = Image.new("RGBA", (20, 10), (10, 20, 30, 255))
    image.paste((0, 0, 0, 0), (0, 0, 10, 10))
    image.save(path, exif=private_exif())
    scrub_in_place(path)
    assert_no_metadata(path)
    with Image.open(path) as scrubbed:
        assert scrubbed.format == "PNG" and scrubbed.mode == "RGBA"
        assert scrubbed.tobytes() == image.tobytes()


def test_scrub_keeps_lossless_webp_lossless(tmp_path):
    path = tmp_path / "art.webp"
    image = half_red((32, 16))
    image.save(path, lossless=True, exif=private_exif())
    assert "removed location" in scrub_in_place(path)
    assert_no_metadata(path)
    assert b"VP8L" in path.read_bytes()
    with Image.open(path) as scrubbed:
        assert scrubbed.convert("RGB").tobytes() == image.tobytes()


def test_scrub_refuses_what_it_cannot_read(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"garbage")
    with pytest.raises(ImageProblem, match="not an image"):
        scrub_in_place(path)
    assert path.read_bytes() == b"garbage"


# --- HEIC ----------------------------------------------------------------------------------


@pytest.fixture
def heic(tmp_path) -> Path:
    pytest.importorskip("pillow_heif")
    path = tmp_path / "IMG_0001.HEIC"
    half_red((64, 32)).save(path, "HEIF", exif=private_exif().tobytes(), quality=95)
    return path


def test_heic_is_inspected_processed_and_scrubbed(tmp_path, heic, build):
    info = inspect_image(heic)
    assert (
        isinstance(info, ImageInfo)
        and info.format == "HEIF"
        and info.has_location
        and info.has_owner
    )
    variants = build(heic)
    assert [v.mime for v in variants] == ["image/webp", "image/jpeg"]
    for variant in variants:
        assert_no_metadata(tmp_path / "out" / variant.path)
    assert "removed location (GPS) data" in scrub_in_place(heic)
    with Image.open(heic) as image:
        assert image.format == "HEIF" and image.size == (64, 32)
        assert not image.getexif() and not image.info.get("exif") and not image.info.get("xmp")
        assert near(image.convert("RGB").getpixel((10, 16)), RED)


def test_heic_without_pillow_heif_says_what_is_needed(heic, monkeypatch):
    monkeypatch.setattr(images, "HEIF_AVAILABLE", False)
    problem = inspect_image(heic)
    assert isinstance(problem, str) and "HEIC needs the pillow-heif package" in problem.replace(
        "reading ", ""
    )


# --- the validator's check of one file -----------------------------------------------------


def photo_bytes(tmp_path: Path, **save: object) -> bytes:
    path = tmp_path / "source.jpg"
    half_red().save(path, **save)
    return path.read_bytes()


def test_original_file_problem_names_the_scrub_command(tiny, tmp_path):
    tiny.story(
        "garden",
        GOOD_STORY,
        files={
            "photo.jpg": photo_bytes(tmp_path, exif=private_exif()),
            "clean.jpg": photo_bytes(tmp_path),
            "notes.txt": b"hello",
        },
    )
    folder = tiny.root / "stories" / "garden"
    assert original_file_problem(folder / "photo.jpg") == (
        "carries location (GPS) data and the camera owner's details",
        "run: voices scrub stories/garden/photo.jpg — or strip location before uploading (see the guide)",
    )
    assert original_file_problem(folder / "clean.jpg") is None
    assert original_file_problem(folder / "notes.txt") is None


def test_original_file_problem_splits_message_and_hint(tmp_path):
    svg = tmp_path / "logo.svg"
    svg.write_text("<svg/>")
    assert original_file_problem(svg) == ("SVG is refused: it can carry script", "export a PNG")
    broken = tmp_path / "photo.JPG"
    broken.write_bytes(b"nope")
    message, hint = original_file_problem(broken)
    assert message == "is not an image Pillow can read" and "export it again" in hint


def test_original_file_problem_checks_media_and_pdfs(tmp_path):
    from test_media_files import mp4_with_location

    film = tmp_path / "film.mp4"
    film.write_bytes(mp4_with_location())
    message, hint = original_file_problem(film)
    assert message == "carries location (GPS) data" and "ffmpeg" in hint
    report = tmp_path / "report.pdf"
    report.write_bytes(
        b"%PDF-1.4\n<x:xmpmeta><rdf:Description exif:GPSLatitude='1'/></x:xmpmeta>\n%%EOF"
    )
    assert original_file_problem(report)[0] == "carries location (GPS) data"


# --- voices scrub --------------------------------------------------------------------------


def test_cli_scrub_cleans_images_and_exits_0(tmp_path, capsys):
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(photo_bytes(tmp_path, exif=private_exif(orientation=6)))
    assert main(["scrub", str(photo)]) == 0
    assert "removed location (GPS) data" in capsys.readouterr().out
    assert_no_metadata(photo)


def test_cli_scrub_a_folder(tmp_path, capsys):
    folder = tmp_path / "story"
    folder.mkdir()
    (folder / "photo.jpg").write_bytes(photo_bytes(tmp_path, exif=private_exif()))
    (folder / "index.md").write_text("# Story\n")
    assert main(["scrub", str(folder)]) == 0
    out = capsys.readouterr().out
    assert (
        "index.md: no location found; left unchanged" in out
    )  # every file is checked, whatever it is
    assert_no_metadata(folder / "photo.jpg")


def test_cli_scrub_exits_1_when_a_file_cannot_be_scrubbed(tmp_path, capsys):
    from test_media_files import mp4_with_location

    broken, film = tmp_path / "photo.jpg", tmp_path / "film.mov"
    broken.write_bytes(b"garbage")
    film.write_bytes(mp4_with_location())
    assert main(["scrub", str(broken), str(film)]) == 1
    out = capsys.readouterr().out
    assert f"{broken}: is not an image Pillow can read" in out
    assert f"{film}: carries location (GPS) data, which voices scrub cannot remove" in out
    assert film.read_bytes() == mp4_with_location()  # reported, never changed


def test_cli_scrub_usage_errors_exit_2(tmp_path, capsys):
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(photo_bytes(tmp_path, exif=private_exif()))
    before = photo.read_bytes()
    assert main(["scrub", str(photo), str(tmp_path / "missing.jpg")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert photo.read_bytes() == before  # nothing is changed when the command line is wrong
    assert main(["scrub"]) == 2


def test_many_photos_are_encoded_on_every_core_with_problems_named_per_file(tiny):
    import io

    from voices.content.loading import load_archive
    from voices.media.site_images import process_images

    def jpeg(shade: int) -> bytes:
        buffer = io.BytesIO()
        Image.new("RGB", (640, 480), (shade, 120, 60)).save(buffer, "JPEG")
        return buffer.getvalue()

    for number in range(9):  # enough for the encoding to be shared between processes
        tiny.story(
            f"s{number}",
            f"---\ntitle: Story {number}\ndate: 2019-06-14\nsummary: S.\nareas: [par-bay]\n"
            f"themes: [environment]\nimage:\n  src: photo.jpg\n  alt: Photo {number}\n---\n\nText.\n",
            files={"photo.jpg": jpeg(number * 20)},
        )
    (tiny.root / "stories" / "s4" / "photo.jpg").write_bytes(b"not a photo")
    archive, _ = load_archive(tiny.root)
    stories = sorted(archive.stories.values(), key=lambda story: story.url)

    images, problems = process_images(tiny.root, stories)
    assert [str(problem.path) for problem in problems] == ["stories/s4/index.md"]
    assert "photo.jpg" in problems[0].message
    assert images.encoded == 8
    assert sorted(folder for folder, _ in images.pictures) == [
        f"stories/s{n}" for n in range(9) if n != 4
    ]
    assert all(path.is_file() for path in images.files.values())

    again, _ = process_images(tiny.root, stories)  # a rebuild takes them all from the cache
    assert again.encoded == 0 and again.pictures == images.pictures
