"""The extra arguments of a catalog or subtitles request, as pure functions.

Protocol v3 sends them as the last path segment, before `.json`, written like a query
string whose values are URL-encoded: `/catalog/movie/films/search=blade%20runner&skip=100.json`
(catalogs: `search`, `genre`, `skip`; subtitles: `videoHash`, `videoSize`, `filename`).
A server decodes the path before Django sees it, so a value holding `&`, `=` or `/` is read
from the raw path where the server keeps one (stremio.views.extra_segment).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from shadowvault.request_numbers import parse_bounded_int

MAX_FIELDS = 10
MAX_SEGMENT = 2000  # characters; Stremio's own are a few dozen
MAX_SEARCH = 200
MAX_SKIP = 100_000
PAGE_SIZE = 100  # Stremio asks for the next page with skip=<items it has>


class BadExtra(ValueError):
    """The extra arguments cannot be read; the message says why, for the client."""


@dataclass(frozen=True)
class CatalogExtra:
    search: str = ""
    genre: str = ""
    skip: int = 0


@dataclass(frozen=True)
class SubtitlesExtra:
    video_size: int | None = None
    video_hash: str = ""


def fields_of(segment: str) -> dict[str, str]:
    """`name=value&...` as a dict (the last of a repeated name wins); BadExtra for text that
    is not of that form."""
    if len(segment) > MAX_SEGMENT:
        raise BadExtra(f"Extra arguments are at most {MAX_SEGMENT} characters.")
    if not segment:
        return {}
    try:
        pairs = parse_qsl(
            segment, keep_blank_values=True, strict_parsing=True, max_num_fields=MAX_FIELDS
        )
    except ValueError as error:
        raise BadExtra("Send extra arguments as name=value pairs joined by &.") from error
    # The server refuses a NUL in the path, but "%2500" decodes to "%00" there and to a NUL
    # here: no database takes one inside a string.
    if any("\x00" in name or "\x00" in value for name, value in pairs):
        raise BadExtra("Extra arguments may not hold a NUL character.")
    return dict(pairs)


def catalog_extra(segment: str) -> CatalogExtra:
    fields = fields_of(segment)
    skip = 0
    if "skip" in fields:
        found = parse_bounded_int(fields["skip"], 0, MAX_SKIP)
        if found is None:
            raise BadExtra(f"skip is a whole number from 0 to {MAX_SKIP}.")
        skip = found
    search = " ".join(fields.get("search", "").split())[:MAX_SEARCH]
    genre = fields.get("genre", "").strip()[:60]
    return CatalogExtra(search=search, genre=genre, skip=skip)


def subtitles_extra(segment: str) -> SubtitlesExtra:
    """Stremio sends the playing file's size and OpenSubtitles hash; a size we cannot read
    is no size (the subtitles of the best version answer)."""
    fields = fields_of(segment)
    size = parse_bounded_int(fields.get("videoSize"), 0, 2**63 - 1)
    return SubtitlesExtra(video_size=size, video_hash=fields.get("videoHash", "")[:64])
