"""Decoding a page once and encoding it at smaller widths (Pillow), for readvault.pages.images.

Pages come as they were scanned or drawn: CMYK JPEGs, 16-bit PNGs, palette images with
transparency, animated GIFs and WebPs, photos turned by an EXIF tag. Each is brought to 8-bit
RGB or greyscale, upright, its first frame, over white where it was transparent (a reader
shows a page on its own background). A JPEG is decoded straight at the smallest DCT scale
that still covers the widest image asked (`Image.draft`), so a 4000 px scan made into 1200 px
images costs a quarter of its pixels in memory.
"""

from __future__ import annotations

import io
import math

from PIL import Image, ImageOps

SIXTEEN_BIT_GREY = {"I;16", "I;16L", "I;16B", "I;16N", "I"}
EXIF_ORIENTATION = 0x0112
TURNED = {5, 6, 7, 8}  # EXIF orientations that swap width and height
WHITE = (255, 255, 255)
# Quality settings: reading-size images where compression artefacts do not show on screen.
ENCODERS = {
    "jpeg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "avif": ("AVIF", {"quality": 60, "speed": 6}),
}


class UnreadableImage(Exception):
    """The page's bytes are not an image Pillow can decode and encode."""


# Pillow reports a broken file as any of these, depending on the format and where it breaks.
_PILLOW_ERRORS = (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError)


def decode(data: bytes, widest: int) -> Image.Image:
    """The page as an upright 8-bit RGB or "L" image, at least `widest` pixels wide where the
    source is (a JPEG may come decoded smaller than its full size, never below that)."""
    try:
        opened = Image.open(io.BytesIO(data))
        if opened.format == "JPEG":
            _draft(opened, widest)
        return _eight_bit(ImageOps.exif_transpose(opened))  # loads the first frame only
    except _PILLOW_ERRORS as exc:
        raise UnreadableImage(f"{type(exc).__name__}: {exc}") from None


def _draft(image: Image.Image, widest: int) -> None:
    width, height = image.size
    turned = image.getexif().get(EXIF_ORIENTATION) in TURNED
    scale = widest / (height if turned else width)
    if scale < 1:
        image.draft(None, (math.ceil(width * scale), math.ceil(height * scale)))


def _eight_bit(image: Image.Image) -> Image.Image:
    if image.mode in ("RGB", "L"):
        return image
    if image.mode in SIXTEEN_BIT_GREY:
        # convert("L") would clip every value above 255 to white: scale 16 bits down instead.
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode == "1":
        return image.convert("L")
    if image.mode in ("PA", "LA", "La", "RGBA", "RGBa") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, WHITE)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")  # P without transparency, CMYK, YCbCr, LAB, HSV, F


def resized(image: Image.Image, width: int) -> Image.Image:
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def encode(image: Image.Image, image_format: str) -> bytes:
    name, options = ENCODERS[image_format]
    out = io.BytesIO()
    try:
        image.save(out, name, **options)
    except _PILLOW_ERRORS as exc:
        raise UnreadableImage(f"{name} encoding failed: {exc}") from None
    return out.getvalue()
