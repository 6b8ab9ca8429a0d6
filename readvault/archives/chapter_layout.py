"""PageFacts from a ZIP's members and their image facts: where each page's bytes sit."""

from __future__ import annotations

import zipfile
from pathlib import Path

from readvault.archives.chapter import PageFacts
from readvault.archives.image_facts import ImageFacts
from readvault.archives.zip_layout import member_span


def page_facts(
    archive_path: Path, members: list[tuple[zipfile.ZipInfo, ImageFacts]]
) -> list[PageFacts]:
    file_size = archive_path.stat().st_size
    pages = []
    with archive_path.open("rb") as archive:
        for index, (info, image) in enumerate(members):
            span = member_span(archive, info, file_size)
            pages.append(
                PageFacts(
                    index=index,
                    member_name=info.filename,
                    width=image.width,
                    height=image.height,
                    format=image.format,
                    size=info.file_size,
                    is_wide=image.width > image.height,
                    data_offset=span.data_offset,
                    compressed_size=span.compressed_size,
                    compression=span.compression,
                )
            )
    return pages
