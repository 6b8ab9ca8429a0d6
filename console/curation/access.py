"""Loading what a console request names, on the request's site only: another site's row or
pick, or a title or series the site does not show, answers 404."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from curation.models import HomeRow, Pick, RowKind
from readvault import plan_gate
from readvault.models import Series
from shadowvault.request_numbers import parse_bounded_int
from streaming.models import Title
from tenants.request_types import SiteRequest

MAX_ID = 2**63 - 1


def row_for(request: SiteRequest, row_id: int) -> HomeRow:
    return get_object_or_404(HomeRow.objects.for_tenant(request.tenant), pk=row_id)


def picked_row_for(request: SiteRequest, row_id: int) -> HomeRow:
    """A hand-picked row (only those have titles and series of their own to edit)."""
    row = row_for(request, row_id)
    if row.kind != RowKind.PICKED:
        raise Http404("Only a hand-picked row has titles and series to choose.")
    return row


def pick_for(request: SiteRequest, pick_id: int) -> Pick:
    return get_object_or_404(Pick.objects.for_tenant(request.tenant), pk=pick_id)


def item_for(request: SiteRequest) -> Title | Series:
    """The title (`title`) or series (`series`) a form names, among those the site shows."""
    title_id = parse_bounded_int(request.POST.get("title"), 1, MAX_ID)
    if title_id is not None:
        return get_object_or_404(Title.objects.visible_on(request.tenant), pk=title_id)
    series_id = parse_bounded_int(request.POST.get("series"), 1, MAX_ID)
    if series_id is not None and not plan_gate.refusal(request):
        return get_object_or_404(Series.objects.visible_on(request.tenant), pk=series_id)
    raise Http404("No title or series the site shows was named.")
