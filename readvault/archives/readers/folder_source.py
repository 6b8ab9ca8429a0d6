"""A folder of images (a chapter unpacked by hand, or a download that was never archived)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from readvault.archives import member_names
from readvault.archives.budget import ByteBudget
from readvault.archives.errors import ArchiveRejected
from readvault.archives.limits import Limits
from readvault.archives.source_pages import (
    SourcePage,
    SourcePages,
    check_member_count,
    choose_comicinfo,
    choose_pages,
)


def _load(path: Path, name: str, budget: ByteBudget, max_bytes: int | None = None) -> bytes:
    with path.open("rb") as stream:
        return budget.read(name, stream, max_bytes)


@contextmanager
def folder_pages(source: Path, limits: Limits, budget: ByteBudget) -> Iterator[SourcePages]:
    files: dict[str, Path] = {}
    # rglob does not follow symbolic links to folders; links themselves are refused below.
    for count, path in enumerate(sorted(source.rglob("*")), start=1):
        check_member_count(count, limits)
        name = path.relative_to(source).as_posix()
        if path.is_symlink():
            raise ArchiveRejected(
                f"The folder's entry {name!r} is a symbolic link; copy the page itself into "
                "the folder."
            )
        if path.is_file() and not member_names.is_ignored(name):
            if member_names.is_page(name):
                budget.check_declared(name, path.stat().st_size)
            files[name] = path
    names = choose_pages(list(files), limits)
    comicinfo_name = choose_comicinfo(list(files))
    comicinfo = None
    if comicinfo_name is not None:
        comicinfo = _load(files[comicinfo_name], comicinfo_name, budget, limits.max_comicinfo_bytes)
    yield SourcePages(
        pages=[SourcePage(name, partial(_load, files[name], name, budget)) for name in names],
        comicinfo=comicinfo,
    )
