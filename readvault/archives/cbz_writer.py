"""A plain CBZ written from any source's pages: images STORED byte for byte (they are already
compressed; deflating them again saves ~1% and costs a zlib pass on every page read), renamed
0001.jpg, 0002.png... in reading order, ComicInfo.xml first."""

from __future__ import annotations

import zipfile
from pathlib import Path

from readvault.archives.chapter import PageFacts
from readvault.archives.chapter_layout import page_facts
from readvault.archives.image_facts import (
    FILE_EXTENSIONS,
    ImageFacts,
    cmyk_to_rgb_jpeg,
    inspect_image,
)
from readvault.archives.limits import Limits
from readvault.archives.page_progress import PageProgress, no_progress
from readvault.archives.source_pages import SourcePage

# A fixed timestamp (the ZIP epoch): the same pages make the same archive.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
REGULAR_FILE = 0o100644 << 16


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = REGULAR_FILE
    return info


def page_member_name(index: int, count: int, page_format: str) -> str:
    width = max(4, len(str(count)))
    return f"{index + 1:0{width}d}.{FILE_EXTENSIONS[page_format]}"


def write_cbz(
    pages: list[SourcePage],
    comicinfo: bytes | None,
    out: Path,
    limits: Limits,
    progress: PageProgress = no_progress,
) -> tuple[list[PageFacts], list[str]]:
    """The pages' facts in `out`, and notes on what was changed; `progress` hears of each
    page written."""
    notes: list[str] = []
    written: list[tuple[str, ImageFacts]] = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as cbz:
        if comicinfo is not None:
            cbz.writestr(_member("ComicInfo.xml"), comicinfo)
        for index, page in enumerate(pages):
            data = page.load()
            image = inspect_image(data, page.name, limits)
            if image.is_cmyk_jpeg:
                data = cmyk_to_rgb_jpeg(data, limits.jpeg_quality)
                image = inspect_image(data, page.name, limits)
                notes.append(
                    f"Page {index + 1} ({page.name!r}) was a CMYK JPEG; it was converted to "
                    "RGB, since browsers show CMYK colours wrongly."
                )
            name = page_member_name(index, len(pages), image.format)
            cbz.writestr(_member(name), data)
            written.append((name, image))
            progress(len(written), len(pages))
    with zipfile.ZipFile(out) as cbz:
        members = [(cbz.getinfo(name), image) for name, image in written]
    return page_facts(out, members), notes
