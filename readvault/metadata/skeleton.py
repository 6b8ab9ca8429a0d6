"""The skeleton: what file and folder names alone say about a series, so that no archive is
ever lost because ComicInfo.xml was missing or a lookup failed. The series it makes is marked
`is_skeleton`; a later lookup may then replace every field it set."""

from __future__ import annotations

import unicodedata

from readvault.metadata.names import NameFacts
from readvault.metadata.provider import FILENAME, SeriesDetails

UNTITLED = "Untitled"


def skeleton_details(facts: NameFacts, fallback_title: str = "") -> SeriesDetails:
    """The series the names give: its title from the series folder or file name, else from
    `fallback_title` (the caller's choice: the archive's name, the import folder's), else
    "Untitled"."""
    # Control and format characters (a bidi override disguising a name) never reach a title.
    kept = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in fallback_title)
    title = facts.series or " ".join(kept.split())[:300] or UNTITLED
    return SeriesDetails(provider=FILENAME, title=title, year=facts.year)
