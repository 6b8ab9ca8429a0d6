"""Merging two library entries for the same series without losing anything: chapters,
volumes (merged by number), credits, genres, tags, other names and site hidings move to the
series that is kept; the duplicate's title becomes one of its other names.

Two chapters with the same number cannot both stay (a number is one chapter of a series), and
neither can two whole-volume files of the same volume, so such a merge is refused before
anything changes: the operator renumbers one side first.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models, transaction
from django.db.models import F, ForeignObjectRel, Max, Min

from readvault.catalogue import newest_chapter
from readvault.models import (
    Chapter,
    ReaderSettings,
    Series,
    SeriesCredit,
    SeriesHiding,
    Volume,
    WantToRead,
)
from readvault.models.library import format_number

# What a clash names at most; a longer list helps nobody read the message.
NAMED_CLASHES = 10

# The relations to Series moved by their own function here (their rows are unique per series
# or need merging); every other foreign key is pointed at the kept series as it is.
MOVED_ABOVE = {
    ("readvault.Chapter", "series"),
    ("readvault.Volume", "series"),
    ("readvault.SeriesCredit", "series"),
    ("readvault.SeriesHiding", "series"),
    ("readvault.WantToRead", "series"),
    ("readvault.ReaderSettings", "series"),
}

# Relations of other apps whose rows are unique per series register how to move them
# (register_merge_step): a vault imports no app built on it, so they come to it.
MergeStep = Callable[[Series, Series], None]
_OTHER_STEPS: dict[tuple[str, str], MergeStep] = {}


def register_merge_step(label: str, field: str, step: MergeStep) -> None:
    """`step(keep, duplicate)` moves the rows of `label`.`field` (a foreign key to Series,
    unique per series with other fields) inside the merge's transaction; registering the
    same relation again replaces it (ready() may run twice in tests)."""
    _OTHER_STEPS[(label, field)] = step
    MOVED_ABOVE.add((label, field))


# Blank fields of the kept series that the duplicate may fill.
FILLED_FIELDS = ["summary", "publisher", "language", "age_rating", "year", "web_url"]


class MergeRefused(ValueError):
    """Why two series cannot be merged; shown to the operator as it is."""


def check_merge(keep: Series, duplicate: Series) -> None:
    """Raise MergeRefused when merging would have to drop or renumber a chapter."""
    if keep.pk == duplicate.pk:
        raise MergeRefused("A series cannot be merged with itself.")
    clashes = sorted(_numbers(keep) & _numbers(duplicate))
    if clashes:
        named = ", ".join(format_number(n) for n in clashes[:NAMED_CLASHES])
        more = f" and {len(clashes) - NAMED_CLASHES} more" if len(clashes) > NAMED_CLASHES else ""
        raise MergeRefused(
            f"Both “{keep}” and “{duplicate}” have chapter {named}{more}. Renumber the "
            "chapters of one of them first; nothing was merged."
        )
    volumes = sorted(_whole_volume_files(keep) & _whole_volume_files(duplicate))
    if volumes:
        raise MergeRefused(
            f"Both “{keep}” and “{duplicate}” have volume {', '.join(map(str, volumes))} as "
            "one whole file. Delete or number one of them first; nothing was merged."
        )


def merge_series(keep: Series, duplicate: Series) -> Series:
    """Move everything of `duplicate` into `keep` and delete it, in one transaction."""
    with transaction.atomic():
        # Both rows locked and read afresh (PostgreSQL), so a second merge or an import
        # cannot interleave with this one.
        rows = Series.objects.select_for_update().in_bulk([keep.pk, duplicate.pk])
        if keep.pk not in rows or duplicate.pk not in rows:
            raise MergeRefused("One of the two series no longer exists; nothing was merged.")
        keep, duplicate = rows[keep.pk], rows[duplicate.pk]
        check_merge(keep, duplicate)
        _merge_volumes(keep, duplicate)
        _move_chapters(keep, duplicate)
        _move_credits(keep, duplicate)
        _move_hidings(keep, duplicate)
        _move_readers_rows(keep, duplicate)
        for step in _OTHER_STEPS.values():
            step(keep, duplicate)
        _repoint_the_rest(keep, duplicate)
        keep.genres.add(*duplicate.genres.all())
        keep.tags.add(*duplicate.tags.all())
        _take_names_and_blanks(keep, duplicate)
        duplicate.delete()
    return keep


def _numbers(series: Series) -> set:
    return set(
        Chapter.objects.filter(series=series, number__isnull=False).values_list("number", flat=True)
    )


def _whole_volume_files(series: Series) -> set[int]:
    files = Chapter.objects.filter(series=series, number__isnull=True, volume__isnull=False)
    return set(files.values_list("volume__number", flat=True))


def _merge_volumes(keep: Series, duplicate: Series) -> None:
    kept = {volume.number: volume for volume in Volume.objects.filter(series=keep)}
    for volume in Volume.objects.filter(series=duplicate):
        target = kept.get(volume.number)
        if target is None:
            volume.series = keep
            volume.save(update_fields=["series"])
            continue
        Chapter.objects.filter(volume=volume).update(volume=target)
        if not target.title and volume.title:
            target.title = volume.title
            target.save(update_fields=["title"])
        volume.delete()


def _move_chapters(keep: Series, duplicate: Series) -> None:
    """The duplicate's chapters follow the kept ones in reading order, in their own order
    (the "sort by number" action interleaves them when that is wanted)."""
    kept_last = Chapter.objects.filter(series=keep).aggregate(last=Max("position"))["last"]
    moved_first = Chapter.objects.filter(series=duplicate).aggregate(first=Min("position"))["first"]
    if moved_first is None:
        return
    shift = (-1 if kept_last is None else kept_last) + 1 - moved_first
    Chapter.objects.filter(series=duplicate).update(series=keep, position=F("position") + shift)
    newest_chapter.refresh([keep.pk])  # update() sends no signals


def _move_credits(keep: Series, duplicate: Series) -> None:
    taken = set(SeriesCredit.objects.filter(series=keep).values_list("person_id", "role"))
    for credit in SeriesCredit.objects.filter(series=duplicate):
        if (credit.person_id, credit.role) not in taken:
            credit.series = keep
            credit.save(update_fields=["series"])


def _move_hidings(keep: Series, duplicate: Series) -> None:
    """A site that hid either entry keeps the merged series hidden."""
    hidden = set(SeriesHiding.objects.filter(series=keep).values_list("tenant_id", flat=True))
    SeriesHiding.objects.filter(series=duplicate).exclude(tenant_id__in=hidden).update(series=keep)


def _move_readers_rows(keep: Series, duplicate: Series) -> None:
    """Readers' lists and reader settings are one row per site, reader and series: a
    reader who had both series keeps the kept one's row, the others move over. (Reading
    progress is one row per chapter; chapters move, so it moves with the rest below.)"""
    for model in (WantToRead, ReaderSettings):
        both = model.objects.filter(series=keep).values("user_id")
        rows = model.objects.filter(series=duplicate)
        for tenant_id in rows.values_list("tenant_id", flat=True).distinct():
            rows.filter(tenant_id=tenant_id, user_id__in=both.filter(tenant_id=tenant_id)).delete()
        rows.update(series=keep)


def pointing_fields() -> list[models.ForeignObject]:
    """Every foreign key of another model to Series (the reverse side of each relation,
    hidden ones too)."""
    return [
        relation.field
        for relation in Series._meta.get_fields(include_hidden=True)
        if isinstance(relation, ForeignObjectRel)
    ]


def is_own_m2m(field: models.ForeignObject) -> bool:
    """A row of the series' own genres or tags (merged with add() above)."""
    return any(field.model is m2m.remote_field.through for m2m in Series._meta.many_to_many)


def _repoint_the_rest(keep: Series, duplicate: Series) -> None:
    """Rows of other features that point at a series (import jobs, say) point at the kept
    one. Only plain foreign keys are moved so: a relation whose rows are unique per series
    is moved by its own function above (tests/test_readvault_admin.py checks each is)."""
    for field in pointing_fields():
        if (field.model._meta.label, field.name) in MOVED_ABOVE or is_own_m2m(field):
            continue
        field.model._base_manager.filter(**{field.name: duplicate}).update(**{field.name: keep})


def _take_names_and_blanks(keep: Series, duplicate: Series) -> None:
    names = list(keep.alternative_titles or [])
    for name in [duplicate.title, *(duplicate.alternative_titles or [])]:
        if name and name != keep.title and name not in names:
            names.append(name)
    keep.alternative_titles = names
    changed = ["alternative_titles"]
    for field in FILLED_FIELDS:
        if not getattr(keep, field) and getattr(duplicate, field):
            setattr(keep, field, getattr(duplicate, field))
            changed.append(field)
    if keep.run_status == Series.RunStatus.UNKNOWN != duplicate.run_status:
        keep.run_status = duplicate.run_status
        changed.append("run_status")
    if keep.cover_page_id is None and duplicate.cover_page_id is not None:
        keep.cover_page_id = duplicate.cover_page_id  # its chapter moved here
        changed.append("cover_page")
    if keep.anilist_id is None and duplicate.anilist_id is not None:
        anilist_id = duplicate.anilist_id
        Series.objects.filter(pk=duplicate.pk).update(anilist_id=None)  # unique per series
        keep.anilist_id = anilist_id
        changed.append("anilist_id")
    keep.save(update_fields=[*changed, "updated_at"])
