"""The party's two pages: starting one from the player, and the invite link.

The invite link is the watch page itself, in party mode: each member gets their own signed
links and plan there, exactly as watching alone (streaming.site.player_views.watch), plus the
party's config for the sync client.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from parties.joining import find_party
from parties.models import WatchParty
from parties.player_button import PARTY_ON_REQUEST
from parties.starting import start_party
from streaming.site.access import get_media_for
from streaming.site.player_views import watch
from tenants.access import is_member
from tenants.entitlements import entitlements_for
from tenants.request_types import SiteRequest

NO_SUCH_PARTY = "No such watch party on this site (it may have ended)."
BAD_CONTROL = "Say who controls playback: host or anyone."


@require_POST
def start(request: SiteRequest, media_id: int) -> HttpResponse:
    user = request.user
    if isinstance(user, AnonymousUser) or not is_member(request):
        return redirect_to_login(reverse("watch", args=[media_id]))
    media = get_media_for(request, media_id)
    if not entitlements_for(request).plays(media.height):
        return JsonResponse({"detail": "Your plan does not play this version."}, status=403)
    control = request.POST.get("control") or WatchParty.Control.HOST
    if control not in WatchParty.Control.values:
        return JsonResponse({"detail": BAD_CONTROL}, status=400)
    party = start_party(request.tenant, user, media, control)
    return redirect("party-join", party.code)


@require_GET
def join(request: SiteRequest, code: str) -> HttpResponse:
    if not is_member(request):
        return redirect_to_login(request.get_full_path())
    party = find_party(request.tenant, code)
    if party is None:
        raise Http404(NO_SUCH_PARTY)
    request.__dict__[PARTY_ON_REQUEST] = party
    return watch(request, party.media_id)
