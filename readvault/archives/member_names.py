"""What a member of a comic source is, from its name: a page, ComicInfo.xml, or something to
leave alone; and whether the name is one no honest archive carries."""

from __future__ import annotations

import posixpath
import re

from readvault.archives.errors import ArchiveRejected

PAGE_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".gif", ".avif", ".bmp"}
)
# Images browsers do not show: refused by name rather than silently left out of the chapter.
UNSHOWABLE_EXTENSIONS = frozenset({".tif", ".tiff", ".jxl", ".heic", ".heif", ".psd"})
# Litter left by operating systems and image viewers.
LITTER_NAMES = frozenset({"thumbs.db", ".ds_store", "desktop.ini", "ehthumbs.db"})
_DRIVE = re.compile(r"^[A-Za-z]:")


def normalized(name: str) -> str:
    """Forward slashes (Windows tools write backslashes into zips), no leading "./"."""
    name = name.replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    return name


def check_safe(name: str) -> None:
    """Refuse names that point outside the archive: nothing is extracted by name here, but an
    archive carrying one was made to attack some other unpacker, so none of it is trusted."""
    clean = normalized(name)
    if "\x00" in clean:
        raise ArchiveRejected(f"The archive member {name!r} has a NUL character in its name.")
    if clean.startswith("/") or _DRIVE.match(clean):
        raise ArchiveRejected(
            f"The archive member {name!r} has an absolute path; re-pack the pages with "
            "relative names."
        )
    if ".." in clean.split("/"):
        raise ArchiveRejected(
            f"The archive member {name!r} climbs out of the archive with '..' (path "
            "traversal); re-pack the pages with plain names."
        )


def is_ignored(name: str) -> bool:
    """macOS resource forks (__MACOSX/, ._name), hidden files and folders, thumbnail caches."""
    parts = normalized(name).split("/")
    if any(part == "__MACOSX" or part.startswith(".") for part in parts if part):
        return True
    return parts[-1].casefold() in LITTER_NAMES


def extension(name: str) -> str:
    return posixpath.splitext(normalized(name))[1].casefold()


def is_page(name: str) -> bool:
    return not is_ignored(name) and extension(name) in PAGE_EXTENSIONS


def is_unshowable_image(name: str) -> bool:
    return not is_ignored(name) and extension(name) in UNSHOWABLE_EXTENSIONS


def is_comicinfo(name: str) -> bool:
    return not is_ignored(name) and posixpath.basename(normalized(name)).casefold() == (
        "comicinfo.xml"
    )


def refuse_unshowable(name: str) -> None:
    raise ArchiveRejected(
        f"The page {name!r} is a {extension(name)[1:].upper()} image, which browsers do not "
        "show; convert it to JPEG or PNG and import again."
    )
