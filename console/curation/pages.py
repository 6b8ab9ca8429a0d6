"""The console's Home page section: the rows in order (/console/home-page/), a hand-picked
row's titles and series, and the hero's featured picks, each with a search to add more."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.http import HttpResponse

from console.access import site_admins_only
from console.curation.access import picked_row_for
from console.curation.forms import AddRowForm
from console.pages import render_console
from curation.models import MAX_PICKS, MAX_ROWS, HomeRow, Pick
from readvault import plan_gate
from readvault.models import Series
from streaming.models import Title
from tenants.request_types import SiteRequest

MAX_QUERY_LENGTH = 100
FOUND = 20  # search results of each kind


@dataclass(frozen=True)
class Listed:
    """A pick as the console lists it: `shown` is false when the site does not show it now
    (hidden, taken down or unpublished: it stays listed and leaves the home page)."""

    pick: Pick
    shown: bool


@site_admins_only
def home_page(request: SiteRequest) -> HttpResponse:
    return rows_page(request, AddRowForm())


def rows_page(request: SiteRequest, form: AddRowForm, *, status: int = 200) -> HttpResponse:
    rows = HomeRow.objects.for_tenant(request.tenant).select_related("genre", "collection")
    context = {
        "rows": list(rows.annotate(picks_count=Count("picks")).order_by("position", "pk")),
        "featured": _picks(request, None),
        "form": form,
        "max_rows": MAX_ROWS,
        "max_picks": MAX_PICKS,
    }
    return render_console(request, "console/curation/home_page.html", context, status=status)


@site_admins_only
def row_page(request: SiteRequest, row_id: int) -> HttpResponse:
    return picks_page(request, picked_row_for(request, row_id))


@site_admins_only
def featured_page(request: SiteRequest) -> HttpResponse:
    return picks_page(request, None)


def picks_page(request: SiteRequest, row: HomeRow | None, *, status: int = 200) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    context = {
        "row": row,
        "picks": _picks(request, row),
        "query": query,
        "max_picks": MAX_PICKS,
        **_found(request, query),
    }
    return render_console(request, "console/curation/picks.html", context, status=status)


def _picks(request: SiteRequest, row: HomeRow | None) -> list[Listed]:
    """The row's picks in order, each with whether the site shows it now."""
    picks = list(
        Pick.objects.for_tenant(request.tenant)
        .filter(row=row)
        .select_related("title", "series")
        .order_by("position", "pk")
    )
    titles = Title.objects.visible_on(request.tenant).filter(
        pk__in=[p.title_id for p in picks if p.title_id]
    )
    series = Series.objects.visible_on(request.tenant).filter(
        pk__in=[p.series_id for p in picks if p.series_id]
    )
    shown_titles = set(titles.values_list("pk", flat=True))
    shown_series = set(series.values_list("pk", flat=True))
    return [
        Listed(pick, pick.title_id in shown_titles or pick.series_id in shown_series)
        for pick in picks
    ]


def _found(request: SiteRequest, query: str) -> dict:
    """What the site shows whose name holds `query`: titles, and series when the plan
    includes ReadVault."""
    if not query:
        return {"found_titles": [], "found_series": []}
    titles = Title.objects.visible_on(request.tenant).filter(title__icontains=query)
    found = {"found_titles": list(titles.order_by("title", "pk")[:FOUND]), "found_series": []}
    if not plan_gate.refusal(request):
        series = Series.objects.visible_on(request.tenant).filter(title__icontains=query)
        found["found_series"] = list(series.order_by("title", "pk")[:FOUND])
    return found
