"""Browse, search (with its typeahead) and title pages: anyone may look; members also see
their own state."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from curation.home import home_page
from shadowvault.bounded_paginator import BoundedPaginator
from shadowvault.request_numbers import parse_bounded_int
from streaming.models import Genre, Title
from streaming.site import access
from streaming.site.browse_filters import SORTS, parse_browse_filters
from streaming.site.forms import CommentForm
from streaming.site.search_everywhere import search_everywhere, typeahead_everywhere
from streaming.site.title_page import load_title_page
from tenants.access import is_member
from tenants.entitlements import entitlements_for
from tenants.request_types import SiteRequest

PAGE_SIZE = 24
COUNT_AT_LEAST = 1000  # browse says "1000+ titles" beyond; see BoundedPaginator
MAX_QUERY_LENGTH = 200


def home(request: SiteRequest) -> HttpResponse:
    return render(request, "home.html", {"home": home_page(request)})


@require_GET
def browse(request: SiteRequest) -> HttpResponse:
    genres = list(Genre.objects.all())
    filters = parse_browse_filters(request.GET, genres)
    for problem in filters.problems:
        messages.warning(request, problem.for_page)
    titles = access.browse_titles(request, filters)
    page_number = request.GET.get("page")
    paginator = BoundedPaginator(titles, PAGE_SIZE, page_number, at_least=COUNT_AT_LEAST)
    page = paginator.get_page(page_number)
    return render(
        request,
        "streaming/browse.html",
        {
            "page": page,
            "filters": filters,
            "genres": genres,
            "kinds": Title.Kind.choices,
            "sorts": [(key, label) for key, (label, _) in SORTS.items()],
        },
    )


@require_GET
def search(request: SiteRequest) -> HttpResponse:
    """Titles and what every search source finds (streaming.site.search_everywhere)."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    page_number = _page_number(request.GET.get("page"))
    found = None
    if query:
        found = search_everywhere(request, query, page=page_number, size=PAGE_SIZE)
        if found.pages and page_number > found.pages:  # an old link past the end: the last
            page_number = found.pages
            found = search_everywhere(request, query, page=page_number, size=PAGE_SIZE)
    pages = found.pages if found else 0
    return render(
        request,
        "streaming/search.html",
        {
            "query": query,
            "found": found,
            "page_number": page_number,
            "pages": pages,
            "has_previous": page_number > 1,
            "has_next": page_number < pages,
        },
    )


@require_GET
def typeahead(request: SiteRequest) -> JsonResponse:
    """`GET ?q=sta` -> `{"results": [{"title", "year", "kind", "url", "badge", ...}, ...]}`:
    titles (with their `id` and `slug`) and every search source's suggestions, of the
    request's site only. Any `q` is answered (an empty or odd one with no results)."""
    return JsonResponse({"results": typeahead_everywhere(request, request.GET.get("q", ""))})


def _page_number(raw: str | None) -> int:
    return parse_bounded_int(raw, 1, 99_999) or 1


@require_GET
def title_detail(request: SiteRequest, slug: str) -> HttpResponse:
    title = access.get_title_for(request, slug)
    return render_title_page(request, title, CommentForm())


def render_title_page(
    request: SiteRequest, title: Title, comment_form: CommentForm, status: int = 200
) -> HttpResponse:
    """The title page; the comment view renders it too, with a form that kept its input."""
    member = is_member(request)
    viewer = request.user if member else None
    max_height = entitlements_for(request).max_height
    page = load_title_page(request.tenant, title, viewer, max_height=max_height)
    context = {"title": title, "page": page, "comment_form": comment_form, "is_member": member}
    return render(request, "streaming/title_detail.html", context, status=status)
