"""Where the site's "read" links go: the reader (`/read/<chapter id>/`, readvault.reader) at a
page, `?page=N` 1-based as the reader takes it."""

from __future__ import annotations

from django.urls import reverse


def reader_url(chapter_id: int, page: int = 0) -> str:
    """The reader on `chapter_id` at the 0-based `page` (no `?page` for the first page)."""
    url = reverse("read-chapter", args=[chapter_id])
    return f"{url}?page={page + 1}" if page > 0 else url
