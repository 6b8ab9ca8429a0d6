"""Chapters with real page images for the page-delivery tests and bench/comic_pages.py: a CBZ
whose members are stored or deflated, kept on any backend (local, S3, Telegram), with a Page
row per member pointing at its bytes the way import records them (tests/factories.py's
comic_chapter makes stored members on local disk only)."""

from __future__ import annotations

import io
import random
import tempfile
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from PIL import Image

from readvault.models import Chapter, Page, Series
from stored_media.objects import store_file

LOCAL_HEADER = 30  # a ZIP local file header's fixed part (APPNOTE.TXT 4.3.7)


def page_image(width: int, height: int, seed: int = 1, image_format: str = "JPEG") -> bytes:
    """A page of noise over gradients: it compresses like a scan, not like a flat colour."""
    noise = Image.frombytes("L", (width, height), random.Random(seed).randbytes(width * height))
    bands = Image.linear_gradient("L").resize((width, height))
    rings = Image.radial_gradient("L").resize((width, height))
    image = Image.merge("RGB", [Image.blend(noise, bands, 0.7), bands, rings])
    out = io.BytesIO()
    options = {"quality": 90} if image_format == "JPEG" else {}
    image.save(out, image_format, **options)
    return out.getvalue()


def member_data_offset(info: zipfile.ZipInfo, data: bytes) -> int:
    """Where the member's data starts: after its local header, whose extra field may differ
    from the central directory's (so it is read from the local header itself)."""
    name_length = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_length = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    return info.header_offset + LOCAL_HEADER + name_length + extra_length


def cbz(bodies: Sequence[bytes], deflate: bool = False) -> bytes:
    buffer = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for index, body in enumerate(bodies):
            archive.writestr(f"{index + 1:04d}.jpg", body)
    return buffer.getvalue()


def chapter_with_pages(
    series: Series,
    bodies: Sequence[bytes],
    *,
    number: str = "1",
    deflate: bool = False,
    backend: str = "local",
    page_format: str = "jpeg",
) -> Chapter:
    """A chapter of `series` whose archive (on `backend`) holds `bodies` as its pages."""
    data = cbz(bodies, deflate)
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "chapter.cbz"
        source.write_bytes(data)
        archive = store_file(source, f"{series.slug}-{number}.cbz", backend, kind="cbz")
    chapter = Chapter.objects.create(
        series=series,
        number=Decimal(number),
        archive=archive,
        source_format=Chapter.SourceFormat.CBZ,
        kept_as_is=True,
        page_count=len(bodies),
    )
    record_pages(chapter, data, bodies, page_format)
    return chapter


def record_pages(
    chapter: Chapter, data: bytes, bodies: Sequence[bytes], page_format: str = "jpeg"
) -> None:
    """A Page row per member of the CBZ `data` (whose pages are `bodies`), pointing at its
    bytes as import records them."""
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        for index, info in enumerate(opened.infolist()):
            width, height = _size(bodies[index])
            Page.objects.create(
                chapter=chapter,
                index=index,
                member_name=info.filename,
                width=width,
                height=height,
                format=page_format,
                size=info.file_size,
                is_wide=width > height,
                data_offset=member_data_offset(info, data),
                compressed_size=info.compress_size,
                compression=info.compress_type,
            )


def _size(body: bytes) -> tuple[int, int]:
    try:
        return Image.open(io.BytesIO(body)).size
    except OSError:
        return 1000, 1500  # a corrupt page: the facts import would have recorded
