"""The audit log's upkeep (beat: daily)."""

from __future__ import annotations

from celery import shared_task

from audit.recording import forget_old


@shared_task
def forget_old_events() -> int:
    return forget_old()
