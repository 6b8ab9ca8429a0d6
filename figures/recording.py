"""Counting activity as it happens: one upsert per progress save into the day's raw row
(figures.models), never breaking the save.

Watching: a save adds the position's advance since the viewer's last save of that file
today, bounded by the wall-clock time between the two saves and by
settings.FIGURES_MAX_SECONDS_PER_SAVE, so seeking ahead is not watching, a save of the same
position adds nothing, and a 2x playback counts real time. The first save of a file on a day
only sets the baseline: it adds nothing (the player saves every 10 s, so at most that much
is missed per viewer, file and day). Reading is counted the same way in pages, at most one
page a second (a jump through the slider is not reading); the first page of a chapter on a
day counts one.

Both are one INSERT ... ON CONFLICT DO UPDATE (SQLite and PostgreSQL spell it alike), so a
save costs one query more, whichever comes first in a day and however two saves race. The
savers call it after their own writes, outside any transaction of theirs; a failure is
logged and the save goes on.
"""

from __future__ import annotations

import logging
from datetime import UTC

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from figures.models import ReadingActivity, WatchActivity

log = logging.getLogger(__name__)

SECONDS_PER_PAGE = 1  # the fastest believable reading: one page a second


def _counted(table: str, column: str, cap: str) -> str:
    """The SQL for the advance of `column` since the stored row, bounded by the seconds
    between the two records and by `cap` (an SQL expression), never below 0. Nested CASEs:
    SQLite spells LEAST/GREATEST as MIN/MAX."""
    advance = f"(excluded.{column} - {table}.{column})"
    elapsed = f"(excluded.seen_at - {table}.seen_at)"
    return (
        f"CASE WHEN {advance} <= 0 OR {elapsed} <= 0 THEN 0 "
        f"WHEN {advance} <= {elapsed} AND {advance} <= {cap} THEN {advance} "
        f"WHEN {elapsed} <= {cap} THEN {elapsed} ELSE {cap} END"
    )


# S608: the only strings put into these statements are the table's own name, column names
# and an integer setting; every value is a query parameter.
def _watch_sql() -> str:
    # "day" and "position" are keywords in PostgreSQL's grammar: quoted, as Django does.
    table, day, position = map(
        connection.ops.quote_name, [WatchActivity._meta.db_table, "day", "position"]
    )
    counted = _counted(table, position, str(int(settings.FIGURES_MAX_SECONDS_PER_SAVE)))
    columns = f"tenant_id, {day}, user_id, media_file_id, seconds, {position}, seen_at"
    return (
        f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, 0, %s, %s) "  # noqa: S608
        f"ON CONFLICT (tenant_id, {day}, user_id, media_file_id) DO UPDATE SET "
        f"seconds = {table}.seconds + {counted}, "
        f"{position} = excluded.{position}, seen_at = excluded.seen_at"
    )


def _reading_sql() -> str:
    table, day, page = map(
        connection.ops.quote_name, [ReadingActivity._meta.db_table, "day", "page"]
    )
    # Whole pages: record_reading keeps whole seconds, so this division is exact alike on
    # SQLite (CAST truncates) and PostgreSQL (CAST rounds) for SECONDS_PER_PAGE = 1.
    cap = f"CAST((excluded.seen_at - {table}.seen_at) / {SECONDS_PER_PAGE} AS INTEGER)"
    counted = _counted(table, page, cap)
    columns = f"tenant_id, {day}, user_id, chapter_id, series_id, pages, {page}, seen_at"
    return (
        f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, 1, %s, %s) "  # noqa: S608
        f"ON CONFLICT (tenant_id, {day}, user_id, chapter_id) DO UPDATE SET "
        f"pages = {table}.pages + {counted}, "
        f"{page} = excluded.{page}, seen_at = excluded.seen_at"
    )


def record_watching(tenant, user, media_file_id: int, position: float) -> None:
    """The viewer saved `position` (seconds) in the file; count what it adds today."""
    if tenant is None or not user.is_authenticated:
        return  # visitors save no progress, so they are never counted
    now = timezone.now()
    params = [tenant.pk, now.astimezone(UTC).date(), user.pk, media_file_id, position]
    params.append(now.timestamp())
    _run(_watch_sql(), params, "watching")


def record_reading(tenant, user, chapter_id: int, series_id: int, page: int) -> None:
    """The reader is on `page` (0-based) of the chapter; count the pages it adds today."""
    if tenant is None or not user.is_authenticated:
        return
    now = timezone.now()
    params = [tenant.pk, now.astimezone(UTC).date(), user.pk, chapter_id, series_id, page]
    params.append(int(now.timestamp()))
    _run(_reading_sql(), params, "reading")


def _run(sql: str, params: list, what: str) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError:
        # Figures are worth less than the viewer's place: log, and let the save answer.
        log.exception("figures: could not count %s", what)
