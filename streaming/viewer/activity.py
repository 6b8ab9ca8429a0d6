"""Recording and reading a viewer's progress and watchlist on one site."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from figures.recording import record_watching
from streaming.models import MediaFile, Title, WatchlistEntry, WatchProgress
from streaming.models.catalogue import media_visible_rule, visible_rule
from streaming.models.viewer import FINISHED_FRACTION

# "In progress" (continue watching, resuming, the API's `in_progress`): started and not
# finished. Started means past STARTED_SECONDS, or past STARTED_FRACTION of anything so short
# that those seconds would be most of it (a 10 s clip stopped at 4 s is in progress).
STARTED_SECONDS = 30
STARTED_FRACTION = 0.05
IN_PROGRESS_EXPLAINED = (
    f"Shows what you stopped part-way through: past the first {STARTED_SECONDS} seconds (or "
    f"the first {STARTED_FRACTION:.0%} of anything under "
    f"{STARTED_SECONDS / STARTED_FRACTION / 60:.0f} minutes) and before the last "
    f"{1 - FINISHED_FRACTION:.0%}."
)


class ProgressRejected(ValueError):
    """A position that cannot be right (negative, not a number, past the end)."""


def record_progress(
    tenant, user, media_file: MediaFile, position: float, duration: float | None = None
) -> WatchProgress:
    if position != position or position < 0 or position > 7 * 24 * 3600:  # NaN, negative, absurd
        raise ProgressRejected(f"position {position!r} is not a playback position in seconds")
    duration = duration or media_file.duration_seconds
    if duration and position > duration + 5:
        raise ProgressRejected(f"position {position:.0f}s is past the end ({duration:.0f}s)")
    finished = bool(duration and position >= duration * FINISHED_FRACTION)
    with transaction.atomic():
        progress, _ = WatchProgress.objects.for_tenant(tenant).update_or_create(
            tenant=tenant,
            user=user,
            media_file=media_file,
            defaults={
                "position_seconds": position,
                "duration_seconds": duration,
                "finished": finished,
            },
        )
    # After the save's own transaction: the figures count it (figures.recording, one query).
    record_watching(tenant, user, media_file.pk, position)
    return progress


def in_progress_rule(prefix: str = "") -> Q:
    """The rule as a filter on WatchProgress rows (`prefix` reaches them through a relation).
    The file's duration stands in when the player did not report one."""
    duration = Coalesce(F(f"{prefix}duration_seconds"), F(f"{prefix}media_file__duration_seconds"))
    position = f"{prefix}position_seconds"
    started = Q(**{f"{position}__gte": STARTED_SECONDS}) | Q(
        **{f"{position}__gte": duration * STARTED_FRACTION}
    )
    unknown_length = Q(
        **{f"{prefix}duration_seconds__isnull": True},
        **{f"{prefix}media_file__duration_seconds__isnull": True},
    )
    before_the_end = unknown_length | Q(**{f"{position}__lt": duration * FINISHED_FRACTION})
    return Q(**{f"{prefix}finished": False}) & started & before_the_end


def is_in_progress(progress: WatchProgress) -> bool:
    """in_progress_rule for one row already loaded (with its media file)."""
    duration = progress.duration_seconds or progress.media_file.duration_seconds
    position = progress.position_seconds
    if progress.finished or (duration and position >= duration * FINISHED_FRACTION):
        return False
    return position >= STARTED_SECONDS or bool(duration and position >= duration * STARTED_FRACTION)


def resume_position(tenant, user, media_file: MediaFile) -> float:
    """Where playback starts: where the viewer stopped if it is in progress, else 0."""
    progress = WatchProgress.objects.for_tenant(tenant).filter(user=user, media_file=media_file)
    found = progress.select_related("media_file").first()
    return found.position_seconds if found and is_in_progress(found) else 0.0


def continue_watching(tenant, user, limit: int = 20) -> list[WatchProgress]:
    """The viewer's files in progress here (in_progress_rule), last played first."""
    rows = WatchProgress.objects.for_tenant(tenant).filter(in_progress_rule(), user=user)
    rows = rows.order_by("-updated_at").select_related(
        "media_file__title", "media_file__episode__season__title"
    )
    # The rule on the joined rows, not `media_file__in=<visible files>`: that lists every
    # visible file of the catalogue to keep a dozen rows (bench/pages.py, the home page).
    return list(rows.filter(media_visible_rule(tenant, "media_file__"))[:limit])


def set_on_watchlist(tenant, user, title: Title, wanted: bool) -> bool:
    """Add or remove; returns whether the title is on the list afterwards."""
    entries = WatchlistEntry.objects.for_tenant(tenant).filter(user=user, title=title)
    if wanted:
        WatchlistEntry.objects.get_or_create(tenant=tenant, user=user, title=title)
    else:
        entries.delete()
    return wanted


def watchlist(tenant, user) -> QuerySet[WatchlistEntry]:
    """The viewer's watchlist on this site, last added first, titles the site shows only."""
    entries = WatchlistEntry.objects.for_tenant(tenant).filter(user=user)
    entries = entries.filter(visible_rule(tenant, "title__"))
    return entries.select_related("title").order_by("-added_at", "-pk")


def remove_from_watchlist(tenant, user, title_id: int) -> Title | None:
    """Take a title off the viewer's list; the title, or None when it was not on the list."""
    entry = watchlist(tenant, user).filter(title_id=title_id).first()
    if entry is None:
        return None
    entry.delete()
    return entry.title


def history(tenant, user) -> QuerySet[WatchProgress]:
    """Everything the viewer played on this site, most recent first."""
    rows = WatchProgress.objects.for_tenant(tenant).filter(user=user).history()
    rows = rows.filter(media_visible_rule(tenant, "media_file__"))
    return rows.select_related("media_file__title", "media_file__episode__season__title")


def forget_progress(tenant, user, progress_id: int) -> WatchProgress | None:
    """Remove one entry of the viewer's history here; None when they have no such entry."""
    entry = history(tenant, user).filter(pk=progress_id).first()
    if entry is not None:
        entry.delete()
    return entry


def clear_history(tenant, user) -> int:
    """Forget everything the viewer played on this site (resume positions go with it),
    including files of titles the site no longer shows; returns how many entries went."""
    deleted, _ = WatchProgress.objects.for_tenant(tenant).filter(user=user).delete()
    return deleted
