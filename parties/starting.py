"""Starting a party: the one way in, for the player's button (and the admin or a test)."""

from __future__ import annotations

from django.contrib.auth.models import User

from parties.models import WatchParty
from streaming.models import MediaFile
from tenants.models import Tenant


def start_party(tenant: Tenant, host: User, media: MediaFile, control: str) -> WatchParty:
    """A new party on `tenant` for `media`, hosted by `host`. The caller has checked that the
    host may watch `media` here (parties.views.start)."""
    return WatchParty.objects.create(tenant=tenant, host=host, media=media, control=control)
