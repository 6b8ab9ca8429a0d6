"""Removing a closed site's own rows once its "remove data after" date has passed.

What is the site's own: every row of a model inheriting TenantOwned whose
`removed_when_site_closes` is True (memberships, viewer plans, progress, watchlists,
comments, reading places, tokens, app passwords, hidings). The catalogue (titles, series,
media, stored objects) is shared by every site and has no site: nothing of it is touched.
Accounts are shared too: a user loses this site's membership, not their account.
Hostnames, the state-change record and the operator's import jobs stay.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from tenants.models import Tenant
from tenants.scoping import TenantOwned
from tenants.site_state_rules import SiteState

log = logging.getLogger(__name__)


def site_owned_models() -> list[type[TenantOwned]]:
    """The models whose rows go with a closed site's data."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, TenantOwned) and model.removed_when_site_closes
    ]


def remove_data(tenant: Tenant, now: datetime | None = None) -> dict[str, int] | None:
    """Delete `tenant`'s own rows and mark it done: the rows deleted, by model. None when the
    site is not closed, or its data is already gone."""
    now = now or timezone.now()
    removed: dict[str, int] = {}
    with transaction.atomic():
        site = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if site.state != SiteState.CLOSED or site.data_removed_at is not None:
            return None
        for model in site_owned_models():
            _, by_model = model.objects.for_tenant(site).delete()
            for label, count in by_model.items():
                removed[label] = removed.get(label, 0) + count
        site.data_removed_at = now
        site.save(update_fields=["data_removed_at"])
    tenant.data_removed_at = now
    log.info("removed the data of closed site %s: %s", site.pk, removed)
    return removed


def remove_expired(now: datetime | None = None) -> list[int]:
    """Remove the data of every closed site past its "remove data after" date; their ids."""
    now = now or timezone.now()
    due = Tenant.objects.filter(
        state=SiteState.CLOSED, remove_data_after__lte=now, data_removed_at__isnull=True
    )
    return [site.pk for site in due.order_by("pk") if remove_data(site, now) is not None]
