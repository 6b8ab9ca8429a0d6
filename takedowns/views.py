"""The report form (open to visitors and members) and the counter-notice form (reached by
the signed link of a takedown's mail). Views parse, look up on this site, call, render."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from shadowvault.client_address import client_address
from takedowns import decisions, reporting
from takedowns.counter_notice_links import takedown_id_from
from takedowns.forms import CounterNoticeForm, ReportForm
from takedowns.models import ReportStatus, TakedownAction, TargetKind
from takedowns.targets import shown_target
from tenants.request_types import SiteRequest

NOT_HERE = "There is nothing to report here: it is not shown on this site."
BAD_LINK = "This counter-notice link is not valid here, or it has expired."


@require_http_methods(["GET", "POST"])
def report_title(request: SiteRequest, title_id: int) -> HttpResponse:
    return _report(request, TargetKind.TITLE, title_id)


@require_http_methods(["GET", "POST"])
def report_series(request: SiteRequest, series_id: int) -> HttpResponse:
    return _report(request, TargetKind.SERIES, series_id)


@require_http_methods(["GET", "POST"])
def report_comment(request: SiteRequest, pk: int) -> HttpResponse:
    return _report(request, TargetKind.COMMENT, pk)


def _report(request: SiteRequest, kind: str, pk: int) -> HttpResponse:
    target = shown_target(request.tenant, kind, pk)
    if target is None:
        raise Http404(NOT_HERE)
    context = {"target": target}
    if request.method == "GET":
        initial = {"contact_email": getattr(request.user, "email", "")}
        return render(
            request, "takedowns/report_form.html", context | {"form": ReportForm(initial=initial)}
        )
    form = ReportForm(request.POST)
    if not form.is_valid():
        return render(request, "takedowns/report_form.html", context | {"form": form}, status=400)
    try:
        reporting.take_report_slot(request.tenant, client_address(request))
    except reporting.TooManyReports as exc:
        form.add_error(None, str(exc))
        return render(request, "takedowns/report_form.html", context | {"form": form}, status=429)
    reporting.file_report(request.tenant, target, request.user, form.cleaned_data)
    return render(
        request,
        "takedowns/report_sent.html",
        context | {"email": form.cleaned_data["contact_email"]},
    )


@require_http_methods(["GET", "POST"])
def counter_notice(request: SiteRequest, token: str) -> HttpResponse:
    takedown = _takedown_for(request, token)
    context = {"takedown": takedown, "report": takedown.report}
    if takedown.report.status not in (ReportStatus.ACTIONED, ReportStatus.COUNTER_NOTICED):
        return render(request, "takedowns/counter_notice_closed.html", context, status=410)
    if request.method == "GET":
        return render(
            request, "takedowns/counter_notice.html", context | {"form": CounterNoticeForm()}
        )
    form = CounterNoticeForm(request.POST)
    if not form.is_valid():
        return render(
            request, "takedowns/counter_notice.html", context | {"form": form}, status=400
        )
    decisions.file_counter_notice(takedown, form.cleaned_data)
    return render(request, "takedowns/counter_notice_sent.html", context)


def _takedown_for(request: SiteRequest, token: str) -> TakedownAction:
    """The takedown the link names, on this site only, or 404."""
    pk = takedown_id_from(token)
    takedown = (
        TakedownAction.objects.for_tenant(request.tenant)
        .filter(pk=pk, decision__in=decisions.TAKEDOWNS)
        .select_related("report")
        .first()
        if pk is not None and 1 <= pk <= 2**63 - 1
        else None
    )
    if takedown is None:
        raise Http404(BAD_LINK)
    return takedown
