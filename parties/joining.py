"""Who may be in a party: one loader for the invite page and the socket alike.

A party is found only among its own site's open parties (another site's code is "no such
party", never "not yours": a 404 tells nothing), only for a member of the site (operators
count everywhere, as on every page), and only while its film or episode is still shown on
the site. What each member then plays comes from their own watch page, their own signed link
and plan, as for solo viewing: the party shares positions, never links.
"""

from __future__ import annotations

from typing import Literal

from django.contrib.auth.models import AnonymousUser, User

from parties.models import CODE_LENGTH, WatchParty
from streaming.models import MediaFile
from tenants.models import Tenant

Reason = Literal["signed_out", "refused", "not_found"]


class PartyRefused(Exception):
    def __init__(self, reason: Reason) -> None:
        super().__init__(reason)
        self.reason: Reason = reason


def looks_like_code(code: str) -> bool:
    # base64url alphabet and length (parties.models.new_code): anything else is not a party
    # and costs no query.
    return len(code) == CODE_LENGTH and all(
        c.isascii() and (c.isalnum() or c in "-_") for c in code
    )


def find_party(tenant: Tenant | None, code: str) -> WatchParty | None:
    """The site's open party with this code whose media the site still shows, or None."""
    if tenant is None or not looks_like_code(code):
        return None
    open_parties = WatchParty.objects.for_tenant(tenant).filter(ended_at__isnull=True)
    party = open_parties.filter(code=code).first()
    if party is None or not MediaFile.objects.visible_on(tenant).filter(pk=party.media_id).exists():
        return None
    return party


def party_for_socket(
    tenant: Tenant | None, user: User | AnonymousUser, code: str
) -> tuple[WatchParty, User]:
    """The party a socket joins and the member joining, or PartyRefused saying why (the close
    code says it too). A suspended or closed site lets only operators in, as its pages do."""
    if tenant is None:
        raise PartyRefused("not_found")
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        raise PartyRefused("signed_out")
    if tenant.role_of(user) is None or (tenant.is_unavailable and not user.is_superuser):
        raise PartyRefused("refused")
    party = find_party(tenant, code)
    if party is None:
        raise PartyRefused("not_found")
    return party, user
