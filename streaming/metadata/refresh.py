"""Looking a title up again at its provider, as the admin's "refresh" and "match" do."""

from __future__ import annotations

from streaming.metadata.apply import apply_details, record_failure
from streaming.metadata.base import Candidate, MetadataError, MetadataProvider
from streaming.metadata.tmdb import TMDBProvider
from streaming.models import Title


def refresh_title(title: Title, provider: MetadataProvider | None = None) -> str:
    """Fetch fresh details (by TMDB id, or by a search that gives one clear answer) and apply
    them. Failures are recorded on the title for the operator; the title itself is kept."""
    provider = provider or TMDBProvider.from_settings()
    try:
        external_id = str(title.tmdb_id) if title.tmdb_id else _single_match(title, provider)
        if external_id is None:
            record_failure(title, "Several or no candidates found: use “Match metadata”.")
            return f"{title}: no clear match; pick one on its Match metadata page."
        apply_details(title, provider.details(external_id, title.kind))
    except MetadataError as exc:
        record_failure(title, exc)
        return f"{title}: {exc}"
    return f"{title}: metadata refreshed."


def _single_match(title: Title, provider: MetadataProvider) -> str | None:
    candidates = provider.search(title.title, year=title.year, kind=title.kind)
    exact = [c for c in candidates if _same(c, title)]
    if len(exact) == 1:
        return exact[0].external_id
    return candidates[0].external_id if len(candidates) == 1 else None


def _same(candidate: Candidate, title: Title) -> bool:
    same_name = candidate.title.casefold() == title.title.casefold()
    return same_name and (title.year is None or candidate.year == title.year)


def candidates_for(
    query: str, year: int | None, kind: str, provider: MetadataProvider | None = None
) -> list[Candidate]:
    provider = provider or TMDBProvider.from_settings()
    return provider.search(query, year=year, kind=kind)


def match_title(title: Title, external_id: str, provider: MetadataProvider | None = None) -> Title:
    """Apply the candidate the operator picked."""
    provider = provider or TMDBProvider.from_settings()
    return apply_details(title, provider.details(external_id, title.kind))
