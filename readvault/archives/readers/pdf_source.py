"""PDF sources: each page rendered by PDFium to a JPEG of a fixed width, on demand."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import pypdfium2 as pdfium

from readvault.archives.budget import ByteBudget
from readvault.archives.errors import ArchiveRejected
from readvault.archives.limits import Limits
from readvault.archives.source_pages import SourcePage, SourcePages, check_page_count

# A page-less PDF is a few hundred bytes; only that much is read to tell one apart.
_EMPTY_PDF_SCAN = 64 * 1024
_EMPTY_PAGES = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+0\b|/Count\s+0\b[^>]*?/Type\s*/Pages\b")
_A_PAGE = re.compile(rb"/Type\s*/Page\b")


def _open(source: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(source))
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
            raise ArchiveRejected(
                "The PDF is password-protected; remove the password (e.g. qpdf --decrypt) "
                "and import it again."
            ) from None
        if _page_tree_is_empty(source):
            raise ArchiveRejected("The PDF has no pages.") from None
        raise ArchiveRejected(f"The PDF is corrupt and cannot be opened ({error}).") from None


def _page_tree_is_empty(source: Path) -> bool:
    """PDFium refuses to open a PDF whose page tree is empty, as if it were corrupt; such a
    file is tiny, and its root /Pages says /Count 0 in plain text."""
    with source.open("rb") as stream:
        head = stream.read(_EMPTY_PDF_SCAN)
    return bool(_EMPTY_PAGES.search(head)) and not _A_PAGE.search(head)


def _scale(width_pt: float, height_pt: float, limits: Limits) -> float:
    """The render width (twice it for a spread, which holds two pages), unless the page is so
    large the pixel cap comes first."""
    if width_pt <= 0 or height_pt <= 0:
        return 1.0
    pages_across = 2 if width_pt > height_pt else 1
    scale = pages_across * limits.pdf_render_width / width_pt
    if (width_pt * scale) * (height_pt * scale) > limits.max_pixels:
        scale = math.sqrt(limits.max_pixels / (width_pt * height_pt))
    return scale


def _render(
    document: pdfium.PdfDocument, index: int, name: str, limits: Limits, budget: ByteBudget
) -> bytes:
    try:
        page = document[index]
        try:
            width_pt, height_pt = page.get_size()
            bitmap = page.render(scale=_scale(width_pt, height_pt, limits))
            image = bitmap.to_pil().convert("RGB")
        finally:
            page.close()
    except pdfium.PdfiumError as error:
        raise ArchiveRejected(f"The PDF's {name} cannot be rendered ({error}).") from None
    out = io.BytesIO()
    image.save(out, "JPEG", quality=limits.jpeg_quality, optimize=True)
    return budget.take(name, [out.getvalue()])


@contextmanager
def pdf_pages(source: Path, limits: Limits, budget: ByteBudget) -> Iterator[SourcePages]:
    document = _open(source)
    try:
        count = len(document)
        if count == 0:
            raise ArchiveRejected("The PDF has no pages.")
        check_page_count(count, limits)
        names = [f"page {number}" for number in range(1, count + 1)]
        yield SourcePages(
            pages=[
                SourcePage(name, partial(_render, document, index, name, limits, budget))
                for index, name in enumerate(names)
            ]
        )
    finally:
        document.close()
