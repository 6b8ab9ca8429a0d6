"""What a page link asks for, and which images exist or will exist for a page: pure rules
shared by the origin (readvault.pages.delivery), the links (readvault.pages.links) and the
background task (readvault.pages.images). No I/O.

A page link is `/pages/<chapter id>/<page index>/<variant>`, the variant one of:

- `orig`: the page as stored in the chapter's archive;
- `<width>.<format>`: one image made ahead of reading (`800.webp`, `400.jpeg`, `300.avif`);
- `auto-<width>`: the best image of that width the browser's Accept header takes (AVIF,
  then WebP, then JPEG), answered with `Vary: Accept`.

An image that is not made (yet, or ever) is answered with the original page, never encoded on
the request. Such a stand-in answer is kept only briefly by caches (`is_final` is false),
since the same link will answer the real image once it is made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Widths made for reading, for chapter thumbnails (each chapter's first page) and for the
# series' cover page. Only widths below a page's own are made: the original serves the rest.
PAGE_WIDTHS = (400, 800, 1200)
THUMBNAIL_WIDTHS = (200, 400)
COVER_WIDTHS = (300, 600)
ALL_WIDTHS = tuple(sorted({*PAGE_WIDTHS, *THUMBNAIL_WIDTHS, *COVER_WIDTHS}))

AVIF, WEBP, JPEG = "avif", "webp", "jpeg"
IMAGE_FORMATS = (AVIF, WEBP, JPEG)  # best first
ORIGINAL = "orig"
AUTO = "auto"

# What a browser's Accept header takes, in three classes. nginx's page cache keys auto
# variants on the same classes (deploy/nginx/gateway.conf.tmpl, map $sv_page_class), so the
# rule must stay this plain: a case-insensitive substring, q-values ignored (browsers list
# the image types they decode and never send `image/avif;q=0`).
ACCEPTS_AVIF, ACCEPTS_WEBP, ACCEPTS_OTHER = "avif", "webp", ""
_PREFERENCE = {
    ACCEPTS_AVIF: (AVIF, WEBP, JPEG),
    ACCEPTS_WEBP: (WEBP, JPEG),
    ACCEPTS_OTHER: (JPEG,),
}

CONTENT_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "avif": "image/avif",
}
FALLBACK_TYPE = "application/octet-stream"

_VARIANT = re.compile(r"(?:(orig)|auto-([0-9]{1,5})|([0-9]{1,5})\.(avif|webp|jpeg))")


@dataclass(frozen=True)
class Variant:
    """A parsed variant: `format` is "orig", "auto" or an image format; `width` is None for
    the original."""

    format: str
    width: int | None = None

    @property
    def negotiated(self) -> bool:
        return self.format == AUTO

    def __str__(self) -> str:
        if self.format == ORIGINAL:
            return ORIGINAL
        if self.format == AUTO:
            return f"auto-{self.width}"
        return f"{self.width}.{self.format}"


def parse_variant(text: str) -> Variant | None:
    """The variant a link names, or None for anything else (an unknown width or format,
    leading zeros, other characters)."""
    match = _VARIANT.fullmatch(text)
    if match is None:
        return None
    original, auto_width, width, image_format = match.groups()
    if original:
        return Variant(ORIGINAL)
    digits = auto_width or width
    if digits.startswith("0") or int(digits) not in ALL_WIDTHS:
        return None
    return Variant(AUTO if auto_width else image_format, int(digits))


def accept_class(accept: str) -> str:
    lowered = accept.lower()
    if "image/avif" in lowered:
        return ACCEPTS_AVIF
    if "image/webp" in lowered:
        return ACCEPTS_WEBP
    return ACCEPTS_OTHER


def preference(accept: str) -> tuple[str, ...]:
    """The image formats an auto variant may answer for this Accept header, best first."""
    return _PREFERENCE[accept_class(accept)]


@dataclass(frozen=True)
class PageRoles:
    """What a page is used as, besides a page to read."""

    width: int  # the page's own width
    is_thumbnail: bool = False  # a chapter's first page
    is_cover: bool = False  # the series' cover


def planned_formats(roles: PageRoles, width: int, page_avif: bool) -> tuple[str, ...]:
    """The formats made at `width` for such a page, best first; none when the width is not
    made for it (its own width or wider: the original serves it). AVIF costs about a second
    a page to encode, so reading widths get it only when `page_avif` (the setting
    READVAULT_PAGE_AVIF) is on; covers and thumbnails, shown many times, always do."""
    if width >= roles.width:
        return ()
    reading = width in PAGE_WIDTHS
    small = (roles.is_thumbnail and width in THUMBNAIL_WIDTHS) or (
        roles.is_cover and width in COVER_WIDTHS
    )
    if small or (reading and page_avif):
        return IMAGE_FORMATS
    if reading:
        return (WEBP, JPEG)
    return ()


def planned_images(roles: PageRoles, page_avif: bool) -> list[tuple[int, str]]:
    """Every (width, format) made for such a page, widest first."""
    return [
        (width, image_format)
        for width in reversed(ALL_WIDTHS)
        for image_format in planned_formats(roles, width, page_avif)
    ]


@dataclass(frozen=True)
class Choice:
    """What a variant is answered with: an image format, or None for the original; `final`
    when the same link can never answer anything else (caches may keep it for good)."""

    image_format: str | None
    final: bool


def choose(variant: Variant, made: set[str], planned: tuple[str, ...], accept: str) -> Choice:
    """The answer to `variant` given the formats `made` at its width and those `planned`
    there. The original stands in for anything not made, and is final only when nothing
    better will ever be made for this link."""
    if variant.format == ORIGINAL:
        return Choice(None, True)
    wanted = preference(accept) if variant.negotiated else (variant.format,)
    best_possible = next((f for f in wanted if f in planned), None)
    chosen = next((f for f in wanted if f in made), None)
    # The best that is or will be made, or the best there is at all (made before a setting
    # changed what is planned).
    return Choice(chosen, chosen == best_possible or (chosen is not None and chosen == wanted[0]))


def content_type(image_format: str) -> str:
    return CONTENT_TYPES.get(image_format, FALLBACK_TYPE)
