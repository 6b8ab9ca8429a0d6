"""Watch-party rows for tests/test_security_sweep.py: a party of Alpha's, and one of Beta's
playing the film only Beta shows (its code must open nothing on Alpha)."""

from __future__ import annotations

from parties.models import WatchParty
from parties.starting import start_party


def sweep_rows(alpha, beta, alice, bob, ours, theirs) -> dict[str, list[str]]:
    """`ours`: a media file Alpha shows; `theirs`: one only Beta shows."""
    codes = [
        start_party(alpha, alice, ours, "host").code,
        start_party(beta, bob, theirs, "anyone").code,
    ]
    return {"code@party-join": codes}


def party_pages(site, host, media_id: int) -> dict[str, str]:
    """For tests/test_pages_at_scale.py: a party's invite page (the watch page in party mode)."""
    party = WatchParty.objects.create(tenant=site, host=host, media_id=media_id)
    return {"watch party": f"/party/{party.code}/"}
