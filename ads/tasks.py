"""The ads' Celery task (beat: settings.CELERY_BEAT_SCHEDULE), thin over ads.tracking."""

from __future__ import annotations

from celery import shared_task

from ads.tracking import prune_impressions as prune


@shared_task(soft_time_limit=600)
def prune_impressions() -> int:
    """Delete the Impressions the frequency caps no longer look at; how many went."""
    return prune()
