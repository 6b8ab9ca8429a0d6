"""A ReadVault series as the database holds it, for tests that compare a series before and
after something ran (a metadata match, an apply, a refused apply that must change nothing)."""

from __future__ import annotations

from readvault.models import Series


def credits_of(series: Series) -> list[tuple[str, str]]:
    """(person, role) for each of the series' credits, in their order."""
    return [(c.person.name, c.role) for c in series.credits.order_by("order")]


def snapshot(series: Series) -> dict:
    """Every stored field of the series (updated_at aside), its genres, tags and credits."""
    series.refresh_from_db()
    return {
        **{f.attname: getattr(series, f.attname) for f in Series._meta.concrete_fields},
        "updated_at": None,
        "genres": sorted(series.genres.values_list("name", flat=True)),
        "tags": sorted(series.tags.values_list("name", flat=True)),
        "credits": credits_of(series),
    }
