"""What a comic source is, from its first bytes: names lie (a .cbr that is really a ZIP is
common, and so is a .cbz that is a RAR)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from readvault.archives.errors import ArchiveRejected

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
RAR_SIGNATURE = b"Rar!\x1a\x07"  # then \x00 (RAR 4) or \x01\x00 (RAR 5)
SEVEN_ZIP_SIGNATURE = b"7z\xbc\xaf\x27\x1c"
# Compressed tars: gzip, bzip2, xz, zstd.
COMPRESSED_SIGNATURES = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd")
# ISO 32000-1, 7.5.2: readers accept the header anywhere in the first 1024 bytes.
PDF_SIGNATURE = b"%PDF-"
EPUB_MIMETYPE = b"application/epub+zip"

SOURCE_FORMATS = ("cbz", "cbr", "cb7", "cbt", "pdf", "epub", "folder")


def detect_format(source: Path) -> str:
    """One of SOURCE_FORMATS."""
    if source.is_dir():
        return "folder"
    with source.open("rb") as stream:
        head = stream.read(1024)
    if not head:
        raise ArchiveRejected("The file is empty.")
    if head.startswith(ZIP_SIGNATURES):
        return "epub" if _is_epub(source, head) else "cbz"
    if head.startswith(RAR_SIGNATURE):
        return "cbr"
    if head.startswith(SEVEN_ZIP_SIGNATURE):
        return "cb7"
    if head[257:262] == b"ustar" or head.startswith(COMPRESSED_SIGNATURES):
        return "cbt"
    if PDF_SIGNATURE in head:
        return "pdf"
    raise ArchiveRejected(
        f"The file is not a comic archive this importer reads (ZIP/CBZ, RAR/CBR, 7z/CB7, "
        f"tar/CBT, PDF or EPUB): it begins with {head[:8].hex(' ')}."
    )


def _is_epub(source: Path, head: bytes) -> bool:
    """OCF: the first member is "mimetype", stored, holding application/epub+zip (so it sits
    at byte 38); tools that ignore that rule still write the member or the container."""
    if head[30:38] == b"mimetype" and head[38:58] == EPUB_MIMETYPE:
        return True
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                return archive.read("mimetype").strip() == EPUB_MIMETYPE
            return "META-INF/container.xml" in names
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, ValueError):
        return False  # the ZIP reader will say what is wrong with it
