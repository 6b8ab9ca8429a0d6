"""The words the site uses for where a reader is: "Continue chapter 12, page 7" on the series
page, "Ch. 12 · page 7" on a card, "Page 7 of 20" beside a chapter. Pages are counted from
1 here; progress stores them from 0."""

from __future__ import annotations

from readvault.models import Chapter, ReadingProgress
from readvault.models.library import format_number
from readvault.reading.progress import ResumePoint


def chapter_name(chapter: Chapter) -> str:
    """ "chapter 12", or the label of a volume that came as one file ("Vol. 3")."""
    if chapter.number is not None:
        return f"chapter {format_number(chapter.number)}"
    return chapter.label


def short_chapter_name(chapter: Chapter) -> str:
    if chapter.number is not None:
        return f"Ch. {format_number(chapter.number)}"
    return chapter.label


def resume_label(point: ResumePoint | None) -> str:
    """The series page's main button."""
    if point is None:
        return "Read again"
    if not point.started:
        return "Start reading"
    return f"Continue {chapter_name(point.chapter)}, page {point.page + 1}"


def card_label(point: ResumePoint) -> str:
    """A continue-reading card's line: "Ch. 12 · page 7"."""
    return f"{short_chapter_name(point.chapter)} · page {point.page + 1}"


def state_of(row: ReadingProgress | None) -> tuple[str, str]:
    """(state, words) of a chapter for its reader: read, in progress or unread."""
    if row is None:
        return "unread", "Unread"
    if row.finished:
        return "read", "Read"
    return "reading", f"Page {row.page + 1} of {row.page_count}"
