"""The viewer's own pages on a site: an overview, the watchlist and the history.

Members of the request's site only; everything shown is this site's and only titles the site
shows (the lists come from streaming.site.access; streaming.viewer.activity filters them).
Each page costs the same number of queries however long the lists are: one query per list,
the titles joined in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shadowvault.request_numbers import parse_bounded_int
from streaming.models import WatchProgress
from streaming.site import access
from streaming.site.home_rows import ResumeCard, Row, resume_card
from streaming.viewer import activity
from tenants.access import members_only
from tenants.entitlements import entitlements_for, viewer_plan_of
from tenants.middleware import membership_for
from tenants.request_types import SiteRequest

# Cards per row on the overview, and per page on the watchlist and history pages.
ROW_LENGTH = 12
PAGE_SIZE = 24
# Larger numbers are no row's id (64-bit keys) and would overflow the database's integer.
MAX_ID = 2**63 - 1


@dataclass
class HistoryCard:
    """One history entry: the card (title, progress, where to go on) and the row itself."""

    card: ResumeCard
    progress: WatchProgress

    @property
    def watched(self) -> str:
        """Like "3 days ago"; within the last minute "just now" (timesince says "0 minutes")."""
        if timezone.now() - self.progress.updated_at < timedelta(minutes=1):
            return "just now"
        return f"{timesince(self.progress.updated_at)} ago"


@never_cache  # the viewer's own data and a CSRF token
@require_GET
@members_only("account:overview")
def overview(request: SiteRequest) -> HttpResponse:
    resuming = access.continue_watching_for(request, ROW_LENGTH)
    on_list = access.watchlist_for(request)[:ROW_LENGTH]
    watched = access.history_for(request)[:ROW_LENGTH]
    membership = membership_for(request, request.user)
    context = {
        "membership": membership,
        # The plan's name beside what it gives (the ads line is the access function's, so a
        # site plan that must show ads says so even on a premium tier).
        "viewer_plan": viewer_plan_of(request.tenant, membership),
        "entitlements": entitlements_for(request),
        "continue_watching": [resume_card(progress) for progress in resuming],
        "in_progress_explained": activity.IN_PROGRESS_EXPLAINED,
        "watchlist": Row(
            "watchlist",
            "Your watchlist",
            [entry.title for entry in on_list],
            reverse("account:watchlist"),
        ),
        "history": [_history_card(progress) for progress in watched],
    }
    return render(request, "account/overview.html", context)


@never_cache
@require_GET
@members_only("account:overview")
def watchlist(request: SiteRequest) -> HttpResponse:
    entries = access.watchlist_for(request)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "account/watchlist.html", {"page": page})


@require_POST
@members_only("account:overview")
def remove_from_watchlist(request: SiteRequest) -> HttpResponse:
    title_id = _posted_id(request, "title")
    title = None
    if title_id is not None:
        title = activity.remove_from_watchlist(request.tenant, request.user, title_id)
    if title is None:
        messages.warning(request, "That title is not on your watchlist.")
    else:
        messages.success(request, f"“{title.title}” is off your watchlist.")
    return _back_to_page(request, "account:watchlist")


@never_cache
@require_GET
@members_only("account:overview")
def history(request: SiteRequest) -> HttpResponse:
    rows = access.history_for(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    cards = [_history_card(progress) for progress in page]
    return render(request, "account/history.html", {"page": page, "cards": cards})


@require_POST
@members_only("account:overview")
def forget_history_entry(request: SiteRequest) -> HttpResponse:
    entry_id = _posted_id(request, "entry")
    entry = None
    if entry_id is not None:
        entry = activity.forget_progress(request.tenant, request.user, entry_id)
    if entry is None:
        messages.warning(request, "That is not in your history.")
    else:
        card = resume_card(entry)
        name = f"{card.title.title} {card.label}".strip()  # an episode is named with its series
        messages.success(request, f"“{name}” is off your history.")
    return _back_to_page(request, "account:history")


@never_cache
@require_http_methods(["GET", "POST"])
@members_only("account:overview")
def clear_history(request: SiteRequest) -> HttpResponse:
    """GET asks for confirmation (a form that works without JavaScript); POST clears."""
    if request.method == "GET":
        entries = access.history_for(request).count()
        return render(request, "account/history_clear.html", {"entries": entries})
    cleared = activity.clear_history(request.tenant, request.user)
    if cleared:
        messages.success(request, f"Your history on {request.tenant.name} is cleared.")
    else:
        messages.info(request, "Your history was already empty.")
    return redirect("account:history")


def _history_card(progress: WatchProgress) -> HistoryCard:
    return HistoryCard(card=resume_card(progress), progress=progress)


def _posted_id(request: SiteRequest, name: str) -> int | None:
    """A row id from the form, or None for anything else (missing, words, huge numbers)."""
    return parse_bounded_int(request.POST.get(name), 1, MAX_ID)


def _back_to_page(request: SiteRequest, url_name: str) -> HttpResponse:
    """Back to the list, on the page the viewer was on (the list clamps a page now gone)."""
    url = reverse(url_name)
    page = parse_bounded_int(request.POST.get("page"), 1, MAX_ID)
    if page is not None:
        url += f"?page={page}"
    return redirect(url)
