"""Where the site's "read" links go: the reader (`/read/<chapter id>/`, readvault.reader) at a
page, `?page=N` 1-based as the reader takes it."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse


def reader_url(chapter_id: int, page: int = 0) -> str:
    """The reader on `chapter_id` at the 0-based `page` (no `?page` for the first page)."""
    try:
        url = reverse("read-chapter", args=[chapter_id])
    except NoReverseMatch:  # the reader's route is built alongside; its path is agreed
        url = f"/read/{chapter_id}/"
    return f"{url}?page={page + 1}" if page > 0 else url
