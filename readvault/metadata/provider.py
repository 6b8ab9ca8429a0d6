"""The one small interface ReadVault's metadata sources speak: AniList, ComicInfo.xml, names.

Like StreamVault's (its design, not its code: the vaults share no imports), a source answers
with plain dataclasses, never with model instances: `readvault.metadata.apply` is the only
place that turns them into rows. `None` in a `SeriesDetails` field means "the source did not
say"; applying leaves such a field as it is, so a thin source never erases a rich one.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import NamedTuple, Protocol

# `SeriesDetails.provider` of what an archive's ComicInfo.xml or the file names said.
COMICINFO = "comicinfo"
FILENAME = "filename"

# The same strings as the readvault models' choices; kept here as plain values so sources
# need no models.
RUN_STATUSES = ("ongoing", "completed", "hiatus", "cancelled", "unknown")
READING_DIRECTIONS = ("ltr", "rtl", "vertical", "webtoon")
CREDIT_ROLES = (
    "writer",
    "penciller",
    "inker",
    "colorist",
    "letterer",
    "cover_artist",
    "editor",
    "translator",
)


class MetadataError(Exception):
    """A lookup failed; the message is shown to the operator as it is (never a secret)."""


class MetadataNotFound(MetadataError):
    """The source has no such series (an unknown id)."""


class MetadataUnavailable(MetadataError):
    """The source could not answer now (timeout, 5xx, rate limit); trying later may work."""


class RateLimited(MetadataUnavailable):
    """The source asked us to wait (HTTP 429) longer than a lookup may; `retry_after` is in
    seconds, for a task to schedule its retry."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Candidate:
    """One search hit, enough for the operator (or `match`) to pick the right series."""

    provider: str
    external_id: str
    title: str
    alternative_titles: tuple[str, ...] = ()
    year: int | None = None
    format: str = ""  # the source's word: MANGA, ONE_SHOT, NOVEL
    country: str = ""  # ISO 3166-1 alpha-2 of origin: JP, KR, CN
    cover_url: str = ""
    is_adult: bool = False


class CreditInfo(NamedTuple):
    name: str
    role: str  # one of CREDIT_ROLES


@dataclass
class SeriesDetails:
    """Everything a source knows about one series."""

    provider: str
    title: str
    alternative_titles: list[str] | None = None
    summary: str | None = None
    run_status: str | None = None  # one of RUN_STATUSES
    publisher: str | None = None
    language: str | None = None  # BCP 47 of the files (ComicInfo's LanguageISO)
    age_rating: str | None = None  # a ComicInfo AgeRating value
    genres: list[str] | None = None
    tags: list[str] | None = None
    credits: list[CreditInfo] | None = None
    reading_direction: str | None = None  # one of READING_DIRECTIONS
    year: int | None = None
    anilist_id: int | None = None
    web_url: str | None = None
    cover_url: str | None = None  # not stored by apply_details (see apply.py)

    def filled_from(self, other: SeriesDetails) -> SeriesDetails:
        """These details, with what they leave unsaid taken from `other` (this one wins)."""
        gaps = {
            f.name: getattr(other, f.name)
            for f in fields(self)
            if f.name not in ("provider", "title") and getattr(self, f.name) in (None, "", [])
        }
        return replace(self, **gaps)


class MetadataProvider(Protocol):
    name: str

    def search(self, name: str, year: int | None = None) -> list[Candidate]: ...

    def details(self, external_id: str) -> SeriesDetails: ...
