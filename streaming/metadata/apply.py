"""Writing what a metadata source found onto a catalogue Title.

This is the one place provider data becomes rows, so the model's limits are enforced here:
text is cut to the field's max_length, implausible numbers are dropped, a TMDB id another
title already holds is refused with a message (the operator merges the two instead).

Images are not touched by `apply_details`: a poster URL from TMDB or an NFO is neither
downloaded nor stored. `store_images` downloads them, and only through the fetcher it is
given, which for remote URLs is the ingest's SSRF-guarded fetcher (private, loopback and
link-local addresses refused, size capped).
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from PIL import Image, UnidentifiedImageError

from streaming.metadata.base import FILENAME, CreditInfo, Details, MetadataError, SeasonInfo
from streaming.models import Credit, Episode, Genre, Person, Season, Title
from streaming.models.catalogue import unique_slug

# Takes a poster/backdrop reference as a Details gives it (a URL or a local path) and
# returns the image's bytes, or raises MetadataError.
Fetch = Callable[[str], bytes]

_TEXT_FIELDS = ("title", "original_title", "overview", "content_rating", "imdb_id")
_MAX_SMALL = 32767  # PositiveSmallIntegerField
_MAX_INT = 2147483647  # PositiveIntegerField
_IMAGE_SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


def apply_details(title: Title, details: Details) -> Title:
    """Write the fields the source gave (None means "did not say" and changes nothing), its
    genres, its credits (replacing the title's) and, for a series, its seasons and episodes
    (added or updated, never removed: they hold media files)."""
    with transaction.atomic():
        was_skeleton = title.is_skeleton
        changed = _apply_fields(title, details)
        if was_skeleton and {"title", "year"} & set(changed):
            # A skeleton's slug came from a file name; nobody has linked to it yet.
            title.slug = unique_slug(title)
            changed.append("slug")
        title.is_skeleton = details.provider == FILENAME
        if not title.is_skeleton:
            title.metadata_error = ""
        if title.pk is None:
            title.save()
        else:
            title.save(update_fields=[*changed, "is_skeleton", "metadata_error", "updated_at"])
        if details.genres is not None:
            title.genres.set(_genres(details.genres))
        if details.credits is not None:
            _replace_credits(title, details.credits)
        if title.kind == Title.Kind.SERIES:
            for season in details.seasons:
                _apply_season(title, season)
    return title


def record_failure(title: Title, error: Exception | str) -> Title:
    """Keep the title (and its skeleton) and tell the operator why the lookup failed."""
    title.metadata_error = str(error)[:2000] or type(error).__name__
    if title.pk is None:
        title.save()
    else:
        title.save(update_fields=["metadata_error", "updated_at"])
    return title


def store_images(title: Title, details: Details, fetch: Fetch) -> Title:
    """Download the poster and backdrop through `fetch` and keep them as the title's images.
    Only JPEG, PNG and WebP are kept; anything else is a MetadataError naming the image."""
    changed = []
    for field, reference in (("poster", details.poster), ("backdrop", details.backdrop)):
        if not reference:
            continue
        data = fetch(reference)
        suffix = _image_suffix(data, f"the {field} {reference}")
        getattr(title, field).save(f"{title.slug}{suffix}", ContentFile(data), save=False)
        changed.append(field)
    if changed:
        title.save(update_fields=[*changed, "updated_at"])
    return title


def _apply_fields(title: Title, details: Details) -> list[str]:
    """Set the fields the source gave on `title` and name them; the checks run before any
    field is set, so a refused answer leaves the instance as it was."""
    values: dict[str, str | int | None] = {
        name: _fit_text(name, getattr(details, name)) for name in _TEXT_FIELDS
    }
    values["year"] = _within(details.year, 1850, 2200)
    values["runtime_minutes"] = _within(details.runtime_minutes, 1, 10_000)
    values["tmdb_id"] = _within(details.tmdb_id, 1, _MAX_INT)
    values["kind"] = details.kind
    changes = {k: v for k, v in values.items() if v not in (None, "") and getattr(title, k) != v}
    if "kind" in changes and not title.is_skeleton:
        raise MetadataError(
            f"“{title}” is a {title.get_kind_display().lower()}, "
            f"but {details.provider} describes a {details.kind}"
        )
    # (kind, tmdb_id) is unique: an answer that would break it names the title to merge with.
    kind, tmdb_id = changes.get("kind", title.kind), changes.get("tmdb_id", title.tmdb_id)
    if tmdb_id is not None and changes.keys() & {"kind", "tmdb_id"}:
        holder = Title.objects.filter(kind=kind, tmdb_id=tmdb_id).exclude(pk=title.pk).first()
        if holder is not None:
            raise MetadataError(
                f"TMDB id {tmdb_id} already belongs to “{holder}” (#{holder.pk}); "
                "merge the two titles instead"
            )
    for name, value in changes.items():
        setattr(title, name, value)
    return list(changes)


def _fit_text(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    max_length = getattr(Title._meta.get_field(name), "max_length", None)
    return value.strip()[:max_length]


def _within(value: int | None, low: int, high: int) -> int | None:
    return value if value is not None and low <= value <= high else None


def _genres(names: list[str]) -> list[Genre]:
    genres = {}
    for raw in names:
        name = raw.strip()[:60]
        slug = slugify(name, allow_unicode=True)[:60]
        if not slug:
            continue
        # By slug first ("Sci-Fi" and "Sci Fi" are one genre); by name for a genre whose
        # slug the operator edited.
        genre = Genre.objects.filter(Q(slug=slug) | Q(name=name)).first()
        if genre is None:
            genre, _ = Genre.objects.get_or_create(slug=slug, defaults={"name": name})
        genres[genre.pk] = genre
    return list(genres.values())


def _replace_credits(title: Title, credits: list[CreditInfo]) -> None:
    wanted = [c for c in credits if c.role in Credit.Role.values and c.name.strip()]
    people = _people(wanted)
    rows, seen = [], set()
    for credit in wanted:
        person = people[_person_key(credit)]
        character = credit.character.strip()[:200]
        if (person.pk, credit.role, character) in seen:
            continue
        seen.add((person.pk, credit.role, character))
        order = min(max(credit.order, 0), _MAX_SMALL)
        rows.append(
            Credit(title=title, person=person, role=credit.role, character=character, order=order)
        )
    title.credits.all().delete()
    Credit.objects.bulk_create(rows)


def _person_key(credit: CreditInfo) -> int | str:
    if credit.tmdb_person_id and 0 < credit.tmdb_person_id <= _MAX_INT:
        return credit.tmdb_person_id
    return credit.name.strip()[:200]


def _people(credits: list[CreditInfo]) -> dict[int | str, Person]:
    """Person rows for the credits: by TMDB id when the source has one, else by name; two
    queries for the ones that exist, one insert for each new person."""
    keys = {_person_key(c): c.name.strip()[:200] for c in credits}
    ids = [k for k in keys if isinstance(k, int)]
    names = [k for k in keys if isinstance(k, str)]
    found: dict[int | str, Person] = {
        p.tmdb_id: p for p in Person.objects.filter(tmdb_id__in=ids) if p.tmdb_id is not None
    }
    for person in Person.objects.filter(name__in=names).order_by("-pk"):
        found[person.name] = person  # the oldest of namesakes wins: it was there first
    for key, name in keys.items():
        if key not in found:
            tmdb_id = key if isinstance(key, int) else None
            found[key] = Person.objects.create(name=name, tmdb_id=tmdb_id)
    return found


def _apply_season(title: Title, info: SeasonInfo) -> None:
    if not 0 <= info.number <= _MAX_SMALL:
        return
    season, _ = Season.objects.get_or_create(title=title, number=info.number)
    _update(
        season, name=info.name[:200], overview=info.overview, year=_within(info.year, 1850, 2200)
    )
    for episode_info in info.episodes:
        if not 0 <= episode_info.number <= _MAX_SMALL:
            continue
        episode, _ = Episode.objects.get_or_create(season=season, number=episode_info.number)
        _update(
            episode,
            name=episode_info.name[:300],
            overview=episode_info.overview,
            air_date=episode_info.air_date,
            runtime_minutes=_within(episode_info.runtime_minutes, 1, 10_000),
        )


def _update(row: Season | Episode, **values) -> None:
    # An empty value from the source ("no overview in this language") keeps what is there.
    changed = [k for k, v in values.items() if v not in (None, "") and getattr(row, k) != v]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        row.save(update_fields=changed)


def _image_suffix(data: bytes, what: str) -> str:
    try:
        with Image.open(io.BytesIO(data)) as image:
            suffix = _IMAGE_SUFFIXES.get(image.format or "")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        suffix = None
    if suffix is None:
        raise MetadataError(f"{what} is not a JPEG, PNG or WebP image")
    return suffix
