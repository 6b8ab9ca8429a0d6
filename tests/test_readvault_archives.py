"""ReadVault's archive layer (readvault.archives): every kind of comic source becomes a chapter
archive whose pages a reader fetches with one ranged read each, and every hostile or broken
source is refused with a sentence naming what is wrong.

The sources are made by real tools (tests.support.comic_sources): zipfile, tarfile, Debian's
7zz and qpdf, Pillow's PDF writer. RAR archives come from tests.support.rar_writer, standing in
for archives made by WinRAR or rar (non-free, not installable here); libarchive reads them as
it reads WinRAR's.
"""

from __future__ import annotations

import io
import random
import stat
import struct
import subprocess
import tarfile
import tempfile
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile

from readvault.archives import (
    DEFAULT_LIMITS,
    ArchiveRejected,
    Limits,
    PageFacts,
    page_bytes,
    prepare_chapter,
    read_page,
)
from readvault.archives.natural_order import in_page_order, natural_key
from tests.support.comic_sources import (
    animated_gif,
    centre_colour,
    close_to,
    cmyk_jpeg,
    colour,
    page,
    page_image,
    png_16_bit,
    write_7z,
    write_epub,
    write_folder,
    write_pdf,
    write_tar,
    write_zip,
)
from tests.support.rar_writer import write_rar
from tests.support.services import need_binary

COMICINFO = b'<?xml version="1.0"?><ComicInfo><Title>Test</Title></ComicInfo>'
PAGES = [(f"p{number}.jpg", page(number)) for number in (10, 2, 1)]
IN_ORDER = [page(1), page(2), page(10)]
LITTER = [
    ("Thumbs.db", b"thumbs"),
    (".DS_Store", b"finder"),
    ("__MACOSX/._p1.jpg", b"resource fork"),
    ("notes.txt", b"read me"),
]
CHAPTER = [*PAGES, ("ComicInfo.xml", COMICINFO), *LITTER]


@pytest.fixture
def work(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def page_datas(chapter) -> list[bytes]:
    with chapter.cbz_path.open("rb") as archive:
        return [read_page(archive, facts) for facts in chapter.pages]


def rejected(source: Path, work: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    with pytest.raises(ArchiveRejected) as caught:
        prepare_chapter(source, work, limits)
    assert caught.value.reason == str(caught.value)
    return caught.value.reason


# -- natural order ---------------------------------------------------------------------------


def test_numbers_in_names_sort_as_numbers_and_case_does_not_matter():
    names = ["10.jpg", "2.jpg", "1.jpg", "B.jpg", "a.jpg", "page 002.png", "page 1.png"]
    assert in_page_order(names) == [
        "1.jpg",
        "2.jpg",
        "10.jpg",
        "a.jpg",
        "B.jpg",
        "page 1.png",
        "page 002.png",
    ]


def test_a_folders_pages_come_before_the_next_folders():
    names = ["ch10/1.jpg", "ch2/10.jpg", "ch2/2.jpg", "Cover.jpg", "ch2/B.jpg", "ch2/a.jpg"]
    assert in_page_order(names) == [
        "Cover.jpg",
        "ch2/2.jpg",
        "ch2/10.jpg",
        "ch2/a.jpg",
        "ch2/B.jpg",
        "ch10/1.jpg",
    ]


@given(
    numbers=st.lists(st.integers(0, 10**30), min_size=1, max_size=30, unique=True),
    prefix=st.sampled_from(["", "p", "Page ", "vol1_ch", "ÉPISODE-"]),
    suffix=st.sampled_from([".jpg", ".PNG", "", "-scan.webp"]),
    padding=st.integers(0, 6),
    seed=st.randoms(),
)
def test_numbered_pages_come_out_in_numeric_order(numbers, prefix, suffix, padding, seed):
    names = [f"{prefix}{number:0{padding}d}{suffix}" for number in numbers]
    seed.shuffle(names)
    expected = [f"{prefix}{number:0{padding}d}{suffix}" for number in sorted(numbers)]
    assert sorted(names, key=natural_key) == expected


@given(st.lists(st.text(), unique=True), st.randoms())
def test_the_natural_order_is_total_whatever_the_names(names, seed):
    shuffled = list(names)
    seed.shuffle(shuffled)
    assert sorted(names, key=natural_key) == sorted(shuffled, key=natural_key)
    assert len({natural_key(name) for name in names}) == len(names)


@settings(max_examples=20)
@given(
    numbers=st.lists(st.integers(0, 500), min_size=1, max_size=8, unique=True),
    prefix=st.sampled_from(["", "Page_", "p", "img "]),
    methods=st.lists(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]), min_size=8),
    seed=st.randoms(),
)
def test_a_generated_zip_reads_back_in_natural_order_byte_for_byte(numbers, prefix, methods, seed):
    members = [(f"{prefix}{n}.png", page(n, "PNG")) for n in numbers]
    seed.shuffle(members)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "chapter.cbz"
        with zipfile.ZipFile(source, "w") as archive:
            for (name, data), method in zip(members, methods, strict=False):
                archive.writestr(name, data, compress_type=method)
        chapter = prepare_chapter(source, Path(folder))
        assert chapter.kept_as_is
        expected = sorted(numbers)
        assert [facts.member_name for facts in chapter.pages] == [
            f"{prefix}{n}.png" for n in expected
        ]
        assert page_datas(chapter) == [page(n, "PNG") for n in expected]
        raw = source.read_bytes()
        for facts in chapter.pages:  # the delivery code's way: one ranged read, no file object
            ranged = raw[facts.data_offset : facts.data_offset + facts.compressed_size]
            assert page_bytes(ranged, facts) == page(expected[facts.index], "PNG")


# -- the readers -----------------------------------------------------------------------------


def test_a_fine_cbz_is_kept_byte_for_byte_with_its_pages_facts(tmp_path, work):
    source = tmp_path / "chapter.cbz"
    with zipfile.ZipFile(source, "w") as archive:
        for name, data in CHAPTER:
            method = zipfile.ZIP_DEFLATED if name == "p2.jpg" else zipfile.ZIP_STORED
            archive.writestr(name, data, compress_type=method)
    before = source.read_bytes()

    chapter = prepare_chapter(source, work)

    assert chapter.kept_as_is
    assert chapter.cbz_path == source
    assert source.read_bytes() == before
    assert chapter.source_format == "cbz"
    assert chapter.comicinfo == COMICINFO
    assert [facts.member_name for facts in chapter.pages] == ["p1.jpg", "p2.jpg", "p10.jpg"]
    assert [facts.compression for facts in chapter.pages] == [0, 8, 0]
    assert page_datas(chapter) == IN_ORDER
    first = chapter.pages[0]
    assert (first.index, first.width, first.height, first.format) == (0, 64, 96, "jpeg")
    assert first.size == len(page(1))
    assert not first.is_wide
    assert list(work.iterdir()) == []  # nothing written, no scratch left


def test_a_cbr_that_is_really_a_zip_is_read_as_a_zip(tmp_path, work):
    source = write_zip(tmp_path / "chapter.cbr", CHAPTER)
    chapter = prepare_chapter(source, work)
    assert (chapter.source_format, chapter.kept_as_is) == ("cbz", True)


@pytest.mark.parametrize("version", [4, 5])
def test_a_rar_becomes_a_stored_cbz_with_the_same_image_bytes(tmp_path, work, version):
    source = write_rar(tmp_path / "chapter.cbz", CHAPTER, version=version)  # named as a zip

    chapter = prepare_chapter(source, work)

    assert chapter.source_format == "cbr"
    assert not chapter.kept_as_is
    assert chapter.cbz_path == work / "chapter.cbz"
    assert chapter.comicinfo == COMICINFO
    assert [facts.member_name for facts in chapter.pages] == ["0001.jpg", "0002.jpg", "0003.jpg"]
    assert {facts.compression for facts in chapter.pages} == {0}
    assert page_datas(chapter) == IN_ORDER
    with zipfile.ZipFile(chapter.cbz_path) as cbz:
        assert cbz.read("ComicInfo.xml") == COMICINFO
        assert {info.compress_type for info in cbz.infolist()} == {zipfile.ZIP_STORED}
    assert [path.name for path in work.iterdir()] == ["chapter.cbz"]


@pytest.mark.parametrize("options", [("-ms=on", "-mx=9"), ("-ms=off",)], ids=["solid", "plain"])
def test_a_7z_becomes_a_stored_cbz(tmp_path, work, options):
    source = write_7z(tmp_path / "chapter.cb7", CHAPTER, *options)
    chapter = prepare_chapter(source, work)
    assert (chapter.source_format, chapter.kept_as_is) == ("cb7", False)
    assert chapter.comicinfo == COMICINFO
    assert page_datas(chapter) == IN_ORDER


@pytest.mark.parametrize("mode", ["w", "w:gz"])
def test_a_tar_becomes_a_stored_cbz(tmp_path, work, mode):
    source = write_tar(tmp_path / "chapter.cbt", [(f"Chapter 1/{n}", d) for n, d in CHAPTER], mode)
    chapter = prepare_chapter(source, work)
    assert (chapter.source_format, chapter.kept_as_is) == ("cbt", False)
    assert chapter.comicinfo == COMICINFO
    assert page_datas(chapter) == IN_ORDER


def test_a_folder_of_images_becomes_a_stored_cbz(tmp_path, work):
    source = write_folder(tmp_path / "Chapter 1", CHAPTER)
    chapter = prepare_chapter(source, work)
    assert (chapter.source_format, chapter.kept_as_is) == ("folder", False)
    assert chapter.comicinfo == COMICINFO
    assert page_datas(chapter) == IN_ORDER


def test_a_pdf_is_rendered_page_by_page_at_the_render_width(tmp_path, work):
    source = write_pdf(tmp_path / "chapter.pdf", [3, 1, 2])

    chapter = prepare_chapter(source, work, Limits(pdf_render_width=320))

    assert (chapter.source_format, chapter.kept_as_is, chapter.comicinfo) == ("pdf", False, None)
    assert [(f.width, f.height, f.format) for f in chapter.pages] == [(320, 480, "jpeg")] * 3
    colours = [centre_colour(data) for data in page_datas(chapter)]
    assert all(close_to(got, colour(n)) for got, n in zip(colours, [3, 1, 2], strict=True))


def test_a_wide_pdf_page_is_rendered_twice_as_wide_as_a_spread(tmp_path, work):
    first, spread = page_image(1), page_image(2, (192, 96))
    source = tmp_path / "c.pdf"
    first.save(source, "PDF", save_all=True, append_images=[spread], resolution=72)
    chapter = prepare_chapter(source, work, Limits(pdf_render_width=100))
    assert [(f.width, f.height, f.is_wide) for f in chapter.pages] == [
        (100, 150, False),
        (200, 100, True),
    ]


def test_an_image_epub_reads_in_spine_order(tmp_path, work):
    images = [("a.jpg", page(1)), ("b.png", page(2, "PNG")), ("c.jpg", page(3))]
    source = write_epub(tmp_path / "book.epub", images, spine=["c.jpg", "a.jpg", "b.png"])

    chapter = prepare_chapter(source, work)

    assert (chapter.source_format, chapter.kept_as_is) == ("epub", False)
    assert [f.member_name for f in chapter.pages] == ["0001.jpg", "0002.jpg", "0003.png"]
    assert page_datas(chapter) == [page(3), page(1), page(2, "PNG")]


@pytest.mark.parametrize("markup", ["svg", "img-entities"])
def test_an_epub_showing_pages_through_svg_or_sloppy_xhtml_reads_in_spine_order(
    tmp_path, work, markup
):
    images = [("a.jpg", page(1)), ("b.jpg", page(2))]
    source = write_epub(tmp_path / "book.epub", images, spine=["b.jpg", "a.jpg"], markup=markup)
    chapter = prepare_chapter(source, work)
    assert page_datas(chapter) == [page(2), page(1)]


def test_a_fixed_layout_epub_painting_its_pages_reads_in_manifest_order(tmp_path, work):
    images = [("p1.jpg", page(1)), ("p2.jpg", page(2))]
    source = write_epub(tmp_path / "book.epub", images, markup="css")
    chapter = prepare_chapter(source, work)
    assert page_datas(chapter) == [page(1), page(2)]


@pytest.mark.parametrize(
    ("image_format", "name"),
    [("PNG", "png"), ("WEBP", "webp"), ("GIF", "gif"), ("AVIF", "avif"), ("BMP", "bmp")],
)
def test_every_format_browsers_show_is_kept_with_its_facts(tmp_path, work, image_format, name):
    data = page(1, image_format)
    source = write_zip(tmp_path / "c.cbz", [(f"1.{name}", data)])
    chapter = prepare_chapter(source, work)
    assert chapter.kept_as_is
    assert (chapter.pages[0].format, chapter.pages[0].size) == (name, len(data))
    assert page_datas(chapter) == [data]


def test_a_zip_of_bzip2_pages_is_converted_to_stored_pages(tmp_path, work):
    source = write_zip(tmp_path / "c.cbz", PAGES, zipfile.ZIP_BZIP2)
    chapter = prepare_chapter(source, work)
    assert (chapter.source_format, chapter.kept_as_is) == ("cbz", False)
    assert {facts.compression for facts in chapter.pages} == {0}
    assert page_datas(chapter) == IN_ORDER


def test_a_zip_in_a_compression_python_cannot_read_is_refused(tmp_path, work):
    source = write_zip(tmp_path / "c.cbz", [("1.jpg", page(1))])
    raw = bytearray(source.read_bytes())
    for header, method_at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):  # APPNOTE 4.3.7, 4.3.12
        raw[raw.index(header) + method_at] = 9  # Deflate64
    source.write_bytes(bytes(raw))
    assert "'1.jpg' uses compression method 9" in rejected(source, work)


def test_page_facts_come_from_headers_without_decoding_a_page(tmp_path, work, monkeypatch):
    def no_decoding(self):
        raise AssertionError("a page was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    source = write_zip(tmp_path / "c.cbz", [("1.jpg", page(1)), ("2.png", page(2, "PNG"))])
    chapter = prepare_chapter(source, work)
    assert [facts.format for facts in chapter.pages] == ["jpeg", "png"]


def test_wide_pages_are_marked_as_spreads(tmp_path, work):
    source = write_zip(tmp_path / "c.cbz", [("1.jpg", page(1)), ("2.jpg", page(2, size=(128, 96)))])
    chapter = prepare_chapter(source, work)
    assert [facts.is_wide for facts in chapter.pages] == [False, True]


# -- special images --------------------------------------------------------------------------


def test_a_cmyk_jpeg_is_converted_to_rgb_with_a_note(tmp_path, work):
    source = write_zip(tmp_path / "c.cbz", [("1.jpg", page(1)), ("2.jpg", cmyk_jpeg(2))])

    chapter = prepare_chapter(source, work)

    assert not chapter.kept_as_is
    first, second = page_datas(chapter)
    assert first == page(1)
    with Image.open(io.BytesIO(second)) as image:
        assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (64, 96))
    assert len(chapter.notes) == 1
    assert "'2.jpg'" in chapter.notes[0]
    assert "CMYK" in chapter.notes[0]


def test_a_16_bit_png_and_an_animated_gif_are_kept_with_their_facts(tmp_path, work):
    source = write_zip(tmp_path / "c.cbz", [("1.png", png_16_bit()), ("2.gif", animated_gif())])
    chapter = prepare_chapter(source, work)
    assert chapter.kept_as_is
    assert [(f.format, f.width, f.height) for f in chapter.pages] == [
        ("png", 64, 96),
        ("gif", 80, 60),
    ]
    assert chapter.pages[1].is_wide


# -- guards: the archive ---------------------------------------------------------------------


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path, work):
    source = write_zip(
        tmp_path / "c.cbz", [("1.jpg", page(1)), ("2.jpg", bytes(3 * 2**20))], zipfile.ZIP_DEFLATED
    )
    reason = rejected(source, work, Limits(max_ratio=50))
    assert "'2.jpg'" in reason
    assert "zip bomb" in reason


def test_a_zip_over_the_total_size_is_refused_from_its_directory(tmp_path, work):
    source = write_zip(tmp_path / "c.cbz", [(f"{n}.jpg", page(n)) for n in range(5)])
    reason = rejected(source, work, Limits(max_total_bytes=2_000))
    assert "2,000-byte limit" in reason


def test_a_7z_that_inflates_far_past_its_size_is_stopped_while_reading(tmp_path, work):
    source = write_7z(tmp_path / "c.cb7", [("1.jpg", page(1)), ("2.bmp", bytes(4 * 2**20))])
    reason = rejected(source, work, Limits(max_ratio=10, ratio_checked_above=2**16))
    assert "'2.bmp'" in reason
    assert "zip bomb" in reason


def test_a_member_over_the_page_size_is_stopped_while_reading(tmp_path, work):
    source = write_tar(
        tmp_path / "c.cbt", [("1.jpg", page(1)), ("2.jpg", page(2, size=(640, 960)))]
    )
    reason = rejected(source, work, Limits(max_member_bytes=4_000))
    assert "'2.jpg'" in reason


@pytest.mark.parametrize("kind", ["zip", "tar"])
def test_too_many_members_are_refused(tmp_path, work, kind):
    members = [(f"{n}.txt", b"x") for n in range(20)]
    source = (
        write_zip(tmp_path / "c.cbz", members)
        if kind == "zip"
        else write_tar(tmp_path / "c.cbt", members)
    )
    assert "more than 10 members" in rejected(source, work, Limits(max_members=10))


def test_too_many_pages_are_refused(tmp_path, work):
    source = write_zip(tmp_path / "c.cbz", [(f"{n}.jpg", page(n)) for n in range(6)])
    assert "6 pages" in rejected(source, work, Limits(max_pages=5))


@pytest.mark.parametrize(
    "name", ["../../evil.jpg", "/etc/evil.jpg", "pages/../../evil.jpg", "C:/evil.jpg"]
)
@pytest.mark.parametrize("kind", ["zip", "tar", "rar5"])
def test_names_that_leave_the_archive_are_refused(tmp_path, work, name, kind):
    members = [("1.jpg", page(1)), (name, page(2))]
    if kind == "zip":
        source = write_zip(tmp_path / "c.cbz", members)
    elif kind == "tar":
        source = write_tar(tmp_path / "c.cbt", members)
    else:
        source = write_rar(tmp_path / "c.cbr", members)
    reason = rejected(source, work)
    assert repr(name) in reason
    assert "absolute" in reason or "traversal" in reason


def test_a_symlink_in_a_zip_is_refused(tmp_path, work):
    source = tmp_path / "c.cbz"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("1.jpg", page(1))
        link = zipfile.ZipInfo("2.jpg")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    assert "'2.jpg' is a symbolic link" in rejected(source, work)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [(tarfile.SYMTYPE, "is a link"), (tarfile.LNKTYPE, "is a link"), (tarfile.CHRTYPE, "device")],
)
def test_links_and_devices_in_a_tar_are_refused(tmp_path, work, kind, expected):
    source = tmp_path / "c.cbt"
    with tarfile.open(source, "w") as archive:
        data = page(1)
        info = tarfile.TarInfo("1.jpg")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
        special = tarfile.TarInfo("2.jpg")
        special.type = kind
        special.linkname = "1.jpg" if kind == tarfile.LNKTYPE else "/etc/passwd"
        special.devmajor, special.devminor = 1, 3
        archive.addfile(special)
    reason = rejected(source, work)
    assert "'2.jpg'" in reason
    assert expected in reason


def test_a_symlink_in_a_folder_is_refused(tmp_path, work):
    source = write_folder(tmp_path / "chapter", [("1.jpg", page(1))])
    (source / "2.jpg").symlink_to("/etc/passwd")
    assert "'2.jpg' is a symbolic link" in rejected(source, work)


def test_an_encrypted_zip_member_is_refused(tmp_path, work):
    source = write_zip(tmp_path / "c.cbz", [("1.jpg", page(1)), ("2.jpg", page(2))])
    raw = bytearray(source.read_bytes())
    central = raw.rindex(b"PK\x01\x02")  # the last member's central directory entry
    raw[central + 8] |= 0x01  # APPNOTE 4.4.4: general purpose bit 0, encrypted
    source.write_bytes(bytes(raw))
    reason = rejected(source, work)
    assert "'2.jpg' is encrypted" in reason


@pytest.mark.parametrize(
    "options", [("-pSecret",), ("-pSecret", "-mhe=on")], ids=["data", "headers"]
)
def test_an_encrypted_7z_is_refused(tmp_path, work, options):
    source = write_7z(tmp_path / "c.cb7", [("1.jpg", page(1))], *options)
    assert "encrypted" in rejected(source, work)


def test_an_encrypted_rar_is_refused(tmp_path, work):
    source = write_rar(tmp_path / "c.cbr", [("1.jpg", page(1))], version=4, encrypted=True)
    assert "'1.jpg' is encrypted" in rejected(source, work)


def _archive(tmp_path: Path, kind: str, members: list[tuple[str, bytes]]) -> Path:
    if kind == "zip":
        return write_zip(tmp_path / "c.cbz", members)
    if kind == "7z":
        return write_7z(tmp_path / "c.cb7", members)
    if kind.startswith("tar"):
        return write_tar(tmp_path / "c.cbt", members, "w:gz" if kind == "tar.gz" else "w")
    return write_rar(tmp_path / "c.cbr", members, version=int(kind[-1]))


def _cut_between_members(source: Path, kind: str) -> int:
    """Where the third member's header starts: a cut there leaves two whole members."""
    raw = source.read_bytes()
    if kind == "tar":
        return 512 * 4  # two members: a header block and two data blocks each
    return raw.index(page(1)) + len(page(1))


@pytest.mark.parametrize("kind", ["zip", "7z", "rar5", "rar4", "tar", "tar.gz"])
def test_a_truncated_archive_is_refused(tmp_path, work, kind):
    source = _archive(tmp_path, kind, [(f"{n}.jpg", page(n)) for n in range(4)])
    source.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
    reason = rejected(source, work)
    assert "corrupt or truncated" in reason or "truncated" in reason
    assert not (work / "chapter.cbz").exists()  # no half-written chapter


@pytest.mark.parametrize("kind", ["rar5", "rar4", "tar"])
def test_an_archive_cut_between_two_members_is_refused(tmp_path, work, kind):
    """libarchive reads such a file as a shorter archive; the block chain shows the cut."""
    source = _archive(tmp_path, kind, [(f"{n}.jpg", page(n)) for n in range(4)])
    source.write_bytes(source.read_bytes()[: _cut_between_members(source, kind)])
    assert "truncated" in rejected(source, work)


def test_a_zip_member_with_a_bad_checksum_is_refused(tmp_path, work):
    data = page(2)
    source = write_zip(tmp_path / "c.cbz", [("1.jpg", page(1)), ("2.jpg", data)])
    raw = bytearray(source.read_bytes())
    raw[raw.index(data) + 200] ^= 0xFF
    source.write_bytes(bytes(raw))
    reason = rejected(source, work)
    assert "'2.jpg' is corrupt" in reason


def test_a_file_of_no_known_kind_is_refused(tmp_path, work):
    source = tmp_path / "chapter.cbz"
    source.write_bytes(b"hello, this is not an archive at all")
    assert "not a comic archive" in rejected(source, work)
    source.write_bytes(b"")
    assert "empty" in rejected(source, work)


def test_an_archive_without_pages_is_refused(tmp_path, work):
    source = write_zip(tmp_path / "c.cbz", [("ComicInfo.xml", COMICINFO), *LITTER])
    assert "no pages" in rejected(source, work)


# -- guards: the images ----------------------------------------------------------------------


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a size its few bytes of data do not hold."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("size", [(10_000, 9_000), (60_000, 60_000)])
def test_a_decompression_bomb_image_is_refused_from_its_header(tmp_path, work, size):
    source = write_zip(tmp_path / "c.cbz", [("1.jpg", page(1)), ("2.png", _png_claiming(*size))])
    reason = rejected(source, work)
    assert "'2.png'" in reason
    assert "decompression bomb" in reason


def test_the_pixel_cap_comes_from_the_limits(tmp_path, work):
    source = write_zip(tmp_path / "c.cbz", [("1.jpg", page(1))])
    assert "64x96 pixels" in rejected(source, work, Limits(max_pixels=6_000))


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("2.jpg", b"\xff\xd8\xff\xe0 not really a jpeg" * 10, "'2.jpg' is"),
        ("2.jpg", page(2, size=(320, 480))[:-300], "'2.jpg' is a truncated JPEG"),
        ("2.png", page(2, "PNG")[:-40], "'2.png' is a corrupt image"),
        ("2.webp", page(2, "WEBP")[:-30], "'2.webp' is a"),
        ("2.tif", page(2, "TIFF"), "browsers do not show"),
        ("2.jpg", page(2, "TIFF"), "browsers do not show"),
    ],
    ids=[
        "garbage",
        "truncated-jpeg",
        "truncated-png",
        "truncated-webp",
        "tiff-name",
        "tiff-inside",
    ],
)
def test_a_corrupt_or_unshowable_page_is_refused(tmp_path, work, name, data, expected):
    source = write_zip(tmp_path / "c.cbz", [("1.jpg", page(1)), (name, data)])
    assert expected in rejected(source, work)


def test_a_bad_page_late_in_a_conversion_leaves_no_chapter_behind(tmp_path, work):
    source = write_rar(tmp_path / "c.cbr", [("1.jpg", page(1)), ("2.jpg", b"\xff\xd8 broken")])
    rejected(source, work)
    assert list(work.iterdir()) == []


# -- guards: PDF and EPUB --------------------------------------------------------------------


def _pdf_without_pages() -> bytes:
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[]/Count 0>>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 3\n0000000000 65535 f \n"
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size 3/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_a_pdf_without_pages_is_refused(tmp_path, work):
    source = tmp_path / "c.pdf"
    source.write_bytes(_pdf_without_pages())
    assert "no pages" in rejected(source, work)


def test_a_password_protected_pdf_is_refused(tmp_path, work):
    qpdf = need_binary("qpdf")
    plain = write_pdf(tmp_path / "plain.pdf", [1, 2])
    source = tmp_path / "locked.pdf"
    subprocess.run(
        [qpdf, "--encrypt", "reader-secret", "owner-secret", "256", "--", plain, source], check=True
    )
    assert "password-protected" in rejected(source, work)


def test_a_corrupt_pdf_is_refused(tmp_path, work):
    source = tmp_path / "c.pdf"
    source.write_bytes(b"%PDF-1.7\n" + bytes(random.Random(1).randbytes(2000)))
    assert "PDF" in rejected(source, work)


def test_a_text_epub_is_refused(tmp_path, work):
    source = write_epub(tmp_path / "novel.epub", [], text_pages=3)
    assert "text book" in rejected(source, work)


def test_a_text_epub_with_a_cover_image_is_refused(tmp_path, work):
    source = write_epub(tmp_path / "novel.epub", [("cover.jpg", page(1))], text_pages=5)
    assert "5 of its 6 pages show no image" in rejected(source, work)


def test_a_drm_protected_epub_is_refused(tmp_path, work):
    source = write_epub(tmp_path / "book.epub", [("p1.jpg", page(1))])
    encryption = (
        '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
        'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:CipherData>'
        '<enc:CipherReference URI="OEBPS/images/p1.jpg"/></enc:CipherData></enc:EncryptedData>'
        "</encryption>"
    )
    with zipfile.ZipFile(source, "a") as archive:
        archive.writestr("META-INF/encryption.xml", encryption)
    assert "DRM" in rejected(source, work)


# -- page_bytes ------------------------------------------------------------------------------


def test_page_bytes_refuses_a_short_read():
    facts = PageFacts(
        index=0,
        member_name="0001.jpg",
        width=64,
        height=96,
        format="jpeg",
        size=10,
        is_wide=False,
        data_offset=0,
        compressed_size=10,
        compression=0,
    )
    with pytest.raises(ArchiveRejected, match="expected 10"):
        page_bytes(b"12345", facts)
