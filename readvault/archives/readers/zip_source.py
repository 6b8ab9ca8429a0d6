"""ZIP and CBZ sources, read with Python's zipfile after the directory's checks."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from readvault.archives.budget import ByteBudget
from readvault.archives.errors import ArchiveRejected
from readvault.archives.limits import Limits
from readvault.archives.source_pages import (
    SourcePage,
    SourcePages,
    choose_comicinfo,
    choose_pages,
)
from readvault.archives.zip_layout import READABLE_METHODS, check_directory


@contextmanager
def open_checked_zip(source: Path, limits: Limits) -> Iterator[zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise ArchiveRejected(
            f"The ZIP archive is corrupt or truncated: its directory cannot be read ({error})."
        ) from None
    with archive:
        check_directory(archive.infolist(), limits)
        yield archive


def read_zip_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    budget: ByteBudget,
    max_bytes: int | None = None,
) -> bytes:
    name = info.filename
    try:
        with archive.open(info) as stream:
            return budget.read(name, stream, max_bytes)
    except NotImplementedError:
        raise ArchiveRejected(
            f"The ZIP member {name!r} uses compression method {info.compress_type}, which "
            "cannot be read here; re-pack the archive as a plain ZIP (stored or deflated)."
        ) from None
    except RuntimeError as error:  # zipfile: "File ... is encrypted, password required"
        raise ArchiveRejected(f"The ZIP member {name!r} cannot be read: {error}.") from None
    except (zipfile.BadZipFile, EOFError, zlib.error, OSError) as error:
        raise ArchiveRejected(
            f"The ZIP member {name!r} is corrupt or truncated ({error})."
        ) from None


@contextmanager
def zip_pages(source: Path, limits: Limits, budget: ByteBudget) -> Iterator[SourcePages]:
    with open_checked_zip(source, limits) as archive:
        # The last of duplicate names wins, as with zipfile.getinfo and unzip.
        by_name = {info.filename: info for info in archive.infolist() if not info.is_dir()}
        names = choose_pages(list(by_name), limits)
        comicinfo_name = choose_comicinfo(list(by_name))
        comicinfo = None
        if comicinfo_name is not None:
            comicinfo = read_zip_member(
                archive, by_name[comicinfo_name], budget, limits.max_comicinfo_bytes
            )
        members = [by_name[name] for name in names]
        keepable = all(info.compress_type in READABLE_METHODS for info in members)
        yield SourcePages(
            pages=[
                SourcePage(info.filename, partial(read_zip_member, archive, info, budget))
                for info in members
            ],
            comicinfo=comicinfo,
            keepable_members=members if keepable else None,
        )
