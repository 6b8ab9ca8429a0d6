"""The pages of the sample manga, drawn with Pillow: a title page per chapter, numbered pages
of panels with speech balloons, and a double-page spread; each chapter in its own colours.

Panels are numbered in reading order, right to left as manga reads, so a reader opening the
sample the wrong way round shows it at once. Everything is drawn from shapes and Pillow's own
font: no file is read.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont

PAGE = (800, 1200)
SPREAD = (1600, 1200)
MARGIN = 40
GUTTER = 24
INK = "#1d1b1a"
PAPER = "#fbf8f1"


@dataclass(frozen=True)
class Palette:
    light: str
    middle: str
    dark: str


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float


# Panel layouts as fractions of the drawing area, listed top to bottom, right to left.
LAYOUTS = [
    [
        Box(0.5, 0, 1, 0.4), Box(0, 0, 0.5, 0.4), Box(0, 0.4, 1, 0.7),
        Box(0.4, 0.7, 1, 1), Box(0, 0.7, 0.4, 1),
    ],
    [Box(0, 0, 1, 0.35), Box(0.55, 0.35, 1, 1), Box(0, 0.35, 0.55, 0.68), Box(0, 0.68, 0.55, 1)],
    [Box(0.35, 0, 1, 0.5), Box(0, 0, 0.35, 0.5), Box(0.6, 0.5, 1, 1), Box(0, 0.5, 0.6, 1)],
]  # fmt: skip


@cache
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def encoded(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def title_page(series: str, chapter: int, title: str, palette: Palette) -> bytes:
    image = Image.new("RGB", PAGE, palette.light)
    draw = ImageDraw.Draw(image)
    width, height = PAGE
    draw.rectangle((MARGIN, MARGIN, width - MARGIN, height - MARGIN), outline=INK, width=8)
    draw.ellipse((200, 330, 600, 730), fill=palette.middle, outline=INK, width=8)
    draw.polygon([(400, 380), (540, 650), (260, 650)], fill=palette.dark, outline=INK)
    draw.multiline_text(
        (width / 2, 180), series.replace(" ", "\n", 1), font=font(56), fill=INK,
        anchor="mm", align="center", spacing=12,
    )  # fmt: skip
    draw.text((width / 2, 820), f"Chapter {chapter}", font=font(64), fill=INK, anchor="mm")
    draw.text((width / 2, 910), title, font=font(44), fill=palette.dark, anchor="mm")
    draw.text(
        (width / 2, 1060), "Read from right to left  <-", font=font(32), fill=INK, anchor="mm"
    )
    return encoded(image)


def story_page(number: int, layout: int, lines: list[str], palette: Palette) -> bytes:
    image = Image.new("RGB", PAGE, PAPER)
    draw = ImageDraw.Draw(image)
    area = Box(MARGIN, MARGIN, PAGE[0] - MARGIN, PAGE[1] - MARGIN - 50)
    for index, box in enumerate(LAYOUTS[layout % len(LAYOUTS)]):
        panel = _place(box, area)
        _panel(draw, panel, index, palette)
        if index < len(lines):
            _balloon(draw, panel, lines[index], right=index % 2 == 0)
    draw.text((PAGE[0] / 2, PAGE[1] - 45), f"- {number} -", font=font(30), fill=INK, anchor="mm")
    return encoded(image)


def spread(number: int, line: str, palette: Palette) -> bytes:
    """Two pages drawn as one picture, as a double-page spread is printed."""
    image = Image.new("RGB", SPREAD, PAPER)
    draw = ImageDraw.Draw(image)
    width, height = SPREAD
    scene = Box(MARGIN, MARGIN, width - MARGIN, height * 0.72)
    horizon = MARGIN + (scene.bottom - MARGIN) * 0.7
    draw.rectangle((scene.left, scene.top, scene.right, scene.bottom), fill=palette.light)
    draw.ellipse((1080, 140, 1300, 360), fill="#fff4b8", outline=INK, width=6)
    for left in (120, 420, 760):
        draw.polygon([(left, horizon), (left + 170, 300), (left + 340, horizon)], fill=palette.dark)
    _panel(draw, scene, 0, palette, fill=False)
    _balloon(draw, scene, line, right=True)
    strip = Box(MARGIN, height * 0.72 + GUTTER, width - MARGIN, height - MARGIN - 50)
    for index, box in enumerate([Box(0.75, 0, 1, 1), Box(0.5, 0, 0.75, 1), Box(0, 0, 0.5, 1)]):
        _panel(draw, _place(box, strip), index + 1, palette)
    draw.text(
        (width / 2, height - 45), f"- {number}-{number + 1} -", font=font(30), fill=INK,
        anchor="mm",
    )  # fmt: skip
    return encoded(image)


def _place(box: Box, area: Box) -> Box:
    """The panel's rectangle in pixels, half a gutter inside its share of the area."""
    width, height = area.right - area.left, area.bottom - area.top
    half = GUTTER / 2
    return Box(
        area.left + box.left * width + (half if box.left > 0 else 0),
        area.top + box.top * height + (half if box.top > 0 else 0),
        area.left + box.right * width - (half if box.right < 1 else 0),
        area.top + box.bottom * height - (half if box.bottom < 1 else 0),
    )


def _panel(
    draw: ImageDraw.ImageDraw, panel: Box, index: int, palette: Palette, fill: bool = True
) -> None:
    rect = (panel.left, panel.top, panel.right, panel.bottom)
    shade = (palette.light, palette.middle)[index % 2] if fill else None
    draw.rectangle(rect, fill=shade, outline=INK, width=6)
    horizon = panel.top + (panel.bottom - panel.top) * 0.7
    draw.line((panel.left + 6, horizon, panel.right - 6, horizon), fill=palette.dark, width=4)
    _figure(draw, panel, palette)
    # The reading order, in the panel's top right corner as manga letters it.
    corner = (panel.right - 34, panel.top + 34)
    draw.ellipse((corner[0] - 20, corner[1] - 20, corner[0] + 20, corner[1] + 20), fill=INK)
    draw.text(corner, str(index + 1), font=font(24), fill=PAPER, anchor="mm")


def _figure(draw: ImageDraw.ImageDraw, panel: Box, palette: Palette) -> None:
    height = panel.bottom - panel.top
    x = panel.left + (panel.right - panel.left) * 0.35
    foot = panel.top + height * 0.92
    head = max(12.0, height * 0.06)
    neck = foot - height * 0.3  # short enough to stand below a balloon
    draw.ellipse((x - head, neck - 2 * head, x + head, neck), fill=PAPER, outline=INK, width=4)
    draw.rectangle((x - head * 0.8, neck, x + head * 0.8, foot), fill=palette.dark, outline=INK)


def _balloon(draw: ImageDraw.ImageDraw, panel: Box, text: str, right: bool) -> None:
    lines = _wrapped(text, 20)
    width = 40 + 15 * max(len(line) for line in lines)
    height = 30 + 34 * len(lines)
    x = panel.right - width - 24 if right else panel.left + 24
    y = panel.top + 60  # below the panel's number
    tail_x = x + width * (0.3 if right else 0.7)
    bottom = y + height - 10
    tail = [(tail_x - 14, bottom), (tail_x + 14, bottom), (tail_x - 30, bottom + 50)]
    draw.polygon(tail, fill="white", outline=INK, width=3)
    draw.ellipse((x, y, x + width, y + height), fill="white", outline=INK, width=4)
    draw.multiline_text(
        (x + width / 2, y + height / 2), "\n".join(lines), font=font(26), fill=INK,
        anchor="mm", align="center", spacing=8,
    )  # fmt: skip


def _wrapped(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]
