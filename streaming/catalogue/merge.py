"""Merging two catalogue entries for the same film or series without losing anything:
media files, seasons and episodes, comments, watchlists, collections and site hidings move
to the title that is kept; viewers' progress follows the media files it belongs to."""

from __future__ import annotations

from django.db import transaction

from streaming.models import (
    CollectionEntry,
    Comment,
    Credit,
    Episode,
    MediaFile,
    Season,
    Title,
    TitleHiding,
    WatchlistEntry,
)


class MergeRefused(ValueError):
    pass


@transaction.atomic
def merge_titles(keep: Title, duplicate: Title) -> Title:
    if keep.pk == duplicate.pk:
        raise MergeRefused("A title cannot be merged with itself.")
    if keep.kind != duplicate.kind:
        raise MergeRefused("A film and a series cannot be merged.")
    MediaFile.objects.filter(title=duplicate).update(title=keep)
    for season in Season.objects.filter(title=duplicate):
        _merge_season(keep, season)
    Comment.objects.filter(title=duplicate).update(title=keep)
    _move_unique(WatchlistEntry, duplicate, keep, ("tenant_id", "user_id"))
    _move_unique(TitleHiding, duplicate, keep, ("tenant_id",))
    _move_unique(CollectionEntry, duplicate, keep, ("collection_id",))
    if not keep.credits.exists():
        Credit.objects.filter(title=duplicate).update(title=keep)
    keep.genres.add(*duplicate.genres.all())
    _fill_blanks(keep, duplicate)
    duplicate.delete()
    return keep


def _merge_season(keep: Title, season: Season) -> None:
    target = Season.objects.filter(title=keep, number=season.number).first()
    if target is None:
        season.title = keep
        season.save(update_fields=["title"])
        return
    for episode in Episode.objects.filter(season=season):
        existing = Episode.objects.filter(season=target, number=episode.number).first()
        if existing is None:
            episode.season = target
            episode.save(update_fields=["season"])
        else:
            MediaFile.objects.filter(episode=episode).update(episode=existing)
            Comment.objects.filter(episode=episode).update(episode=existing)


def _move_unique(model, duplicate: Title, keep: Title, owner_fields: tuple[str, ...]) -> None:
    taken = set(model.objects.filter(title=keep).values_list(*owner_fields))
    for row in model.objects.filter(title=duplicate):
        if tuple(getattr(row, f) for f in owner_fields) not in taken:
            row.title = keep
            row.save(update_fields=["title"])


def _fill_blanks(keep: Title, duplicate: Title) -> None:
    fields = [
        "original_title",
        "year",
        "overview",
        "runtime_minutes",
        "content_rating",
        "imdb_id",
        "poster",
        "backdrop",
    ]
    changed = [f for f in fields if not getattr(keep, f) and getattr(duplicate, f)]
    for name in changed:
        setattr(keep, name, getattr(duplicate, name))
    if keep.tmdb_id is None and duplicate.tmdb_id is not None:
        tmdb_id = duplicate.tmdb_id
        Title.objects.filter(pk=duplicate.pk).update(tmdb_id=None)  # one title per TMDB id
        keep.tmdb_id = tmdb_id
        changed.append("tmdb_id")
    if changed:
        keep.save(update_fields=changed)
