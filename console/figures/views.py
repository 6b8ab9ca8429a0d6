"""The console's Figures section: the site's daily figures as server-rendered SVG charts
for the last 7, 30 or 90 days, and each as CSV (figures.report reads the daily tables)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from console.access import site_admins_only
from console.pages import render_console
from figures import csv_export, report
from figures.roll_up import today_utc
from figures.schedule import next_roll_up
from tenants.request_types import SiteRequest


@require_GET
@site_admins_only
def figures(request: SiteRequest) -> HttpResponse:
    days = report.range_from(request.GET.get("days"))
    context = {"ranges": report.RANGES, "days": days or report.DEFAULT_RANGE}
    if days is None:
        context["error"] = report.RANGE_REFUSED
        return render_console(request, "console/figures.html", context, status=400)
    now = timezone.now()
    context["report"] = report.load(request.tenant, report.Span.ending_before(today_utc(now), days))
    context["next_roll_up"] = next_roll_up(now).strftime("%-d %B %Y at %H:%M UTC")
    return render_console(request, "console/figures.html", context)


@require_GET
@site_admins_only
def figure_csv(request: SiteRequest, figure: str) -> HttpResponse:
    if figure not in csv_export.NAMES:
        raise Http404(f"No figure is called {figure!r}.")
    days = report.range_from(request.GET.get("days"))
    if days is None:
        return HttpResponse(report.RANGE_REFUSED, status=400, content_type="text/plain")
    span = report.Span.ending_before(today_utc(), days)
    rows = csv_export.rows_of(figure, report.load(request.tenant, span))
    answer = HttpResponse(csv_export.write(rows), content_type="text/csv; charset=utf-8")
    name = f"{request.tenant.slug}-{figure}-{span.first}-to-{span.last}.csv"
    answer["Content-Disposition"] = f'attachment; filename="{name}"'
    return answer
