"""Whole numbers typed by strangers (query strings, form fields, link parameters).

`str.isdigit()` is true for "²" and "①", which `int()` refuses (a 500), and `int()` itself
takes Arabic-Indic and other Unicode decimal digits: neither is a number anyone types in a
URL. Every number read from a request goes through `parse_bounded_int`, which takes ASCII
digits only and a range, so nothing past it can overflow a database integer either.
"""

from __future__ import annotations

# A 64-bit key has at most 19 digits; refusing longer strings keeps int() cheap on
# megabyte-long parameters.
MAX_DIGITS = 19


def parse_bounded_int(raw: object, low: int, high: int) -> int | None:
    """`raw` as an int when it is ASCII digits (surrounding blanks allowed) within
    [low, high]; None for anything else (missing, words, signs, other scripts, out of range)."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not text or len(text) > MAX_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if low <= number <= high else None


def parse_id_list(raw: object, limit: int) -> list[int]:
    """Comma-separated row ids (`?ids=3,4,5`), the valid ones only, at most `limit` of them."""
    if not isinstance(raw, str):
        return []
    ids = (parse_bounded_int(part, 1, 2**63 - 1) for part in raw.split(",")[:limit])
    return [number for number in ids if number is not None]
