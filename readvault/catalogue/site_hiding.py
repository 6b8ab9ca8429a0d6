"""A site's choice of which series of the shared library it shows (`SeriesHiding`)."""

from __future__ import annotations

from collections.abc import Iterable

from readvault.models import SeriesHiding
from stored_media.authorize_cache import served_less
from tenants.models import Tenant


def hide_on(tenant: Tenant, series_ids: Iterable[int]) -> int:
    """Hide these series on `tenant`; returns how many were shown there until now."""
    wanted = set(series_ids)
    already = set(
        SeriesHiding.objects.for_tenant(tenant)
        .filter(series_id__in=wanted)
        .values_list("series_id", flat=True)
    )
    rows = [SeriesHiding(tenant=tenant, series_id=pk) for pk in sorted(wanted - already)]
    # A hiding made by someone else in the meantime is the same wish: not an error.
    SeriesHiding.objects.bulk_create(rows, ignore_conflicts=True)
    served_less()  # a bulk insert sends no signal
    return len(rows)


def show_on(tenant: Tenant, series_ids: Iterable[int]) -> int:
    """Show these series on `tenant` again; returns how many were hidden there."""
    deleted, _ = (
        SeriesHiding.objects.for_tenant(tenant).filter(series_id__in=list(series_ids)).delete()
    )
    return deleted
