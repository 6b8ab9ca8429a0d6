"""The facts of one page image, read from its header without decoding it, and the checks that
keep corrupt images and decompression bombs out of a chapter."""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, UnidentifiedImageError

from readvault.archives.errors import ArchiveRejected
from readvault.archives.limits import Limits

# Pillow's format name -> ours: the formats every current browser shows.
PAGE_FORMATS = {
    "JPEG": "jpeg",
    "MPO": "jpeg",  # a JPEG carrying more pictures (cameras' MPF); browsers show the first
    "PNG": "png",
    "WEBP": "webp",
    "GIF": "gif",
    "AVIF": "avif",
    "BMP": "bmp",
}
FILE_EXTENSIONS = {
    "jpeg": "jpg",
    "png": "png",
    "webp": "webp",
    "gif": "gif",
    "avif": "avif",
    "bmp": "bmp",
}
# How far from its end a JPEG's end-of-image marker may sit (some tools pad files).
_JPEG_TAIL = 64 * 1024


@dataclass(frozen=True)
class ImageFacts:
    width: int
    height: int
    format: str
    # A CMYK (or YCCK) JPEG: browsers show its colours wrongly, so it is converted to RGB.
    is_cmyk_jpeg: bool


def inspect_image(data: bytes, member: str, limits: Limits) -> ImageFacts:
    """Header facts and an integrity check. Image.open reads the header only; verify() walks
    PNG chunks and their CRCs without decoding pixels; the tail checks catch the truncated
    JPEG, WebP and GIF files verify() lets through."""
    try:
        with warnings.catch_warnings():
            # Our own pixel cap (below) speaks for bombs; Pillow's warning is noise here.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                facts = _facts(image, member, limits)
                image.verify()
    except Image.DecompressionBombError:
        raise _too_many_pixels(member, None, limits) from None
    except UnidentifiedImageError:
        raise ArchiveRejected(
            f"The page {member!r} is not an image Pillow can read (corrupt, or not an image "
            "despite its name)."
        ) from None
    except (OSError, SyntaxError, ValueError, struct.error, EOFError) as error:
        raise ArchiveRejected(f"The page {member!r} is a corrupt image: {error}.") from None
    if _looks_truncated(facts.format, data):
        raise ArchiveRejected(
            f"The page {member!r} is a truncated {facts.format.upper()} image: it stops before "
            "its end."
        )
    return facts


def _facts(image: Image.Image, member: str, limits: Limits) -> ImageFacts:
    page_format = PAGE_FORMATS.get(image.format or "")
    if page_format is None:
        raise ArchiveRejected(
            f"The page {member!r} is a {image.format} image, which browsers do not show; "
            "convert it to JPEG or PNG and import again."
        )
    width, height = image.size
    if width < 1 or height < 1:
        raise ArchiveRejected(f"The page {member!r} claims a size of {width}x{height} pixels.")
    if width * height > limits.max_pixels:
        raise _too_many_pixels(member, (width, height), limits)
    return ImageFacts(
        width=width,
        height=height,
        format=page_format,
        is_cmyk_jpeg=page_format == "jpeg" and image.mode == "CMYK",
    )


def _too_many_pixels(member: str, size: tuple[int, int] | None, limits: Limits) -> ArchiveRejected:
    claimed = f"{size[0]}x{size[1]} pixels" if size else "more pixels than Pillow allows"
    return ArchiveRejected(
        f"The page {member!r} claims {claimed}, over the {limits.max_pixels:,}-pixel limit for "
        "one page: a decompression bomb, or a scan far larger than any screen needs."
    )


def _looks_truncated(page_format: str, data: bytes) -> bool:
    if page_format == "jpeg":
        # FF D9 cannot occur inside entropy-coded data (JPEG stuffs FF with 00), so its absence
        # from the tail means the file was cut short.
        return b"\xff\xd9" not in data[-_JPEG_TAIL:]
    if page_format == "webp":
        # RIFF: bytes 4-8 give the size of everything after the first 8 bytes.
        return len(data) < 8 + int.from_bytes(data[4:8], "little")
    if page_format == "gif":
        # A GIF ends with its trailer byte 0x3B (GIF89a, section 27).
        return not data.rstrip(b"\x00").endswith(b";")
    return False


def cmyk_to_rgb_jpeg(data: bytes, quality: int) -> bytes:
    """Decode once and write an RGB JPEG, through the page's own ICC profile when it has one
    (Pillow's plain CMYK->RGB conversion ignores the profile and dulls the colours)."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        rgb = _to_rgb(image)
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _to_rgb(image: Image.Image) -> Image.Image:
    profile = image.info.get("icc_profile")
    if profile:
        try:
            converted = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None
        if converted is not None:
            return converted
    return image.convert("RGB")
