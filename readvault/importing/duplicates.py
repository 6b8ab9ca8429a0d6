"""The same archive coming in again: recognised by its sha256, before anything is stored.

A source kept as it is has the sha256 of its stored archive; a converted one (RAR, 7z, PDF,
a folder of images) is recognised by the sha256 of the source an earlier job recorded, or of
the CBZ it became. The library is shared by the operator's sites, so any site's chapter
counts.
"""

from __future__ import annotations

from readvault.importing.errors import AlreadyInLibrary
from readvault.models import Chapter, ImportJob


def refuse_a_copy(job: ImportJob, *digests: str) -> None:
    """End the job as already in the library when a chapter has one of these digests."""
    chapter = chapter_with(job, [digest for digest in digests if digest])
    if chapter is not None:
        raise AlreadyInLibrary(chapter, describe(chapter))


def chapter_with(job: ImportJob, digests: list[str]) -> Chapter | None:
    if not digests:
        return None
    chapters = Chapter.objects.select_related("series", "volume")
    stored = chapters.filter(archive__sha256__in=digests).order_by("pk").first()
    if stored is not None:
        return stored
    earlier = (
        ImportJob.objects.filter(source_sha256__in=digests, chapter__isnull=False)
        .exclude(pk=job.pk)
        .order_by("pk")
        .values_list("chapter", flat=True)
        .first()
    )
    return chapters.filter(pk=earlier).first() if earlier is not None else None


def describe(chapter: Chapter) -> str:
    return f"already in the library as {chapter.series.title}, {chapter.label}"
