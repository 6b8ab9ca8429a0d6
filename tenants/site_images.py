"""The pictures a site owner uploads: the logo and the favicon (Tenant.logo, Tenant.favicon).

Both are served from the site's own origin (shadowvault.public_uploads), so what is stored
must be an image a browser shows as one and never runs: formats are told by Pillow from the
bytes, never from the name or the browser's claimed type. SVG is refused (it can carry
script). The favicon is stored as a PNG Pillow drew itself, so its bytes are never the
uploaded ones; the logo keeps its bytes but is named for the format Pillow found.
"""

from __future__ import annotations

import io
from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

from tenants.models import MAX_LOGO_BYTES

# Formats public_uploads answers as images (IMAGE_TYPES there), by Pillow's names.
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif"}
FAVICON_FORMATS = {"PNG", "ICO"}
# Checked before any pixel is decoded: a small file may declare a huge picture.
MAX_LOGO_SIDE = 4096
MAX_FAVICON_SIDE = 1024
# Browsers pick 16-64 px for a tab, 180-192 px for a home screen; 256 covers both.
FAVICON_STORED_SIDE = 256


def _open(upload: UploadedFile, formats: Collection[str], what: str, kinds: str) -> Image.Image:
    if upload.size is not None and upload.size > MAX_LOGO_BYTES:
        raise ValidationError(f"The file is {upload.size} bytes; the limit is {MAX_LOGO_BYTES}.")
    upload.seek(0)
    try:
        image = Image.open(upload)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(f"This file is not a picture {what} can be.") from None
    if image.format not in formats:
        raise ValidationError(f"{what.capitalize()} is {kinds}; this file is {image.format}.")
    return image


def _check_side(image: Image.Image, limit: int, what: str) -> None:
    if max(image.size) > limit:
        width, height = image.size
        limits = f"{what.capitalize()} is at most {limit} pixels a side"
        raise ValidationError(f"{limits}; this one is {width} by {height}.")


def checked_logo(upload: UploadedFile) -> ContentFile:
    """The logo's bytes, named for their real format."""
    image = _open(upload, LOGO_FORMATS, "a logo", "a PNG, JPEG, WebP or GIF picture")
    _check_side(image, MAX_LOGO_SIDE, "a logo")
    upload.seek(0)
    return ContentFile(upload.read(), name=f"logo.{LOGO_FORMATS[image.format or '']}")


def favicon_png(upload: UploadedFile) -> ContentFile:
    """The favicon redrawn as a PNG of at most FAVICON_STORED_SIDE pixels a side."""
    image = _open(upload, FAVICON_FORMATS, "a favicon", "a PNG or ICO picture")
    _check_side(image, MAX_FAVICON_SIDE, "a favicon")
    try:
        image.load()  # an ICO opens at its largest size
        picture = image.convert("RGBA")
    except (OSError, ValueError, SyntaxError):
        raise ValidationError("This picture is damaged: it could not be read.") from None
    picture.thumbnail((FAVICON_STORED_SIDE, FAVICON_STORED_SIDE))
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name="favicon.png")
