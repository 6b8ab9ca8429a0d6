"""The console's ad reports: the site's campaigns together (/console/ads/report/) or one of
them (/console/ads/<id>/report/), over the last 7, 30 or 90 days (today included), as
charts and as CSV. Only the site's own rows: an operator's campaign shows what it did here."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from ads import csv_export, report
from ads.models import Campaign, CampaignDay
from console.access import site_admins_only
from console.ads.access import shown_campaign
from console.pages import render_console
from figures.roll_up import today_utc
from tenants.request_types import SiteRequest


def _report(request: SiteRequest, campaign: Campaign | None, days: int) -> report.Report:
    rows = CampaignDay.objects.for_tenant(request.tenant)
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    return report.load(rows, report.Span.ending_on(today_utc(), days))


def _page(request: SiteRequest, campaign: Campaign | None) -> HttpResponse:
    days = report.range_from(request.GET.get("days"))
    context = {"ranges": report.RANGES, "days": days or report.DEFAULT_RANGE, "campaign": campaign}
    if days is None:
        context["error"] = report.RANGE_REFUSED
        return render_console(request, "console/ads/report.html", context, status=400)
    context["report"] = found = _report(request, campaign, days)
    if campaign is None:
        context.update(lines=found.by_campaign, lines_heading="By campaign")
        context["csv_url"] = reverse("console:ads-report-csv")
    else:
        context["csv_url"] = reverse("console:ads-campaign-csv", args=[campaign.pk])
    return render_console(request, "console/ads/report.html", context)


def _csv(request: SiteRequest, campaign: Campaign | None) -> HttpResponse:
    days = report.range_from(request.GET.get("days"))
    if days is None:
        return HttpResponse(report.RANGE_REFUSED, status=400, content_type="text/plain")
    name = f"{request.tenant.slug}-{campaign.name if campaign else 'ads'}"
    return csv_export.answer(_report(request, campaign, days), name)


@require_GET
@site_admins_only
def report_page(request: SiteRequest) -> HttpResponse:
    return _page(request, None)


@require_GET
@site_admins_only
def report_csv(request: SiteRequest) -> HttpResponse:
    return _csv(request, None)


@require_GET
@site_admins_only
def campaign_report(request: SiteRequest, campaign_id: int) -> HttpResponse:
    return _page(request, shown_campaign(request, campaign_id))


@require_GET
@site_admins_only
def campaign_csv(request: SiteRequest, campaign_id: int) -> HttpResponse:
    return _csv(request, shown_campaign(request, campaign_id))
