"""What every reader hands back: the pages of a source in reading order, each loaded on demand,
and ComicInfo.xml's bytes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from zipfile import ZipInfo

from readvault.archives import member_names
from readvault.archives.errors import ArchiveRejected
from readvault.archives.limits import Limits
from readvault.archives.natural_order import page_order_key


@dataclass(frozen=True)
class SourcePage:
    name: str
    load: Callable[[], bytes]


@dataclass(frozen=True)
class SourcePages:
    pages: list[SourcePage]
    comicinfo: bytes | None = None
    # For a ZIP whose page members a reader can fetch as they are (stored or deflated): the
    # members, in page order, so the source can be kept byte for byte.
    keepable_members: list[ZipInfo] | None = field(default=None)


def choose_pages(names: list[str], limits: Limits) -> list[str]:
    """The page members among an archive's names, in reading order; the last of duplicate
    names wins, as it does when unpacking."""
    pages: list[str] = []
    for name in dict.fromkeys(names):
        if member_names.is_unshowable_image(name):
            member_names.refuse_unshowable(name)
        if member_names.is_page(name):
            pages.append(name)
    check_page_count(len(pages), limits)
    return sorted(pages, key=lambda name: page_order_key(member_names.normalized(name)))


def choose_comicinfo(names: list[str]) -> str | None:
    """ComicInfo.xml at the root, else the first one in a folder."""
    found = [name for name in names if member_names.is_comicinfo(name)]
    found.sort(key=lambda name: (name.count("/"), name))
    return found[0] if found else None


def check_page_count(count: int, limits: Limits) -> None:
    if count > limits.max_pages:
        raise ArchiveRejected(
            f"The source has {count:,} pages, more than the {limits.max_pages:,} one chapter "
            "may hold; split it into volumes or chapters."
        )


def check_member_count(count: int, limits: Limits) -> None:
    if count > limits.max_members:
        raise ArchiveRejected(
            f"The archive has more than {limits.max_members:,} members, more than any comic "
            "chapter; it is not a chapter archive (or it is built to exhaust the importer)."
        )
