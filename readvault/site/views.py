"""The manga grid (/manga/) and the series page (/manga/<slug>/): anyone may look; members
also see their own reading state."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language_info
from django.views.decorators.http import require_GET

from readvault.models import Genre, ReadingDirection, Series
from readvault.pages.links import cover_urls
from readvault.site.access import get_series_for, visible_series
from readvault.site.browse_filters import SORTS, parse_manga_filters
from readvault.site.series_page import load_series_page
from shadowvault.bounded_paginator import BoundedPaginator
from tenants.request_types import SiteRequest

PAGE_SIZE = 24
COUNT_AT_LEAST = 1000  # "1000+ series" beyond; see BoundedPaginator
CARD_COVER_WIDTH = 300  # cards are 140-200 px wide; 300 is made for covers


@require_GET
def browse(request: SiteRequest) -> HttpResponse:
    shown = visible_series(request)
    genres = list(Genre.objects.all())
    languages = list(
        shown.exclude(language="")
        .order_by("language")
        .values_list("language", flat=True)
        .distinct()
    )
    filters = parse_manga_filters(request.GET, genres, languages)
    for problem in filters.problems:
        messages.warning(request, problem.for_page)
    page_number = request.GET.get("page")
    paginator = BoundedPaginator(
        filters.apply(shown), PAGE_SIZE, page_number, at_least=COUNT_AT_LEAST
    )
    page = paginator.get_page(page_number)
    covers = cover_urls([series.pk for series in page], request, CARD_COVER_WIDTH)
    context = {
        "page": page,
        "cards": [(series, covers.get(series.pk)) for series in page],
        "filters": filters,
        "genres": genres,
        "languages": [(code, _language_name(code)) for code in languages],
        "run_statuses": [c for c in Series.RunStatus.choices if c[0] != Series.RunStatus.UNKNOWN],
        "directions": ReadingDirection.choices,
        "sorts": [(key, label) for key, (label, _) in SORTS.items()],
    }
    return render(request, "readvault/browse.html", context)


def _language_name(code: str) -> str:
    try:
        return get_language_info(code.lower())["name"]
    except KeyError:
        return code


@require_GET
def series_page(request: SiteRequest, slug: str) -> HttpResponse:
    series = get_series_for(request, slug)
    page = load_series_page(request, series)
    return render(request, "readvault/series_page.html", {"series": series, "page": page})
