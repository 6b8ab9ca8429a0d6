"""The one way tenant-owned rows are queried: `Model.objects.for_tenant(tenant)`.

Every model that belongs to a site inherits `TenantOwned`; views, the admin, tasks and the
API start their querysets from `.for_tenant(...)`, so no code filters by tenant by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Self

from django.db import models

if TYPE_CHECKING:
    from tenants.models import Tenant


class TenantOwnedQuerySet(models.QuerySet):
    def for_tenant(self, tenant: Tenant | None) -> Self:
        """Rows of this tenant only; no tenant (an unresolved request) sees nothing."""
        if tenant is None:
            return self.none()
        return self.filter(tenant=tenant)


class TenantOwned(models.Model):
    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="%(class)ss"
    )

    objects = TenantOwnedQuerySet.as_manager()

    # A closed site's rows go when its data is removed (tenants.closed_site_data): members,
    # viewer data, its own settings. Rows that record what happened or what the operator
    # did on the site's behalf (hostnames, state changes, import jobs) say False.
    removed_when_site_closes: ClassVar[bool] = True

    class Meta:
        abstract = True
