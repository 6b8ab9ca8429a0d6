"""The chapters before and after one in its series' reading order, so the reader reads on
into the next chapter without leaving. Two queries whatever the series holds: the ids in
reading order (a column of integers), then the two neighbours with their volumes.

Every chapter of a series the viewer may see is visible too (visibility is the series'),
so the neighbours need no check of their own beyond being in the same series.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

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
    # `pk=None` is IS NULL, which matches nothing but still runs: two queries always, where
    # an empty `pk__in` would skip one and the count would depend on the chapter's place.
    around = Chapter.objects.filter(Q(pk=before) | Q(pk=after)).select_related("volume")
    found = {c.pk: c for c in around}
    return Neighbours(found.get(before) if before else None, found.get(after) if after else None)
