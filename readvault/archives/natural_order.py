"""The order pages are read in: numbers inside names compare as numbers ("2.jpg" before
"10.jpg"), case does not matter, and a folder's pages come before the next folder's."""

from __future__ import annotations

import re

# ASCII digits only: "٣" is not a page number, and int() of a long run is avoided (Python caps
# int-from-string at 4,300 digits) by comparing runs by length, then digits.
_DIGITS = re.compile(r"([0-9]+)")

Part = str | tuple[int, str]


def natural_key(text: str) -> tuple[tuple[Part, ...], str, str]:
    """A sort key for one name: text runs casefolded, digit runs by value; ties broken by the
    casefolded name then the name itself, so distinct names never compare equal."""
    parts: list[Part] = []
    for position, run in enumerate(_DIGITS.split(text)):
        if position % 2:
            value = run.lstrip("0") or "0"
            parts.append((len(value), value))
        else:
            parts.append(run.casefold())
    return tuple(parts), text.casefold(), text


def page_order_key(
    member_name: str,
) -> tuple[tuple[tuple[tuple[Part, ...], str, str], ...], tuple[tuple[Part, ...], str, str]]:
    """Folders first (their path, naturally), then the file's name: "1.jpg" at the root comes
    before "ch2/1.jpg", and "ch2/..." before "ch10/..."."""
    *folders, name = member_name.split("/")
    return tuple(natural_key(folder) for folder in folders), natural_key(name)


def in_page_order(member_names: list[str]) -> list[str]:
    return sorted(member_names, key=page_order_key)
