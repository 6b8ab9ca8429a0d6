"""When the next roll-up runs, from its beat entry (settings.CELERY_BEAT_SCHEDULE), for the
console's "No figures yet" message. Celery's clock is UTC here (no CELERY_TIMEZONE is set
and enable_utc is Celery's default), as the roll-up's days are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings

BEAT_ENTRY = "roll-up-figures"


def next_roll_up(now: datetime) -> datetime:
    """The first time after `now` the entry's crontab fires (hours and minutes; it runs
    every day)."""
    # A celery.schedules.crontab; celery-types does not list its `hour` and `minute` sets.
    schedule: Any = settings.CELERY_BEAT_SCHEDULE[BEAT_ENTRY]["schedule"]
    now = now.astimezone(UTC)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    for offset in (0, 1):
        day = midnight + timedelta(days=offset)
        for hour in sorted(schedule.hour):
            for minute in sorted(schedule.minute):
                at = day + timedelta(hours=hour, minutes=minute)
                if at > now:
                    return at
    raise ValueError(f"{BEAT_ENTRY} has no time of day")  # a crontab always has one
