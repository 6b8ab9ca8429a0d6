"""Writing what a metadata source found onto a ReadVault Series.

This is the one place source data becomes rows, so the model's limits are enforced here:
text is cut to the field's max_length, values outside a field's choices or range are
dropped, an AniList id another series already holds is refused with a message naming it.

What may be overwritten: the Series model has no per-field lock, so a series that is not a
skeleton only has its empty fields filled (an empty text, no year, run status "unknown", no
genres, no tags, no credits): whatever is there, an operator may have written. A skeleton
(or a new series) takes every field the source gives, since its fields came from file
names. Applying the same details twice changes nothing the second time.

Cover images are not touched: `SeriesDetails.cover_url` is neither downloaded nor stored
(a series' cover is one of its pages, `Series.cover_page`).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from readvault.metadata.provider import FILENAME, CreditInfo, MetadataError, SeriesDetails
from readvault.models import Genre, Person, Series, SeriesCredit, Tag
from readvault.models.library import sort_title_for, unique_slug

MAX_ALTERNATIVE_TITLES = 50
MAX_SUMMARY = 20_000
_MAX_INT = 2147483647  # PositiveIntegerField
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", re.ASCII)
_URL = re.compile(r"https?://[^\s/]+\S*", re.ASCII)


def apply_details(series: Series, details: SeriesDetails) -> Series:
    """Write what `details` says onto `series` (saved, or new and then created), within the
    rules above; genres, tags and credits too."""
    with transaction.atomic():
        takes_all = series.pk is None or series.is_skeleton
        changed = _apply_fields(series, details, takes_all)
        if details.provider != FILENAME:
            series.is_skeleton = False
            series.metadata_error = ""
        elif series.pk is None:
            series.is_skeleton = True
        if series.pk is None:
            series.save()
        else:
            series.save(update_fields=[*changed, "is_skeleton", "metadata_error", "updated_at"])
        if details.genres and (takes_all or not series.genres.exists()):
            series.genres.add(*_named_rows(Genre, details.genres))
        if details.tags and (takes_all or not series.tags.exists()):
            series.tags.add(*_named_rows(Tag, details.tags))
        if details.credits and (takes_all or not series.credits.exists()):
            _replace_credits(series, details.credits)
    return series


def record_failure(series: Series, error: Exception | str) -> Series:
    """Keep the series (and its skeleton) and tell the operator why the lookup failed."""
    series.metadata_error = str(error)[:2000] or type(error).__name__
    if series.pk is None:
        series.is_skeleton = True
        series.save()
    else:
        series.save(update_fields=["metadata_error", "updated_at"])
    return series


def _apply_fields(series: Series, details: SeriesDetails, takes_all: bool) -> list[str]:
    """Set the fields the source gave and name them; the checks run before any field is
    set, so a refused answer leaves the instance as it was."""
    values = _fitted(details)
    changes = {
        name: value
        for name, value in values.items()
        if value not in (None, "", [])
        and getattr(series, name) != value
        and (takes_all or _is_empty(series, name))
    }
    if anilist_id := changes.get("anilist_id"):
        holder = Series.objects.filter(anilist_id=anilist_id).exclude(pk=series.pk).first()
        if holder is not None:
            raise MetadataError(
                f"AniList id {anilist_id} already belongs to “{holder}” (#{holder.pk}); "
                "merge the two series instead"
            )
    old_title = series.title
    for name, value in changes.items():
        setattr(series, name, value)
    if "title" in changes and series.pk is not None:
        # A skeleton's slug and sort title came from a file name; nobody has linked to it.
        series.slug = unique_slug(series)
        if not series.sort_title or series.sort_title == sort_title_for(old_title):
            series.sort_title = sort_title_for(series.title)
        changes.update(slug=series.slug, sort_title=series.sort_title)
    if "alternative_titles" not in changes and "title" in changes:
        # The new title may be one of the alternatives already listed.
        kept = [t for t in series.alternative_titles if t.casefold() != series.title.casefold()]
        if kept != series.alternative_titles:
            series.alternative_titles = kept
            changes["alternative_titles"] = kept
    return list(changes)


def _is_empty(series: Series, name: str) -> bool:
    value = getattr(series, name)
    if name == "run_status":
        return bool(value == Series.RunStatus.UNKNOWN)
    if name == "reading_direction":
        return False  # its default (left to right) cannot be told from a choice
    return value in (None, "", [])


def _fitted(details: SeriesDetails) -> dict[str, Any]:
    """The details as the model can hold them: cut to length, within choices and ranges."""
    title = _text(details.title, "title")
    return {
        "title": title,
        "alternative_titles": _alternatives(details.alternative_titles, title),
        "summary": (details.summary or "").strip()[:MAX_SUMMARY],
        "run_status": _choice(details.run_status, Series.RunStatus.values),
        "publisher": _text(details.publisher, "publisher"),
        "language": _language(details.language),
        "age_rating": _choice(details.age_rating, Series.AgeRating.values),
        "reading_direction": _choice(
            details.reading_direction, Series._meta.get_field("reading_direction").choices
        ),
        "year": _within(details.year, 1000, 2999),
        "anilist_id": _within(details.anilist_id, 1, _MAX_INT),
        "web_url": _web_url(details.web_url),
    }


def _text(value: str | None, field: str) -> str:
    max_length = getattr(Series._meta.get_field(field), "max_length", None)
    return " ".join((value or "").split())[:max_length]


def _alternatives(titles: list[str] | None, title: str) -> list[str]:
    found: dict[str, str] = {}
    for raw in titles or []:
        name = " ".join(str(raw).split())[:300]
        if name and name.casefold() != title.casefold():
            found.setdefault(name.casefold(), name)
    return list(found.values())[:MAX_ALTERNATIVE_TITLES]


def _choice(value: str | None, choices: Any) -> str | None:
    allowed = {c[0] if isinstance(c, tuple) else c for c in choices or []}
    return value if value and value in allowed else None


def _language(value: str | None) -> str | None:
    return value if value and len(value) <= 16 and _LANGUAGE.fullmatch(value) else None


def _within(value: int | None, low: int, high: int) -> int | None:
    return value if value is not None and low <= value <= high else None


def _web_url(value: str | None) -> str | None:
    return value if value and len(value) <= 500 and _URL.fullmatch(value) else None


def _named_rows(model: type[Genre] | type[Tag], names: list[str]) -> list[Any]:
    """Genre or Tag rows for the names: by slug first ("Sci-Fi" and "Sci Fi" are one), by
    name for a row whose slug the operator edited; created when missing."""
    max_length = model._meta.get_field("name").max_length or 60
    rows: dict[int, Any] = {}
    for raw in names:
        name = " ".join(raw.split())[:max_length]
        slug = slugify(name, allow_unicode=True)[:max_length]
        if not slug:
            continue
        row = model.objects.filter(Q(slug=slug) | Q(name__iexact=name)).first()
        if row is None:
            row, _ = model.objects.get_or_create(slug=slug, defaults={"name": name})
        rows[row.pk] = row
    return list(rows.values())


def _replace_credits(series: Series, credits: list[CreditInfo]) -> None:
    wanted: dict[tuple[str, str], str] = {}
    for credit in credits:
        name = " ".join(credit.name.split())[:200]
        if name and credit.role in SeriesCredit.Role.values:
            wanted.setdefault((name.casefold(), credit.role), name)
    people = _people(list(dict.fromkeys(wanted.values())))
    series.credits.all().delete()
    SeriesCredit.objects.bulk_create(
        SeriesCredit(series=series, person=people[name], role=role, order=order)
        for order, ((_, role), name) in enumerate(wanted.items())
    )


def _people(names: list[str]) -> dict[str, Person]:
    """One query for the people that exist, one insert for each new one."""
    found = {p.name: p for p in Person.objects.filter(name__in=names)}
    for name in names:
        if name not in found:
            found[name], _ = Person.objects.get_or_create(name=name)
    return found
