"""What a member does on a series page: keep it on "want to read", mark a chapter read or
unread, mark every chapter up to one read. POST forms (CSRF); a visitor or a non-member is
sent to sign in. Each answers with the series page again and a message saying what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from readvault.models import Chapter, Series
from readvault.reading import activity, progress
from readvault.site.access import NO_SUCH_CHAPTER, get_chapter_for, get_series_for
from readvault.site.reading_labels import chapter_name
from tenants.access import is_member
from tenants.request_types import SiteRequest

SeriesAction = Callable[[SiteRequest, Series], None]


def series_action(action: SeriesAction) -> Callable[[SiteRequest, str], HttpResponse]:
    """POST only; the series this site shows the viewer (else 404); members only (others
    go to sign in and come back to the series page)."""

    @require_POST
    @wraps(action)
    def view(request: SiteRequest, slug: str) -> HttpResponse:
        series = get_series_for(request, slug)
        if not is_member(request):
            return redirect_to_login(_series_url(series))
        action(request, series)
        return redirect(_series_url(series) + _anchor(request))

    return view


@series_action
def want_to_read(request: SiteRequest, series: Series) -> None:
    wanted = request.POST.get("wanted") == "1"
    activity.set_want_to_read(request.tenant, request.user, series, wanted)
    where = "on" if wanted else "off"
    messages.success(request, f"“{series.title}” is {where} your want-to-read list.")


@series_action
def mark_read(request: SiteRequest, series: Series) -> None:
    chapter = _posted_chapter(request, series)
    progress.mark_read(request.tenant, request.user, [chapter])
    messages.success(request, f"{chapter_name(chapter).capitalize()} is marked read.")


@series_action
def mark_unread(request: SiteRequest, series: Series) -> None:
    chapter = _posted_chapter(request, series)
    progress.mark_unread(request.tenant, request.user, [chapter])
    messages.success(request, f"{chapter_name(chapter).capitalize()} is marked unread.")


@series_action
def read_up_to(request: SiteRequest, series: Series) -> None:
    chapter = _posted_chapter(request, series)
    chapters = progress.chapters_up_to(chapter)
    marked = activity.mark_read_many(request.tenant, request.user, series, chapters)
    messages.success(
        request,
        f"Marked {marked} chapter{'s' if marked != 1 else ''} read, up to {chapter_name(chapter)}.",
    )


def _posted_chapter(request: SiteRequest, series: Series) -> Chapter:
    """The chapter the form names, of this series (any other value: 404, never a 500)."""
    chapter = get_chapter_for(request, request.POST.get("chapter", ""))
    if chapter.series_id != series.pk:
        raise Http404(NO_SUCH_CHAPTER)
    return chapter


def _series_url(series: Series) -> str:
    return reverse("series-page", args=[series.slug])


def _anchor(request: SiteRequest) -> str:
    # Back to the chapter acted on, so a long list does not jump to its top.
    chapter = request.POST.get("chapter", "")
    return (
        f"#chapter-{chapter}"
        if len(chapter) < 20 and chapter.isascii() and chapter.isdigit()
        else ""
    )
