"""The one place a progressive rendition's state is written (a job's state is written only by
ingest_core.lifecycle; tests/test_ingest_lifecycle.py checks both rules)."""

from __future__ import annotations

from django.utils import timezone

from streaming.models import ProgressiveRendition

State = ProgressiveRendition.State


def set_state(rendition_id: int, state: str) -> None:
    """Encoding ended one way or the other: nothing runs for it any more."""
    ProgressiveRendition.objects.filter(pk=rendition_id).update(
        state=state, encoding_at=[], message="", updated_at=timezone.now()
    )


def mark_replaced(media_file_id: int) -> None:
    """The final MP4 is stored: players move to it at their next poll."""
    ProgressiveRendition.objects.filter(media_file_id=media_file_id).update(
        state=State.REPLACED, encoding_at=[], message="", updated_at=timezone.now()
    )
