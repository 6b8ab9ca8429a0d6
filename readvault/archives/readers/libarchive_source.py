"""RAR 4, RAR 5, 7z (solid too) and tar sources, read through Debian's libarchive.

These formats have no cheap random access (a solid 7z or RAR must be unpacked from the start),
so one pass in archive order copies the pages into a scratch folder, and they are put in page
order afterwards.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import libarchive
import libarchive.ffi
from libarchive.entry import ArchiveEntry
from libarchive.exception import ArchiveError

from readvault.archives import member_names
from readvault.archives.budget import ByteBudget
from readvault.archives.errors import ArchiveRejected
from readvault.archives.limits import Limits
from readvault.archives.page_progress import PageProgress, no_progress
from readvault.archives.readers.rar_chain import check_rar_whole
from readvault.archives.readers.tar_chain import check_tar_whole
from readvault.archives.source_pages import (
    SourcePage,
    SourcePages,
    check_member_count,
    choose_comicinfo,
    choose_pages,
)

RAR5_SIGNATURE = b"Rar!\x1a\x07\x01\x00"
RAR4_SIGNATURE = b"Rar!\x1a\x07\x00"
LABELS = {"cbr": "RAR", "cb7": "7z", "cbt": "tar"}

# archive_entry_is_encrypted (libarchive >= 3.2): libarchive-c does not wrap it.
_is_encrypted = libarchive.ffi.libarchive.archive_entry_is_encrypted
_is_encrypted.argtypes = [ctypes.c_void_p]
_is_encrypted.restype = ctypes.c_int


def _reader_formats(source: Path, source_format: str) -> tuple[str, str]:
    """libarchive's format and filter for a source: named, never 'all', so a tar is not read
    as mtree or a RAR as anything else."""
    if source_format == "cbr":
        with source.open("rb") as head:
            rar5 = head.read(len(RAR5_SIGNATURE)) == RAR5_SIGNATURE
        return ("rar5" if rar5 else "rar"), "none"
    if source_format == "cb7":
        return "7zip", "none"
    return "tar", "all"  # a tar may come gzipped, bzip2ed or xz-ed


@contextmanager
def libarchive_pages(
    source: Path,
    source_format: str,
    scratch: Path,
    limits: Limits,
    budget: ByteBudget,
    progress: PageProgress = no_progress,
) -> Iterator[SourcePages]:
    """The pages, unpacked into `scratch`; `progress(unpacked, 0)` after each (how many pages
    the archive holds is known only at its end)."""
    label = LABELS[source_format]
    format_name, filter_name = _reader_formats(source, source_format)
    _check_whole(source, source_format)
    extracted: dict[str, Path] = {}
    comicinfos: dict[str, bytes] = {}
    try:
        with libarchive.file_reader(str(source), format_name, filter_name) as archive:
            for count, entry in enumerate(archive, start=1):
                check_member_count(count, limits)
                name = _entry_name(entry)
                if not _wanted(entry, name, label):
                    continue
                if member_names.is_comicinfo(name):
                    blocks = entry.get_blocks()
                    comicinfos[name] = budget.take(name, blocks, limits.max_comicinfo_bytes)
                elif member_names.is_unshowable_image(name):
                    member_names.refuse_unshowable(name)  # before unpacking it
                elif member_names.is_page(name):
                    extracted[name] = _extract(entry, name, scratch, budget, len(extracted))
                    progress(len(extracted), 0)
    except ArchiveError as error:
        raise _rejection(label, error) from None
    names = choose_pages(list(extracted), limits)
    comicinfo_name = choose_comicinfo(list(comicinfos))
    yield SourcePages(
        pages=[SourcePage(name, partial(extracted[name].read_bytes)) for name in names],
        comicinfo=comicinfos[comicinfo_name] if comicinfo_name else None,
    )


def _check_whole(source: Path, source_format: str) -> None:
    """7z keeps its directory at the end, so libarchive notices a cut one; RAR and plain tar
    are walked here (a compressed tar's own stream check catches a cut)."""
    with source.open("rb") as archive:
        size = source.stat().st_size
        if source_format == "cbr":
            check_rar_whole(archive, size)
        elif source_format == "cbt" and archive.read(262)[257:262] == b"ustar":
            check_tar_whole(archive, size)


def _entry_name(entry: ArchiveEntry) -> str:
    name = entry.pathname
    if isinstance(name, bytes):  # not valid in the archive's declared encoding
        name = name.decode("utf-8", "replace")
    return str(name or "")


def _wanted(entry: ArchiveEntry, name: str, label: str) -> bool:
    """Refuse what no comic archive holds; say whether the entry is a file worth reading."""
    member_names.check_safe(name)
    if entry.issym or entry.islnk:
        raise ArchiveRejected(
            f"The {label} member {name!r} is a link (to {entry.linkpath!r}), not a file; "
            "re-pack the archive with the pages themselves."
        )
    if entry.isblk or entry.ischr or entry.isfifo or entry.issock:
        raise ArchiveRejected(
            f"The {label} member {name!r} is a device, pipe or socket, not a file."
        )
    if entry.isdir or member_names.is_ignored(name):
        return False
    if _is_encrypted(entry._entry_p):
        raise ArchiveRejected(
            f"The {label} member {name!r} is encrypted (password-protected); re-pack the "
            "archive without a password."
        )
    return True


def _extract(entry: ArchiveEntry, name: str, scratch: Path, budget: ByteBudget, n: int) -> Path:
    """The page's bytes into the scratch folder under a number, never under its own name."""
    budget.check_declared(name, entry.size)
    path = scratch / f"{n:06d}"
    path.write_bytes(budget.take(name, entry.get_blocks()))
    return path


def _rejection(label: str, error: ArchiveError) -> ArchiveRejected:
    message = str(error)
    if "ncrypt" in message or "assword" in message:
        return ArchiveRejected(
            f"The {label} archive is encrypted (password-protected); re-pack it without a "
            f"password (libarchive: {message})."
        )
    return ArchiveRejected(
        f"The {label} archive is corrupt or truncated and cannot be read (libarchive: {message})."
    )
