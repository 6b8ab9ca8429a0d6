"""The console's Home page changes: each a POST form (CSRF-checked) that calls one of
curation.editing's functions and goes back to the page it came from. A refused change
(a cap reached, an item already there) is shown on that page as an error."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from console.access import site_admins_only
from console.curation import pages
from console.curation.access import item_for, pick_for, picked_row_for, row_for
from console.curation.forms import AddRowForm
from curation import editing
from curation.models import RowKind
from tenants.request_types import SiteRequest


@require_POST
@site_admins_only
def start(request: SiteRequest) -> HttpResponse:
    editing.start_from_default(request.tenant)
    messages.success(request, "The home page is yours to arrange: its rows are listed below.")
    return redirect("console:curation")


@require_POST
@site_admins_only
def add_row(request: SiteRequest) -> HttpResponse:
    form = AddRowForm(request.POST)
    if not form.is_valid():
        return pages.rows_page(request, form, status=400)
    data = form.cleaned_data
    kind = RowKind(data["kind"])
    try:
        row = editing.add_row(
            request.tenant, kind, data["heading"].strip(), data["genre"], data["collection"]
        )
    except editing.CurationRefused as refused:
        form.add_error(None, str(refused))
        return pages.rows_page(request, form, status=400)
    if kind is RowKind.PICKED:
        return redirect("console:curation-row", row.pk)
    return redirect("console:curation")


@require_POST
@site_admins_only
def move_row(request: SiteRequest, row_id: int, step: int) -> HttpResponse:
    editing.move_row(request.tenant, row_for(request, row_id), step)
    return redirect("console:curation")


@require_POST
@site_admins_only
def hide_row(request: SiteRequest, row_id: int, hidden: bool) -> HttpResponse:
    editing.set_hidden(row_for(request, row_id), hidden)
    return redirect("console:curation")


@require_POST
@site_admins_only
def remove_row(request: SiteRequest, row_id: int) -> HttpResponse:
    row = row_for(request, row_id)
    editing.remove_row(request.tenant, row)
    messages.success(request, f"“{row.label}” is no longer on the home page.")
    return redirect("console:curation")


@require_POST
@site_admins_only
def add_pick(request: SiteRequest, row_id: int | None = None) -> HttpResponse:
    row = picked_row_for(request, row_id) if row_id is not None else None
    item = item_for(request)
    try:
        editing.add_pick(request.tenant, row, item)
    except editing.CurationRefused as refused:
        messages.error(request, str(refused))
        return pages.picks_page(request, row, status=400)
    return _back_to(row)


@require_POST
@site_admins_only
def move_pick(request: SiteRequest, pick_id: int, step: int) -> HttpResponse:
    pick = pick_for(request, pick_id)
    editing.move_pick(request.tenant, pick, step)
    return _back_to(pick.row)


@require_POST
@site_admins_only
def remove_pick(request: SiteRequest, pick_id: int) -> HttpResponse:
    pick = pick_for(request, pick_id)
    editing.remove_pick(pick)
    return _back_to(pick.row)


def _back_to(row) -> HttpResponse:
    if row is None:
        return redirect("console:curation-featured")
    return redirect("console:curation-row", row.pk)
