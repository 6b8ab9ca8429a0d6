"""StreamVault's Celery tasks: thin, by id, calling plain functions."""

from celery import shared_task

from streaming.metadata.refresh import refresh_title
from streaming.models import Title


@shared_task
def refresh_metadata(title_id: int) -> str:
    title = Title.objects.filter(pk=title_id).first()
    if title is None:
        return f"title {title_id} no longer exists"
    return refresh_title(title)
