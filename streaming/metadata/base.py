"""The one small interface every metadata source speaks: TMDB, Kodi NFO files, file names.

A provider answers with plain dataclasses, never with model instances: `apply.apply_details`
is the only place that turns them into catalogue rows, so model rules (field lengths, unique
ids, slugs) live in one spot. `None` in a `Details` field means "the source did not say";
`apply_details` leaves such a field as it is, so a thin source never erases a rich one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple, Protocol

# The same strings as `Title.Kind`; kept here as plain values so providers need no models.
FILM = "film"
SERIES = "series"

# `Details.provider` of a guess made from a file name alone (see skeleton.py).
FILENAME = "filename"


class MetadataError(Exception):
    """A lookup failed; the message is shown to the operator as it is (never a secret)."""


class MetadataNotFound(MetadataError):
    """The source has no such title (TMDB 404, an id that cannot exist)."""


class MetadataUnavailable(MetadataError):
    """The source could not answer now (timeout, 5xx, rate limit); trying later may work."""


@dataclass(frozen=True)
class Candidate:
    """One search hit, enough for the operator to pick the right title."""

    provider: str
    external_id: str
    title: str
    original_title: str = ""
    year: int | None = None
    kind: str = FILM
    overview: str = ""
    poster_url: str = ""


class CreditInfo(NamedTuple):
    name: str
    role: str  # a `Credit.Role` value: cast, director, writer, creator, producer
    character: str = ""
    order: int = 0
    tmdb_person_id: int | None = None


@dataclass
class EpisodeInfo:
    number: int
    name: str = ""
    overview: str = ""
    air_date: date | None = None
    runtime_minutes: int | None = None


@dataclass
class SeasonInfo:
    number: int  # 0 holds specials, as in TMDB and Kodi
    name: str = ""
    overview: str = ""
    year: int | None = None
    episodes: list[EpisodeInfo] = field(default_factory=list)


@dataclass
class Details:
    """Everything a source knows about one title."""

    provider: str
    title: str
    kind: str = FILM
    original_title: str | None = None
    year: int | None = None
    overview: str | None = None
    genres: list[str] | None = None
    runtime_minutes: int | None = None
    content_rating: str | None = None
    tmdb_id: int | None = None
    imdb_id: str | None = None
    # An image URL (TMDB, an NFO <thumb>) or a local file path next to the video.
    poster: str | None = None
    backdrop: str | None = None
    credits: list[CreditInfo] | None = None
    seasons: list[SeasonInfo] = field(default_factory=list)


class MetadataProvider(Protocol):
    name: str

    def search(
        self, title: str, year: int | None = None, kind: str | None = None
    ) -> list[Candidate]: ...

    def details(self, external_id: str, kind: str) -> Details: ...
