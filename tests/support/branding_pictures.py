"""Pictures for the branding tests, drawn by Pillow, as a browser would upload them."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def picture(kind: str, size: int = 64, name: str | None = None) -> SimpleUploadedFile:
    """A square picture in Pillow's format `kind` (PNG, ICO, GIF, JPEG...)."""
    out = io.BytesIO()
    image = Image.new("RGBA" if kind in {"PNG", "ICO"} else "RGB", (size, size), "#ff0066")
    image.save(out, format=kind, **({"sizes": [(size, size)]} if kind == "ICO" else {}))
    filename = name or f"picture.{kind.lower()}"
    return SimpleUploadedFile(filename, out.getvalue(), content_type=f"image/{kind.lower()}")


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
