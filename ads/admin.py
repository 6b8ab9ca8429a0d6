"""Campaigns in the operator's admin: every site's and the operator's own (no site: they run
on every site whose viewers see ads), with their placements, the same checks as the site
owner's console (ads.forms), and a report per campaign across the sites (ads.report).

Site owners manage their site's campaigns in the console (/console/ads/), so the admin's
campaigns are the operator's only.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from ads import creatives, csv_export, report
from ads.forms import AdminCampaignForm, BasePlacementFormSet, PlacementForm
from ads.models import Campaign, CampaignDay, Placement
from figures.roll_up import today_utc
from ingest_core.errors import SourceRefused
from tenants.admin_scoping import OperatorOnlyAdmin
from tenants.request_types import tenant_of


class PlacementInline(admin.TabularInline):
    model = Placement
    form = PlacementForm
    formset = BasePlacementFormSet
    extra = 2


@admin.register(Campaign)
class CampaignAdmin(OperatorOnlyAdmin):
    form = AdminCampaignForm
    inlines = [PlacementInline]
    list_display = ("name", "site", "creative", "active", "starts_at", "ends_at", "report_link")
    list_filter = ("active", "creative")
    search_fields = ("name",)
    readonly_fields = ("creative_state", "creative_job", "video")
    list_select_related = ("tenant",)

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        if isinstance(db_field, models.URLField):  # as the console's form (ads.forms)
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fields(self, request: HttpRequest, obj=None):
        fields = list(AdminCampaignForm.Meta.fields)
        return [*fields[:4], "creative_state", "creative_job", "video", *fields[4:]]

    @admin.display(description="Site")
    def site(self, campaign: Campaign) -> str:
        return campaign.tenant.name if campaign.tenant else "Every site"

    @admin.display(description="Hosted video")
    def creative_state(self, campaign: Campaign) -> str:
        state = creatives.creative_state(campaign) if campaign.pk else None
        return state.text if state else "none"

    @admin.display(description="Report")
    def report_link(self, campaign: Campaign) -> str:
        return format_html(
            '<a href="{}">Report</a>', reverse("admin:ads_campaign_report", args=[campaign.pk])
        )

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not form.new_video:
            return
        data = form.cleaned_data
        try:
            with transaction.atomic():
                creatives.submit(
                    form.instance,
                    tenant=form.instance.tenant or tenant_of(request),
                    requested_by=request.user,
                    upload=data.get("video_file"),
                    url=data.get("video_url") or "",
                )
        except SourceRefused as refused:
            self.message_user(request, f"The video was refused: {refused}", messages.ERROR)

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:campaign_id>/report/",
                self.admin_site.admin_view(self.report_view),
                name="ads_campaign_report",
            ),
            path(
                "<int:campaign_id>/report.csv",
                self.admin_site.admin_view(self.report_csv),
                name="ads_campaign_report_csv",
            ),
        ]
        return own + super().get_urls()

    def _campaign(self, request: HttpRequest, campaign_id: int) -> Campaign:
        if not self.has_view_permission(request):
            raise Http404("No such campaign.")
        found = Campaign.objects.select_related("tenant").filter(pk=campaign_id).first()
        if found is None:
            raise Http404("No such campaign.")
        return found

    def _report(self, campaign: Campaign, days: int) -> report.Report:
        rows = CampaignDay.objects.filter(campaign=campaign)
        return report.load(rows, report.Span.ending_on(today_utc(), days))

    def report_view(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = self._campaign(request, campaign_id)
        days = report.range_from(request.GET.get("days"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": campaign,
            "title": f"{campaign.name}: report",
            "campaign": campaign,
            "ranges": report.RANGES,
            "days": days or report.DEFAULT_RANGE,
            "csv_url": reverse("admin:ads_campaign_report_csv", args=[campaign.pk]),
            "lines_heading": "By site",
        }
        if days is None:
            context["error"] = report.RANGE_REFUSED
            return TemplateResponse(request, "admin/ads/campaign/report.html", context, status=400)
        context["report"] = found = self._report(campaign, days)
        context["lines"] = found.by_site
        return TemplateResponse(request, "admin/ads/campaign/report.html", context)

    def report_csv(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        campaign = self._campaign(request, campaign_id)
        days = report.range_from(request.GET.get("days"))
        if days is None:
            return HttpResponse(report.RANGE_REFUSED, status=400, content_type="text/plain")
        return csv_export.answer(self._report(campaign, days), campaign.name)
