"""The console's Ads section (/console/ads/): the site's campaigns, to make, change and pause,
and the operator's that run on every site, shown read-only (docs/console.md, "Ads").

A hosted video goes through the ingest pipeline (ads.creatives): the campaign is saved at
once and runs when its video is made; its row says how the making goes, or why it failed.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ads import creatives
from ads.forms import CampaignForm, PlacementFormSet
from ads.models import Campaign
from console.access import site_admins_only
from console.ads.access import own_campaign, shown_on
from console.pages import render_console
from ingest_core.errors import SourceRefused
from tenants.request_types import SiteRequest


@require_GET
@site_admins_only
def campaigns(request: SiteRequest) -> HttpResponse:
    rows = shown_on(request).select_related("creative_job").prefetch_related("placements")
    listed = [(campaign, creatives.creative_state(campaign)) for campaign in rows]
    context = {
        "own": [(c, state) for c, state in listed if c.tenant_id is not None],
        "operators": [(c, state) for c, state in listed if c.tenant_id is None],
        "must_show_ads": request.tenant.plan is not None and request.tenant.plan.must_show_ads,
    }
    return render_console(request, "console/ads/campaigns.html", context)


@require_http_methods(["GET", "POST"])
@site_admins_only
def new_campaign(request: SiteRequest) -> HttpResponse:
    return _edit(request, Campaign(tenant=request.tenant))


@require_http_methods(["GET", "POST"])
@site_admins_only
def edit_campaign(request: SiteRequest, campaign_id: int) -> HttpResponse:
    return _edit(request, own_campaign(request, campaign_id))


@require_POST
@site_admins_only
def pause(request: SiteRequest, campaign_id: int) -> HttpResponse:
    campaign = own_campaign(request, campaign_id)
    campaign.active = not campaign.active
    campaign.save(update_fields=["active"])
    done = "runs again" if campaign.active else "is paused"
    messages.success(request, f"{campaign.name} {done}.")
    return redirect("console:ads")


def _edit(request: SiteRequest, campaign: Campaign) -> HttpResponse:
    posted = request.method == "POST"
    data, files = (request.POST, request.FILES) if posted else (None, None)
    form = CampaignForm(data, files, instance=campaign, site=request.tenant)
    placements = PlacementFormSet(data, instance=campaign, prefix="placements")
    if posted:
        valid = form.is_valid()
        valid = placements.is_valid() and valid  # both checked: every error shows at once
        if valid and _save(request, form, placements):
            messages.success(request, _saved_message(form.instance, form.new_video))
            return redirect("console:ads")
    context = {
        "form": form,
        "placements": placements,
        "campaign": campaign if campaign.pk else None,
        "state": creatives.creative_state(campaign) if campaign.pk else None,
    }
    status = 400 if posted else 200
    return render_console(request, "console/ads/campaign_form.html", context, status=status)


def _save(request: SiteRequest, form: CampaignForm, placements) -> bool:
    """The campaign, its placements and (when given) its new video's ingest job, at once;
    False, with the reason on the form, when the video is refused."""
    data = form.cleaned_data
    try:
        with transaction.atomic():
            campaign = form.save()
            placements.instance = campaign
            placements.save()
            if form.new_video:
                creatives.submit(
                    campaign,
                    tenant=request.tenant,
                    requested_by=request.user,
                    upload=data.get("video_file"),
                    url=data.get("video_url") or "",
                )
    except SourceRefused as refused:
        form.add_error("video_file", f"The video was refused: {refused}")
        return False
    return True


def _saved_message(campaign: Campaign, new_video: bool) -> str:
    if new_video:
        return f"{campaign.name} is saved; its video is being made, and it runs once ready."
    return f"{campaign.name} is saved."
