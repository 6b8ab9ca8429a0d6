"""Two library entries merged into one (readvault.catalogue.merge): the duplicate's daily
figures join the kept series'. A day both have is one row, its numbers added (a reader who
read both entries that day counts twice: the day's rows keep no readers to tell)."""

from __future__ import annotations

from django.db.models import F

from figures.models import SeriesDay


def move_series_days(keep, duplicate) -> None:
    kept = {(row.tenant_id, row.day): row.pk for row in SeriesDay.objects.filter(series=keep)}
    for row in SeriesDay.objects.filter(series=duplicate):
        into = kept.get((row.tenant_id, row.day))
        if into is None:
            continue
        SeriesDay.objects.filter(pk=into).update(
            readers=F("readers") + row.readers, pages_read=F("pages_read") + row.pages_read
        )
        row.delete()
    SeriesDay.objects.filter(series=duplicate).update(series=keep)
