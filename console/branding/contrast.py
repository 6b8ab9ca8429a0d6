"""Contrast of the site's colours, by WCAG 2.2's formula (relative luminance, 1.4.3 Contrast
(Minimum): 4.5:1 for body text). The console warns and does not refuse: a brand colour is
the owner's choice. static/js/branding/colours.js holds the same rules for the live preview;
branding-colours.test.mjs (in tests/js) checks it on the same colours as the Python tests.
"""

from __future__ import annotations

import math

TEXT_MINIMUM = 4.5
WHITE = "#ffffff"
# site.css --bg: the page behind text drawn in the second colour (eyebrows, progress).
PAGE_BACKGROUND = "#07070b"


def _channel(value: int) -> float:
    # sRGB to linear light; WCAG 2.2 names 0.04045, the sRGB standard's threshold.
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    """Relative luminance of "#rrggbb", 0 (black) to 1 (white)."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio, 1 (none) to 21 (black on white), in either order."""
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def shown_ratio(ratio: float) -> str:
    # Rounded down, so a ratio just under the minimum never reads as meeting it.
    return f"{math.floor(ratio * 10) / 10:.1f}:1"


def contrast_warnings(accent: str, accent_2: str) -> list[str]:
    """What to tell the owner about these colours (nothing when both read well)."""
    warnings = []
    on_accent = contrast(WHITE, accent)
    if on_accent < TEXT_MINIMUM:
        warnings.append(
            f"White text on the first colour (buttons) has a contrast of "
            f"{shown_ratio(on_accent)}; {TEXT_MINIMUM}:1 reads well. A darker colour helps."
        )
    on_page = contrast(accent_2, PAGE_BACKGROUND)
    if on_page < TEXT_MINIMUM:
        warnings.append(
            f"Text in the second colour on the dark page has a contrast of "
            f"{shown_ratio(on_page)}; {TEXT_MINIMUM}:1 reads well. A lighter colour helps."
        )
    return warnings
