"""Image-only EPUBs (fixed-layout manga and comics): the pages in spine order.

EPUB 3.3: META-INF/container.xml names the package document (OPF); its manifest lists every
resource and its spine the reading order. Each spine document of a comic shows one image (an
<img>, or an SVG <image>); a fixed-layout book may paint its pages another way, and then its
images are taken in manifest order. A text book (most spine documents show no image) is refused.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import unquote
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from readvault.archives.budget import ByteBudget
from readvault.archives.errors import ArchiveRejected
from readvault.archives.limits import Limits
from readvault.archives.readers.zip_source import open_checked_zip, read_zip_member
from readvault.archives.source_pages import (
    SourcePage,
    SourcePages,
    check_page_count,
    choose_comicinfo,
)

CONTAINER = "META-INF/container.xml"
ENCRYPTION = "META-INF/encryption.xml"
XHTML_TYPES = frozenset({"application/xhtml+xml", "text/html", "image/svg+xml"})
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# For XHTML that is not well-formed XML (HTML entities such as &nbsp; without a DTD).
_IMAGE_REFERENCE = re.compile(
    r"<(?:img|image)\b[^>]*?\s(?:src|xlink:href|href)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE
)
_XML_CAP = 4 * 1024 * 1024


@dataclass(frozen=True)
class _Item:
    path: str
    media_type: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _resolve(base_path: str, href: str) -> str:
    """A relative URL inside the book as a member name ("" when it leaves the book)."""
    target = unquote(href.split("#", 1)[0])
    if not target or ":" in target.split("/", 1)[0]:
        return ""  # empty, or an absolute URL (http:, data:)
    path = posixpath.normpath(posixpath.join(posixpath.dirname(base_path), target))
    return "" if path.startswith("../") or path == ".." else path


def _parse(data: bytes, what: str) -> Element:
    try:
        return SafeET.fromstring(data)
    except (ParseError, DefusedXmlException) as error:
        raise ArchiveRejected(f"The EPUB's {what} is not valid XML ({error}).") from None


class _Book:
    def __init__(self, archive: zipfile.ZipFile, budget: ByteBudget) -> None:
        self.archive = archive
        self.budget = budget
        self.members = {info.filename: info for info in archive.infolist()}

    def read(self, name: str, cap: int = _XML_CAP) -> bytes:
        info = self.members.get(name)
        if info is None:
            raise ArchiveRejected(f"The EPUB has no {name!r}, which it refers to.")
        return read_zip_member(self.archive, info, self.budget, cap)

    def package_path(self) -> str:
        for element in _parse(self.read(CONTAINER), CONTAINER).iter():
            if _local(element.tag) == "rootfile" and element.get("full-path"):
                return str(element.get("full-path"))
        raise ArchiveRejected("The EPUB's container.xml names no package document (OPF).")

    def image_names(self) -> list[str]:
        opf_path = self.package_path()
        package = _parse(self.read(opf_path), opf_path)
        manifest: dict[str, _Item] = {}
        spine: list[str] = []
        for element in package.iter():
            tag = _local(element.tag)
            if tag == "item" and element.get("id") and element.get("href"):
                path = _resolve(opf_path, element.get("href", ""))
                manifest[element.get("id", "")] = _Item(path, element.get("media-type", ""))
            elif tag == "itemref" and element.get("idref") in manifest:
                spine.append(element.get("idref", ""))
        spine_items = [manifest[idref] for idref in spine if idref in manifest]
        images = self._spine_images(spine_items)
        if not images and _is_fixed_layout(package):
            images = [item.path for item in manifest.values() if _is_image(item)]
        return list(dict.fromkeys(images))

    def _spine_images(self, items: list[_Item]) -> list[str]:
        images: list[str] = []
        text_documents = 0
        for item in items:
            if _is_image(item):
                images.append(item.path)
            elif item.media_type in XHTML_TYPES:
                shown = self._images_shown_by(item.path)
                images.extend(shown)
                text_documents += not shown
        if images and text_documents > len(items) - text_documents:
            raise ArchiveRejected(
                f"The EPUB is a text book: {text_documents} of its {len(items)} pages show no "
                "image. Only image-only EPUBs (comics, manga) can be read here."
            )
        return images

    def _images_shown_by(self, document: str) -> list[str]:
        data = self.read(document)
        try:
            root = SafeET.fromstring(data)
        except (ParseError, DefusedXmlException):
            hrefs = _IMAGE_REFERENCE.findall(data.decode("utf-8", "replace"))
        else:
            hrefs = [
                str(element.get("src") or element.get(XLINK_HREF) or element.get("href") or "")
                for element in root.iter()
                if _local(element.tag) in ("img", "image")
            ]
        shown = [path for path in (_resolve(document, href) for href in hrefs) if path]
        for path in shown:
            if path not in self.members:
                raise ArchiveRejected(
                    f"The EPUB page {document!r} shows {path!r}, which is not in the book."
                )
        return shown

    def check_not_drm(self, images: list[str]) -> None:
        """encryption.xml also lists obfuscated fonts (harmless); an encrypted page is DRM."""
        if ENCRYPTION not in self.members:
            return
        listed = {
            _resolve("", element.get("URI", ""))
            for element in _parse(self.read(ENCRYPTION), ENCRYPTION).iter()
            if _local(element.tag) == "CipherReference"
        }
        locked = [name for name in images if name in listed]
        if locked:
            raise ArchiveRejected(
                f"The EPUB is DRM-protected: its page {locked[0]!r} is encrypted. Import a "
                "copy without DRM."
            )


def _is_image(item: _Item) -> bool:
    return item.media_type.startswith("image/") and item.media_type != "image/svg+xml"


def _is_fixed_layout(package: Element) -> bool:
    return any(
        _local(element.tag) == "meta"
        and element.get("property") == "rendition:layout"
        and (element.text or "").strip() == "pre-paginated"
        for element in package.iter()
    )


@contextmanager
def epub_pages(source: Path, limits: Limits, budget: ByteBudget) -> Iterator[SourcePages]:
    with open_checked_zip(source, limits) as archive:
        book = _Book(archive, budget)
        names = book.image_names()
        if not names:
            raise ArchiveRejected(
                "The EPUB shows no images: it is a text book, not a comic. Only image-only "
                "EPUBs can be read here."
            )
        check_page_count(len(names), limits)
        book.check_not_drm(names)
        comicinfo_name = choose_comicinfo(list(book.members))
        comicinfo = None
        if comicinfo_name is not None:
            comicinfo = book.read(comicinfo_name, limits.max_comicinfo_bytes)
        yield SourcePages(
            pages=[
                SourcePage(name, partial(read_zip_member, archive, book.members[name], budget))
                for name in names
            ],
            comicinfo=comicinfo,
        )
