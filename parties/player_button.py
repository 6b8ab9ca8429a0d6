"""The watch page's `"party"` (registered with streaming.site.player_extras): where its
"Watch together" button posts, and in party mode the party the page belongs to."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse

from parties.models import WatchParty
from streaming.models import MediaFile
from tenants.access import is_member

# Where parties.views.join leaves the party it found, for this extra to read.
PARTY_ON_REQUEST = "watch_party"


def player_party(request: HttpRequest, media: MediaFile) -> dict[str, Any] | None:
    """None for a visitor (the watch page sends them to sign in anyway). No query: the
    party, if any, was loaded by the invite page that renders the watch page."""
    user = request.user
    if isinstance(user, AnonymousUser) or not is_member(request):
        return None
    config: dict[str, Any] = {"startUrl": reverse("party-start", args=[media.pk]), "party": None}
    party: WatchParty | None = request.__dict__.get(PARTY_ON_REQUEST)
    if party is not None and party.media_id == media.pk:
        config["party"] = {
            "code": party.code,
            "socketPath": f"/party/ws/{party.code}/",
            "inviteUrl": request.build_absolute_uri(reverse("party-join", args=[party.code])),
            "isHost": party.host_id == user.pk,
            "mayControl": party.may_control(user.pk),
            "control": party.control,
        }
    return config
