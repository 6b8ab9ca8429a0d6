"""The site's app icon as PNG bytes, drawn with Pillow in the site's colours.

The mark is the one in static/img/icon.svg (a play triangle on a dark rounded square, filled
with a diagonal gradient), drawn here so each site's installed app wears its own accent.
Pure: colours and a size in, bytes out; the web app views cache and serve them.
"""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from pathlib import Path

import PIL
from PIL import Image, ImageChops, ImageDraw

# What the web app manifest may declare. "any" icons keep the rounded corners; "maskable"
# ones fill the whole square, because the launcher cuts its own shape out of them.
PURPOSES = frozenset({"any", "maskable"})
# 192 and 512 are the sizes Chromium asks a manifest for; 180 is iOS's home-screen size.
SIZES = frozenset({180, 192, 512})

BACKGROUND = "#0b0b12"
# The mark in icon.svg's 64-unit box: corner radius and the triangle's corners.
BOX = 64
CORNER = 16
TRIANGLE = ((24, 18), (24, 46), (46, 32))
# Drawn this many times larger, then scaled down: ImageDraw does not antialias edges.
SUPERSAMPLE = 4

_SOURCE = Path(__file__).read_bytes()


def icon_version(accent: str, accent_2: str) -> str:
    """Changes when the picture would: other colours, this drawing code, another Pillow."""
    digest = hashlib.sha256(_SOURCE)
    digest.update(f"{accent}|{accent_2}|{PIL.__version__}".encode())
    return digest.hexdigest()[:12]


@lru_cache(maxsize=64)
def draw_icon(size: int, purpose: str, accent: str, accent_2: str) -> bytes:
    """The mark as an RGBA PNG of `size` x `size` pixels."""
    if size not in SIZES or purpose not in PURPOSES:
        raise ValueError(f"no {purpose!r} icon of {size} px")
    big = size * SUPERSAMPLE
    unit = big / BOX
    canvas = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    if purpose == "maskable":
        # The triangle lies within 16 units of the centre: inside the 40 % radius safe zone
        # that the W3C manifest spec guarantees a mask never cuts.
        draw.rectangle((0, 0, big, big), fill=BACKGROUND)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=CORNER * unit, fill=BACKGROUND)
    corners = [(x * unit, y * unit) for x, y in TRIANGLE]
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).polygon(corners, fill=255)
    canvas.paste(_gradient(big, corners, accent, accent_2), (0, 0), mask)
    picture = canvas.resize((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _gradient(big: int, corners: list[tuple[float, float]], start: str, end: str) -> Image.Image:
    """icon.svg's gradient: from the top-left to the bottom-right of the triangle's bounding
    box (SVG's default objectBoundingBox units), so t = (u + v) / 2 inside that box."""
    xs = [x for x, _ in corners]
    ys = [y for _, y in corners]
    left, top = int(min(xs)), int(min(ys))
    width, height = int(max(xs)) - left + 1, int(max(ys)) - top + 1
    down = Image.linear_gradient("L").resize((width, height))  # 0 at the top, 255 at the bottom
    # Turned a quarter anticlockwise, the top (0) goes to the left: 0 left, 255 right.
    across = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90).resize((width, height))
    t = ImageChops.add(down, across, scale=2.0)
    box = Image.composite(Image.new("RGB", t.size, end), Image.new("RGB", t.size, start), t)
    full = Image.new("RGB", (big, big), start)
    full.paste(box, (left, top))
    return full
