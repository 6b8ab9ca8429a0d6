"""The account's "Reading" tab: the member's want-to-read list and their own age limit
(/account/reading/), and their reading history (/account/reading/history/) with "remove"
and "clear", like the videos' history. Members of the request's site only; only series the
site shows them are listed (readvault.site.viewer_lists). Each page is a fixed number of
queries whatever the lists hold (tests/test_pages_at_scale.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from readvault.models import ReadingProgress
from readvault.pages.links import cover_urls
from readvault.reading import activity
from readvault.site.reader_links import reader_url
from readvault.site.reading_labels import short_chapter_name, state_of
from readvault.site.viewer_lists import history_for, shown_rule, want_to_read_for
from shadowvault.request_numbers import parse_bounded_int
from tenants.access import members_only
from tenants.middleware import membership_for
from tenants.models import AGE_CAP_CHOICES
from tenants.request_types import SiteRequest

PAGE_SIZE = 24
COVER_WIDTH = 300
MAX_ID = 2**63 - 1  # larger numbers are no row's id and overflow the database's integer


class AgeLimitForm(forms.Form):
    age_cap = forms.TypedChoiceField(
        label="Show me nothing rated above",
        choices=[("", "No limit of my own"), *AGE_CAP_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )


@dataclass(frozen=True)
class HistoryEntry:
    progress: ReadingProgress
    cover: str | None

    @property
    def meta(self) -> str:
        state, words = state_of(self.progress)
        name = short_chapter_name(self.progress.chapter)
        return f"{name} · read" if state == "read" else f"{name} · {words.lower()}"

    @property
    def href(self) -> str:
        page = 0 if self.progress.finished else self.progress.page
        return reader_url(self.progress.chapter_id, page)

    @property
    def when(self) -> str:
        if timezone.now() - self.progress.updated_at < timedelta(minutes=1):
            return "just now"
        return f"{timesince(self.progress.updated_at)} ago"


@never_cache  # the member's own data and a CSRF token
@require_GET
@members_only("reading:overview")
def overview(request: SiteRequest) -> HttpResponse:
    page = Paginator(want_to_read_for(request), PAGE_SIZE).get_page(request.GET.get("page"))
    covers = cover_urls([entry.series_id for entry in page], request, COVER_WIDTH)
    membership = membership_for(request, request.user)
    context = {
        "page": page,
        "cards": [(entry.series, covers.get(entry.series_id)) for entry in page],
        "membership": membership,
        "age_form": AgeLimitForm(initial={"age_cap": membership.age_cap if membership else None}),
        "site_cap": _cap_label(request.tenant.age_cap),
    }
    return render(request, "readvault/account_reading.html", context)


@require_POST
@members_only("reading:overview")
def remove_want(request: SiteRequest) -> HttpResponse:
    series_id = _posted_id(request, "series")
    series = None
    if series_id is not None:
        series = activity.remove_want(request.tenant, request.user, series_id, shown_rule(request))
    if series is None:
        messages.warning(request, "That series is not on your want-to-read list.")
    else:
        messages.success(request, f"“{series.title}” is off your want-to-read list.")
    return _back_to_page(request, "reading:overview")


@require_POST
@members_only("reading:overview")
def set_age_limit(request: SiteRequest) -> HttpResponse:
    membership = membership_for(request, request.user)
    form = AgeLimitForm(request.POST)
    if membership is None:  # an operator without a membership here
        messages.warning(request, "Join this site to set an age limit of your own here.")
    elif not form.is_valid():
        messages.warning(request, "Choose an age from the list, or no limit.")
    else:
        membership.age_cap = form.cleaned_data["age_cap"]
        membership.save(update_fields=["age_cap"])
        messages.success(request, "Your age limit is saved.")
    return redirect("reading:overview")


@never_cache
@require_GET
@members_only("reading:overview")
def history(request: SiteRequest) -> HttpResponse:
    page = Paginator(history_for(request), PAGE_SIZE).get_page(request.GET.get("page"))
    covers = cover_urls({row.series_id for row in page}, request, COVER_WIDTH)
    entries = [HistoryEntry(row, covers.get(row.series_id)) for row in page]
    return render(request, "readvault/account_history.html", {"page": page, "entries": entries})


@require_POST
@members_only("reading:overview")
def forget_history_entry(request: SiteRequest) -> HttpResponse:
    entry_id = _posted_id(request, "entry")
    entry = None
    if entry_id is not None:
        entry = activity.forget_progress(
            request.tenant, request.user, entry_id, shown_rule(request)
        )
    if entry is None:
        messages.warning(request, "That is not in your reading history.")
    else:
        messages.success(
            request, f"“{entry.series.title} {entry.chapter.label}” is off your history."
        )
    return _back_to_page(request, "reading:history")


@never_cache
@require_http_methods(["GET", "POST"])
@members_only("reading:overview")
def clear_history(request: SiteRequest) -> HttpResponse:
    """GET asks for confirmation (a form that works without JavaScript); POST clears."""
    if request.method == "GET":
        entries = history_for(request).count()
        return render(request, "readvault/account_history_clear.html", {"entries": entries})
    if activity.clear_history(request.tenant, request.user):
        messages.success(request, f"Your reading history on {request.tenant.name} is cleared.")
    else:
        messages.info(request, "Your reading history was already empty.")
    return redirect("reading:history")


def _cap_label(cap: int | None) -> str | None:
    return dict(AGE_CAP_CHOICES).get(cap) if cap is not None else None


def _posted_id(request: SiteRequest, name: str) -> int | None:
    return parse_bounded_int(request.POST.get(name), 1, MAX_ID)


def _back_to_page(request: SiteRequest, url_name: str) -> HttpResponse:
    url = reverse(url_name)
    page = parse_bounded_int(request.POST.get("page"), 1, 999_999)
    return redirect(f"{url}?page={page}" if page is not None else url)
