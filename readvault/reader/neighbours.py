"""The chapters before and after one in its series' reading order, so the reader reads on
into the next chapter without leaving. Two queries whatever the series holds: the ids in
reading order (a column of integers), then the two neighbours with their volumes.

Every chapter of a series the viewer may see is visible too (visibility is the series'),
so the neighbours need no check of their own beyond being in the same series.
"""

from __future__ import annotations

from dataclasses import dataclass

from readvault.models import Chapter
from readvault.pages.roles import reading_order


@dataclass(frozen=True)
class Neighbours:
    previous: Chapter | None
    next: Chapter | None


def neighbours_of(chapter: Chapter) -> Neighbours:
    ids = list(
        reading_order(Chapter.objects.filter(series_id=chapter.series_id)).values_list(
            "pk", flat=True
        )
    )
    at = ids.index(chapter.pk)
    before = ids[at - 1] if at > 0 else None
    after = ids[at + 1] if at + 1 < len(ids) else None
    wanted = [pk for pk in (before, after) if pk is not None]
    found = {c.pk: c for c in Chapter.objects.filter(pk__in=wanted).select_related("volume")}
    return Neighbours(found.get(before) if before else None, found.get(after) if after else None)
