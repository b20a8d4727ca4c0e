"""Location in audio, video and PDF files, read from hand-built minimal files."""

from __future__ import annotations

import io
import random
import struct

import pytest
from PIL import Image

from voices.media.media_files import LOCATION_MESSAGE, media_location_problem, pdf_metadata_problem


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def full_box(kind: bytes, payload: bytes) -> bytes:
    return box(kind, b"\0\0\0\0" + payload)  # version and flags


FTYP = box(b"ftyp", b"isom\0\0\x02\0isomiso2mp41")
MDAT = box(b"mdat", bytes(64))
MVHD = full_box(b"mvhd", bytes(96))


def mp4(*moov_children: bytes) -> bytes:
    return FTYP + box(b"moov", MVHD + b"".join(moov_children)) + MDAT


def xyz(text: bytes = b"+51.5074-000.1278/") -> bytes:
    return box(b"\xa9xyz", struct.pack(">HH", len(text), 0x15C7) + text)


def mp4_with_location() -> bytes:
    """What an Android phone writes: moov/udta/©xyz."""
    return mp4(box(b"udta", xyz()))


def apple_keys(*names: bytes) -> bytes:
    """moov/meta as an iPhone writes it: a handler, the keys, and their values."""
    keys = full_box(
        b"keys",
        struct.pack(">I", len(names))
        + b"".join(struct.pack(">I", 8 + len(n)) + b"mdta" + n for n in names),
    )
    values = box(
        b"ilst",
        b"".join(
            box(struct.pack(">I", i + 1), box(b"data", b"\0\0\0\1\0\0\0\0value"))
            for i in range(len(names))
        ),
    )
    return box(b"meta", full_box(b"hdlr", b"\0\0\0\0mdta" + bytes(12) + b"\0") + keys + values)


@pytest.fixture
def write(tmp_path):
    def run(name: str, data: bytes):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return run


# --- MP4, MOV, M4A -------------------------------------------------------------------------


def test_xyz_atom_in_udta_is_location(write):
    assert media_location_problem(write("film.mp4", mp4_with_location())) == LOCATION_MESSAGE


def test_clean_mp4_has_no_location(write):
    clean = mp4(
        box(b"udta", box(b"\xa9nam", struct.pack(">HH", 4, 0) + b"Film")), box(b"trak", bytes(40))
    )
    assert media_location_problem(write("film.mp4", clean)) is None


def test_empty_xyz_is_not_location(write):
    assert media_location_problem(write("film.mp4", mp4(box(b"udta", xyz(b""))))) is None


def test_apple_location_key_is_location(write):
    film = mp4(apple_keys(b"com.apple.quicktime.make", b"com.apple.quicktime.location.ISO6709"))
    assert media_location_problem(write("IMG_0001.MOV", film)) == LOCATION_MESSAGE
    clean = mp4(apple_keys(b"com.apple.quicktime.make", b"com.apple.quicktime.software"))
    assert media_location_problem(write("IMG_0002.MOV", clean)) is None


def test_itunes_style_xyz_item_in_an_mp4_meta_box(write):
    ilst = box(b"ilst", box(b"\xa9xyz", box(b"data", b"\0\0\0\1\0\0\0\0+51.5-000.1/")))
    meta = full_box(b"meta", full_box(b"hdlr", b"\0\0\0\0mdir" + bytes(13)) + ilst)
    assert media_location_problem(write("voice.m4a", mp4(box(b"udta", meta)))) == LOCATION_MESSAGE


def test_location_in_a_trak_udta_and_3gpp_loci(write):
    trak = box(b"trak", box(b"udta", full_box(b"loci", b"\x15\xc7Home\0" + bytes(13))))
    assert media_location_problem(write("clip.3gp", mp4(trak))) == LOCATION_MESSAGE


def test_moov_after_the_media_and_64_bit_sizes(write):
    big_mdat = struct.pack(">I", 1) + b"mdat" + struct.pack(">Q", 16 + 1000) + bytes(1000)
    film = FTYP + big_mdat + box(b"moov", MVHD + box(b"udta", xyz()))
    assert media_location_problem(write("film.mp4", film)) == LOCATION_MESSAGE


def test_xmp_gps_in_a_uuid_box(write):
    uuid = box(
        b"uuid", bytes(16) + b"<x:xmpmeta><rdf:Description exif:GPSLatitude='51,30N'/></x:xmpmeta>"
    )
    assert media_location_problem(write("film.mp4", FTYP + uuid + MDAT)) == LOCATION_MESSAGE


# --- MP3 -----------------------------------------------------------------------------------


def id3(*frames: bytes) -> bytes:
    body = b"".join(frames) + bytes(20)  # padding
    size = bytes((len(body) >> shift) & 0x7F for shift in (21, 14, 7, 0))
    return b"ID3\x03\x00\x00" + size + body + b"\xff\xfb\x90\x00" + bytes(400)


def frame(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack(">I", len(body)) + b"\0\0" + body


def test_mp3_txxx_with_gps_is_location(write):
    tagged = id3(frame(b"TIT2", b"\0Interview"), frame(b"TXXX", b"\0GPS\0051.5,-0.12"))
    assert media_location_problem(write("interview.mp3", tagged)) == LOCATION_MESSAGE


def test_mp3_utf16_location_description(write):
    description = "Recording location".encode("utf-16") + b"\0\0" + "Par".encode("utf-16")
    assert (
        media_location_problem(write("interview.mp3", id3(frame(b"TXXX", b"\x01" + description))))
        == LOCATION_MESSAGE
    )


def test_ordinary_mp3_tags_are_not_location(write):
    tagged = id3(
        frame(b"TIT2", b"\0Interview"),
        frame(b"TPE1", b"\0Par Bay Big Local"),
        frame(b"TXXX", b"\0Recorded by\0Jo"),
    )
    assert media_location_problem(write("interview.mp3", tagged)) is None


# --- PDF -----------------------------------------------------------------------------------

PDF_START = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


def test_pdf_xmp_gps_is_location(write):
    xmp = b"<x:xmpmeta><rdf:Description xmlns:exif='http://ns.adobe.com/exif/1.0/' exif:GPSLongitude='0,7W'/>"
    assert (
        pdf_metadata_problem(write("report.pdf", PDF_START + xmp + b"\n%%EOF\n"))
        == LOCATION_MESSAGE
    )


def test_pdf_with_a_placed_photo_that_kept_its_gps(write):
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    photo = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(photo, "JPEG", exif=exif)
    stream = (
        b"2 0 obj\n<< /Subtype /Image /Filter /DCTDecode >>\nstream\n"
        + photo.getvalue()
        + b"\nendstream\n"
    )
    assert (
        pdf_metadata_problem(write("report.pdf", PDF_START + stream + b"%%EOF\n"))
        == LOCATION_MESSAGE
    )


def test_clean_pdf_and_a_photo_without_gps(write):
    photo = io.BytesIO()
    exif = Image.Exif()
    exif[0x0110] = "Pixel 8"  # a camera model is not a location
    Image.new("RGB", (8, 8), "red").save(photo, "JPEG", exif=exif)
    body = (
        PDF_START
        + b"<< /Author (Par Bay) >>\nstream\n"
        + photo.getvalue()
        + b"\nendstream\n%%EOF\n"
    )
    assert pdf_metadata_problem(write("report.pdf", body)) is None


def test_a_marker_across_two_chunks_is_found(write, monkeypatch):
    import voices.media.media_structures as media_structures  # where PDFs are read in chunks

    monkeypatch.setattr(media_structures, "_CHUNK", 64)
    body = PDF_START + b"x" * (64 - len(PDF_START) - 5) + b"exif:GPSLatitude='1'" + b"\n%%EOF"
    assert pdf_metadata_problem(write("report.pdf", body)) == LOCATION_MESSAGE


def test_not_a_pdf(write):
    assert pdf_metadata_problem(write("report.pdf", b"exif:GPSLatitude but no PDF header")) is None


# --- garbage never raises ------------------------------------------------------------------


def test_garbage_never_raises(write, tmp_path):
    rng = random.Random(20240501)
    samples = [b"", b"ID3", b"\0\0\0\x01ftyp", bytes(rng.getrandbits(8) for _ in range(4096))]
    for good in (
        mp4_with_location(),
        mp4(apple_keys(b"com.apple.quicktime.location.ISO6709")),
        id3(frame(b"TXXX", b"\0GPS\0x")),
        PDF_START + b"exif:GPS",
    ):
        samples += [good[:cut] for cut in range(0, len(good), 7)]
        for _ in range(200):  # flip bytes, including the sizes
            broken = bytearray(good)
            for _ in range(3):
                broken[rng.randrange(len(broken))] = rng.getrandbits(8)
            samples.append(bytes(broken))
    for index, data in enumerate(samples):
        path = write(f"sample{index}.mp4", data)
        assert media_location_problem(path) in (None, LOCATION_MESSAGE)
        assert pdf_metadata_problem(path) in (None, LOCATION_MESSAGE)
    assert media_location_problem(write("random.mp4", samples[3])) is None
    assert media_location_problem(tmp_path / "missing.mp4") is None
    assert pdf_metadata_problem(tmp_path) is None  # a folder, not a file


# --- Any file, by its bytes (issue 15, item 6) ----------------------------------------------

from voices.media.media_files import TOO_PACKED_MESSAGE, file_location_problem  # noqa: E402


def gps_exif() -> bytes:
    """An EXIF block (``Exif\\0\\0`` and TIFF) holding a GPS position."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    return exif.tobytes()


def clean_jpeg() -> bytes:
    photo = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(photo, "JPEG")
    return photo.getvalue()


def app1(payload: bytes) -> bytes:
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def test_gps_in_a_second_app1_segment_is_found(write):
    """Pillow reads only the first EXIF segment; a second one carrying GPS was let through."""
    clean_exif = Image.Exif()
    clean_exif[0x0110] = "Pixel 8"
    jpeg = clean_jpeg()
    two = jpeg[:2] + app1(clean_exif.tobytes()) + app1(gps_exif()) + jpeg[2:]
    assert file_location_problem(write("photo.jpg", two)) == LOCATION_MESSAGE
    assert (
        file_location_problem(write("plain.jpg", jpeg[:2] + app1(clean_exif.tobytes()) + jpeg[2:]))
        is None
    )


@pytest.mark.parametrize("name", ["film.webm", "film.mkv", "film.txt", "film"])
def test_an_mp4_with_a_place_is_found_whatever_its_name(write, name):
    assert file_location_problem(write(name, mp4_with_location())) == LOCATION_MESSAGE


def test_compressed_pdf_xmp_and_object_streams_are_inflated(write):
    import zlib

    xmp = b"<x:xmpmeta><rdf:Description exif:GPSLatitude='51,30N'/></x:xmpmeta>"
    packed = zlib.compress(xmp)
    stream = (
        b"2 0 obj\n<< /Type /Metadata /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
        + packed
        + b"\nendstream\nendobj\n"
    )
    assert (
        file_location_problem(write("report.pdf", PDF_START + stream + b"%%EOF\n"))
        == LOCATION_MESSAGE
    )
    objects = zlib.compress(b"3 0 << /GPS << /Lat 51.5 >> >>")
    stream = (
        b"2 0 obj\n<< /Type /ObjStm /Filter [/FlateDecode] >>\nstream\n"
        + objects
        + b"\nendstream\n"
    )
    assert (
        file_location_problem(write("objects.pdf", PDF_START + stream + b"%%EOF\n"))
        == LOCATION_MESSAGE
    )
    clean = zlib.compress(b"BT /F1 12 Tf (Hello) Tj ET")
    stream = b"2 0 obj\n<< /Filter /FlateDecode >>\nstream\n" + clean + b"\nendstream\n"
    assert file_location_problem(write("clean.pdf", PDF_START + stream + b"%%EOF\n")) is None


def test_a_pdf_stream_that_inflates_without_end_is_refused_not_expanded(write):
    import zlib

    bomb = zlib.compress(bytes(200 * 1024 * 1024), 9)  # 200 MB of zeros in about 200 KB
    stream = b"2 0 obj\n<< /Filter /FlateDecode >>\nstream\n" + bomb + b"\nendstream\n"
    assert (
        file_location_problem(write("bomb.pdf", PDF_START + stream + b"%%EOF\n"))
        == TOO_PACKED_MESSAGE
    )


def png_chunk(kind: bytes, data: bytes) -> bytes:
    import zlib

    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_png_exif_and_compressed_xmp_are_found(write):
    import zlib

    plain = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(plain, "PNG")
    png = plain.getvalue()
    end = png.rindex(b"IEND") - 4
    exif = png[:end] + png_chunk(b"eXIf", gps_exif()[6:]) + png[end:]
    assert file_location_problem(write("map.png", exif)) == LOCATION_MESSAGE
    xmp = zlib.compress(b"<x:xmpmeta exif:GPSLongitude='0,7W'/>")
    itxt = png[:end] + png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\1\0\0\0" + xmp) + png[end:]
    assert file_location_problem(write("xmp.png", itxt)) == LOCATION_MESSAGE
    assert file_location_problem(write("clean.png", png)) is None


def test_webp_exif_chunk_is_found(write):
    photo = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(photo, "WEBP", exif=gps_exif())
    assert file_location_problem(write("photo.webp", photo.getvalue())) == LOCATION_MESSAGE


def vorbis_comments(*comments: bytes) -> bytes:
    vendor = b"Example encoder"
    return (
        struct.pack("<I", len(vendor))
        + vendor
        + struct.pack("<I", len(comments))
        + b"".join(struct.pack("<I", len(c)) + c for c in comments)
    )


def test_flac_and_ogg_comments_naming_a_place_are_found(write):
    def flac(*comments: bytes) -> bytes:
        block = vorbis_comments(*comments)
        streaminfo = b"\x00" + (34).to_bytes(3, "big") + bytes(34)
        return (
            b"fLaC" + streaminfo + bytes([0x84]) + len(block).to_bytes(3, "big") + block + bytes(64)
        )

    assert (
        file_location_problem(write("talk.flac", flac(b"TITLE=Talk", b"LOCATION=51.5,-0.12")))
        == LOCATION_MESSAGE
    )
    assert (
        file_location_problem(write("talk2.flac", flac(b"TITLE=Talk", b"ARTIST=Someone"))) is None
    )
    ogg = (
        b"OggS"
        + bytes(24)
        + b"\x01vorbis"
        + bytes(22)
        + b"OggS"
        + bytes(24)
        + b"\x03vorbis"
        + vorbis_comments(b"GEO_LOCATION=+51.5-000.1/")
    )
    assert file_location_problem(write("talk.ogg", ogg)) == LOCATION_MESSAGE


def test_matroska_location_tag_is_found(write):
    name = b"LOCATION"
    tag = b"\x45\xa3" + bytes([0x80 | len(name)]) + name + b"\x44\x87\x8a+51.5-0.12"
    webm = b"\x1a\x45\xdf\xa3" + bytes(40) + b"\x12\x54\xc3\x67" + tag + bytes(64)
    assert file_location_problem(write("film.webm", webm)) == LOCATION_MESSAGE
    title = b"\x45\xa3\x85TITLE\x44\x87\x84Film"
    assert (
        file_location_problem(write("clean.webm", b"\x1a\x45\xdf\xa3" + bytes(40) + title)) is None
    )


def test_wav_with_xmp_gps_is_found(write):
    xmp = b"<x:xmpmeta exif:GPSLatitude='51,30N'/>"
    wav = (
        b"RIFF"
        + struct.pack("<I", 4 + 8 + len(xmp) + 8)
        + b"WAVE"
        + b"_PMX"
        + struct.pack("<I", len(xmp))
        + xmp
        + b"data"
        + struct.pack("<I", 0)
    )
    assert file_location_problem(write("talk.wav", wav)) == LOCATION_MESSAGE


def docx(members: dict[str, bytes]) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_photo_with_gps_inside_a_word_document_is_found(write):
    photo = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(photo, "JPEG", exif=gps_exif())
    assert (
        file_location_problem(
            write("report.docx", docx({"word/media/image1.jpeg": photo.getvalue()}))
        )
        == LOCATION_MESSAGE
    )
    assert (
        file_location_problem(write("clean.docx", docx({"word/media/image1.jpeg": clean_jpeg()})))
        is None
    )


def test_a_zip_bomb_document_is_refused_not_expanded(write):
    assert (
        file_location_problem(write("bomb.xlsx", docx({"xl/huge.xml": bytes(300 * 1024 * 1024)})))
        == TOO_PACKED_MESSAGE
    )
