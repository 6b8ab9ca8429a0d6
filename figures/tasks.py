"""The figures' nightly Celery task (beat: settings.CELERY_BEAT_SCHEDULE), thin over
figures.roll_up."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from figures.roll_up import nightly


@shared_task(soft_time_limit=1800)
def roll_up_day(day: str | None = None) -> dict:
    """Roll up `day` (ISO date; yesterday, UTC, when beat sends none), then prune raw rows."""
    done = nightly(date.fromisoformat(day) if day else None)
    return {"day": done.day.isoformat(), "sites": done.sites, "pruned": done.pruned}
