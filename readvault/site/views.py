"""The series page: what a search result about a series links to, until the reader comes."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from readvault.site.access import chapters_of, get_series_for
from tenants.request_types import SiteRequest


@require_GET
def series_page(request: SiteRequest, slug: str) -> HttpResponse:
    series = get_series_for(request, slug)
    context = {"series": series, "chapters": chapters_of(series)}
    return render(request, "readvault/series_page.html", context)
