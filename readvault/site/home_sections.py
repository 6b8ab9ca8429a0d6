"""ReadVault's rows on the site's home page (shadowvault.site_sections, registered in
ReadVaultConfig.ready()): "Continue reading" for members, "New chapters" for everyone.

Each is a fixed number of queries whatever the library's size (the home page's count is
asserted in tests/test_pages_at_scale.py): continue reading three and the covers' three,
none past the first when nothing was read; new chapters one and the thumbnails' two.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from readvault import plan_gate
from readvault.models import Series
from readvault.pages.links import cover_urls, thumbnail_urls
from readvault.site.access import visible_chapters
from readvault.site.reader_links import reader_url
from readvault.site.reading_labels import card_label, short_chapter_name
from readvault.site.viewer_lists import continue_reading_for
from tenants.access import is_member
from tenants.request_types import SiteRequest

ROW_LENGTH = 12
COVER_WIDTH = 300  # as the grid's cards
THUMBNAIL_WIDTH = 400  # a first page shown 200 px wide (200 and 400 are made)


@dataclass(frozen=True)
class Card:
    series: Series
    cover: str | None
    href: str
    meta: str
    percent: int | None = None


def continue_reading_section(http_request: HttpRequest) -> str:
    request = cast(SiteRequest, http_request)  # the home page is a site's
    if not is_member(request) or plan_gate.refusal(request):
        return ""
    resuming = continue_reading_for(request, ROW_LENGTH)
    if not resuming:
        return ""
    covers = cover_urls([entry.series.pk for entry in resuming], request, COVER_WIDTH)
    cards = [
        Card(
            entry.series,
            covers.get(entry.series.pk),
            reader_url(entry.point.chapter.pk, entry.point.page),
            card_label(entry.point),
            _percent(entry.point.page, entry.point.chapter.page_count),
        )
        for entry in resuming
    ]
    return _shelf(request, "continue-reading", "Continue reading", cards)


def new_chapters_section(http_request: HttpRequest) -> str:
    request = cast(SiteRequest, http_request)  # the home page is a site's
    if plan_gate.refusal(request):
        return ""
    latest = visible_chapters(request).select_related("series", "volume")
    chapters = list(latest.order_by("-created_at", "-pk")[:ROW_LENGTH])
    if not chapters:
        return ""
    thumbnails = thumbnail_urls(chapters, request, THUMBNAIL_WIDTH)
    cards = [
        Card(
            chapter.series,
            thumbnails.get(chapter.pk),
            reader_url(chapter.pk),
            f"{short_chapter_name(chapter)} · new",
        )
        for chapter in chapters
    ]
    return _shelf(request, "new-chapters", "New chapters", cards, reverse("manga-browse"))


def _percent(page: int, page_count: int) -> int:
    return round(100 * (page + 1) / page_count) if page_count else 0


def _shelf(
    request: SiteRequest, key: str, heading: str, cards: list[Card], see_all: str = ""
) -> str:
    context = {"key": key, "heading": heading, "cards": cards, "see_all": see_all}
    return render_to_string("readvault/_home_shelf.html", context, request=request)
