"""Which series an imported archive belongs to, and what it is called.

`match_series` reads the sources in order: the archive's ComicInfo.xml first (it describes
this edition: its language, its publisher, its reading direction), then the metadata
provider when one is configured and exactly one of its answers is this series, and last the
file and folder names, so an archive always gets a series. A failed lookup never stops an
import: the series is kept (a skeleton if nothing better was known) with the reason in
`metadata_error` for the operator.

`chapter_facts` does the same for one chapter: ComicInfo's number, volume, title and date
first, the names' after.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from readvault.metadata.anilist import DEFAULT_API_URL, AniListProvider
from readvault.metadata.apply import apply_details, record_failure
from readvault.metadata.comicinfo import ComicInfo, series_details
from readvault.metadata.names import NameFacts
from readvault.metadata.provider import (
    FILENAME,
    Candidate,
    MetadataError,
    MetadataProvider,
    RateLimited,
    SeriesDetails,
)
from readvault.metadata.skeleton import skeleton_details
from readvault.models import Series

logger = logging.getLogger(__name__)

# Formats that are not comics: a light novel shares its manga's name.
NOT_COMICS = {"NOVEL"}


@dataclass(frozen=True)
class ChapterFacts:
    volume: int | None = None
    number: Decimal | None = None
    title: str = ""
    release_date: date | None = None


def configured_provider(max_wait: float | None = None) -> MetadataProvider | None:
    """AniList, unless ANILIST_API_URL is off (no lookups at all). `max_wait`: the longest
    rate-limit pause a lookup sits through before raising `RateLimited` (a minute if None)."""
    if not getattr(settings, "ANILIST_API_URL", DEFAULT_API_URL):
        return None
    if max_wait is None:
        return AniListProvider.from_settings()
    return AniListProvider.from_settings(max_wait=max_wait)


def match_series(
    names: NameFacts,
    comicinfo: ComicInfo | None = None,
    *,
    provider: MetadataProvider | None = None,
    status: str = Series.Status.DRAFT,
    fallback_title: str = "",
) -> Series:
    """The series for an archive: found (by title, an alternative title or the provider's
    id) or created with `status` (draft or published, the caller's choice). `provider` None
    asks no provider; pass `configured_provider()` to use the configured one."""
    local = (series_details(comicinfo) if comicinfo else None) or skeleton_details(
        names, fallback_title
    )
    existing = find_series(local.title)
    if existing is not None and not existing.is_skeleton:
        return apply_details(existing, local)  # fills gaps only; idempotent
    found, failure = _look_up(provider, local.title, local.year or names.year)
    details = local
    if found is not None:
        details = found if local.provider == FILENAME else local.filled_from(found)
        details = _also_known_as(details, local.title)
        holder = Series.objects.filter(anilist_id=found.anilist_id).first()
        existing = holder or existing
    series = apply_details(existing or Series(status=status), details)
    if failure:
        record_failure(series, failure)
    return series


def refresh_series(
    series: Series, provider: MetadataProvider | None = None, *, retry_later: bool = False
) -> str:
    """Look a saved series up again (by its AniList id, else a search with one certain
    answer) and fill it in under apply_details' rules. A failure is recorded on the series;
    the answer is one line for the operator. `retry_later`: a `RateLimited` lookup is
    recorded and raised again, for a task to try later."""
    provider = provider or configured_provider()
    if provider is None:
        return f"“{series}”: no metadata provider is set up (ANILIST_API_URL is empty)."
    try:
        external_id = str(series.anilist_id) if series.anilist_id else None
        if external_id is None:
            candidates = provider.search(series.title, series.year)
            chosen = confident_match(candidates, series.title, series.year)
            if chosen is None:
                raise MetadataError(f"{len(candidates)} candidates, none certain")
            external_id = chosen.external_id
        apply_details(series, provider.details(external_id))
    except MetadataError as error:
        record_failure(series, f"{provider.name}: {error}")
        if retry_later and isinstance(error, RateLimited):
            raise
        return f"“{series}”: {error}"
    return f"“{series}”: filled in from {provider.name}."


def find_series(name: str) -> Series | None:
    """The oldest series with this title, or with it among its alternative titles."""
    by_title = Series.objects.filter(title__iexact=name).order_by("pk").first()
    if by_title is not None or not name:
        return by_title
    # JSON is stored with non-ASCII escaped on some databases (SQLite): look for both
    # spellings in the text, then compare exactly.
    escaped = json.dumps(name)[1:-1]
    maybe = Series.objects.filter(
        Q(alternative_titles__icontains=name) | Q(alternative_titles__icontains=escaped)
    ).order_by("pk")[:50]
    folded = name.casefold()
    return next(
        (
            s
            for s in maybe
            if isinstance(s.alternative_titles, list)
            and any(isinstance(t, str) and t.casefold() == folded for t in s.alternative_titles)
        ),
        None,
    )


def confident_match(
    candidates: Sequence[Candidate], name: str, year: int | None = None
) -> Candidate | None:
    """The one candidate that is this series: a comic (not a novel) with exactly this name
    among its titles; when several are, the one from `year`, if only one is."""
    wanted = _folded(name)
    same = [
        c
        for c in candidates
        if c.format not in NOT_COMICS
        and wanted in {_folded(t) for t in (c.title, *c.alternative_titles)}
    ]
    if len(same) > 1 and year is not None:
        same = [c for c in same if c.year == year]
    return same[0] if len(same) == 1 else None


def chapter_facts(names: NameFacts, comicinfo: ComicInfo | None = None) -> ChapterFacts:
    info = comicinfo or ComicInfo()
    return ChapterFacts(
        volume=info.volume if info.volume is not None else names.volume,
        number=info.chapter if info.chapter is not None else names.chapter,
        title=info.title or names.title,
        release_date=info.release_date,
    )


def _look_up(
    provider: MetadataProvider | None, name: str, year: int | None
) -> tuple[SeriesDetails | None, str]:
    """The provider's details when it is sure; else None and why (empty: no provider)."""
    if provider is None:
        return None, ""
    try:
        candidates = provider.search(name, year)
        chosen = confident_match(candidates, name, year)
        if chosen is None:
            count = len(candidates)
            return None, f"{provider.name}: {count} candidates for “{name}”, none certain"
        return provider.details(chosen.external_id), ""
    except MetadataError as error:
        logger.info("metadata lookup for %r failed: %s", name, error)
        return None, f"{provider.name}: {error}"


def _also_known_as(details: SeriesDetails, name: str) -> SeriesDetails:
    # The name on the files stays findable when the provider's title differs from it.
    known = details.alternative_titles or []
    if name.casefold() == details.title.casefold() or name in known:
        return details
    return replace(details, alternative_titles=[*known, name])


def _folded(text: str) -> str:
    """Case, width and punctuation blind: "ONE PIECE", "One Piece" and "One-Piece" agree."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())
