"""prepare_chapter: any comic source in, a chapter archive with the facts of each page out."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from readvault.archives.budget import ByteBudget
from readvault.archives.cbz_writer import write_cbz
from readvault.archives.chapter import PreparedChapter
from readvault.archives.chapter_layout import page_facts
from readvault.archives.errors import ArchiveRejected
from readvault.archives.image_facts import inspect_image
from readvault.archives.limits import DEFAULT_LIMITS, Limits
from readvault.archives.page_progress import PageProgress, no_progress
from readvault.archives.readers.epub_source import epub_pages
from readvault.archives.readers.folder_source import folder_pages
from readvault.archives.readers.libarchive_source import libarchive_pages
from readvault.archives.readers.pdf_source import pdf_pages
from readvault.archives.readers.zip_source import zip_pages
from readvault.archives.source_format import detect_format
from readvault.archives.source_pages import SourcePages

CHAPTER_NAME = "chapter.cbz"
# Sources whose pages come out near their packed size, so that the whole source's ratio can
# stand in for a per-member ratio (a PDF's rendered pages can rightly be 1,000x its size).
_RATIO_CHECKED = frozenset({"cbz", "cbr", "cb7", "cbt", "epub"})


def prepare_chapter(
    source: Path,
    work_dir: Path,
    limits: Limits = DEFAULT_LIMITS,
    progress: PageProgress | None = None,
) -> PreparedChapter:
    """The chapter archive to store for `source` (a file or a folder), written into work_dir
    unless the source is a ZIP that can be kept as it is. Raises ArchiveRejected.
    `progress(done, total)` hears of each page read (readvault.archives.page_progress)."""
    report = progress or no_progress
    source_format = detect_format(source)
    source_size = source.stat().st_size if source_format in _RATIO_CHECKED else None
    budget = ByteBudget(limits, source_size)
    work_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="scratch-", dir=work_dir))
    try:
        with _source_pages(source, source_format, scratch, limits, budget, report) as found:
            if not found.pages:
                raise ArchiveRejected(
                    "The source holds no pages: no JPEG, PNG, WebP, GIF, AVIF or BMP images."
                )
            kept = _kept_as_is(source, source_format, found, limits, report)
            out = work_dir / CHAPTER_NAME
            return kept or _converted(source_format, found, out, limits, report)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@contextmanager
def _source_pages(
    source: Path,
    source_format: str,
    scratch: Path,
    limits: Limits,
    budget: ByteBudget,
    report: PageProgress,
) -> Iterator[SourcePages]:
    if source_format == "cbz":
        opened = zip_pages(source, limits, budget)
    elif source_format == "epub":
        opened = epub_pages(source, limits, budget)
    elif source_format == "pdf":
        opened = pdf_pages(source, limits, budget)
    elif source_format == "folder":
        opened = folder_pages(source, limits, budget)
    else:
        opened = libarchive_pages(source, source_format, scratch, limits, budget, report)
    with opened as found:
        yield found


def _kept_as_is(
    source: Path, source_format: str, found: SourcePages, limits: Limits, report: PageProgress
) -> PreparedChapter | None:
    """The source itself, when a reader can fetch every page from it with one ranged read and
    no page needs converting."""
    if found.keepable_members is None:
        return None
    images = []
    for page in found.pages:
        image = inspect_image(page.load(), page.name, limits)
        if image.is_cmyk_jpeg:
            return None
        images.append(image)
        report(len(images), len(found.pages))
    return PreparedChapter(
        cbz_path=source,
        kept_as_is=True,
        source_format=source_format,
        comicinfo=found.comicinfo,
        pages=page_facts(source, list(zip(found.keepable_members, images, strict=True))),
    )


def _converted(
    source_format: str, found: SourcePages, out: Path, limits: Limits, report: PageProgress
) -> PreparedChapter:
    try:
        pages, notes = write_cbz(found.pages, found.comicinfo, out, limits, report)
    except BaseException:
        out.unlink(missing_ok=True)  # never leave a half-written chapter behind
        raise
    return PreparedChapter(
        cbz_path=out,
        kept_as_is=False,
        source_format=source_format,
        comicinfo=found.comicinfo,
        pages=pages,
        notes=notes,
    )
