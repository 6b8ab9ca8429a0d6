"""ReadVault's Celery tasks: thin, by id, calling plain functions (queued through
shadowvault.task_queues; Celery finds this module by the apps' tasks.py autodiscovery)."""

from celery import shared_task

from readvault.models import Chapter
from readvault.page_images import make_for_chapter
from stored_media.storage.base import BackendUnavailable


# A storage hiccup retries the chapter later; what was made stays made (the run is idempotent).
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(BackendUnavailable,),
    retry_backoff=30,
    max_retries=5,
)
def make_page_images(chapter_id: int) -> str:
    chapter = Chapter.objects.select_related("series", "archive").filter(pk=chapter_id).first()
    if chapter is None:
        return f"chapter {chapter_id} no longer exists"
    return f"{len(make_for_chapter(chapter))} images made for chapter {chapter_id}"
