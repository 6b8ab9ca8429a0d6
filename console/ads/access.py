"""Which campaigns a site's console reaches: its own (to edit), and the operator's that run
on every site (to read). The one place the console narrows campaigns to a site."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from ads.models import Campaign
from tenants.request_types import SiteRequest


def shown_on(request: SiteRequest) -> QuerySet[Campaign]:
    """The site's campaigns and the operator's."""
    return Campaign.objects.filter(Q(tenant=request.tenant) | Q(tenant__isnull=True))


def own_campaign(request: SiteRequest, campaign_id: int) -> Campaign:
    """A campaign of the request's site, to change; another site's (or the operator's)
    answers 404."""
    rows = Campaign.objects.filter(tenant=request.tenant).select_related("creative_job")
    return get_object_or_404(rows, pk=campaign_id)


def shown_campaign(request: SiteRequest, campaign_id: int) -> Campaign:
    """A campaign the site's console may report on: its own or the operator's."""
    return get_object_or_404(shown_on(request), pk=campaign_id)
