"""The player's concurrent-stream calls (streaming.stream_limits.admission): start a stream,
beat while it plays, stop one of the viewer's streams. JSON in and out; CSRF-protected like
every POST (the player sends X-CSRFToken; a page going away sends the token in a form body
through sendBeacon, which cannot set headers)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from streaming.site.access import get_media_for
from streaming.site.player_views import MEMBERS_ONLY, link_facts, session_refusal
from streaming.stream_limits import admission
from tenants.access import is_member
from tenants.request_types import SiteRequest

BAD_JSON = 'Send a JSON object, e.g. {"replaces": "<the id of this player\'s last stream>"}.'


@never_cache
@require_POST
def start_stream(request: SiteRequest, media_id: int) -> JsonResponse:
    """Counts the player in (or refuses it with 409 and the streams it may stop) and hands it
    the signed links the watch page left out."""
    if not is_member(request):
        return JsonResponse({"detail": MEMBERS_ONLY}, status=403)
    replaces = _replaces(request)
    if replaces is None:
        return JsonResponse({"detail": BAD_JSON}, status=400)
    media = get_media_for(request, media_id)
    caps = admission.caps_for(request)
    session = None
    if caps is not None:
        started = admission.start_stream(request, media, caps, replaces)
        if isinstance(started, admission.Refusal):
            body = {"detail": started.message, "sessions": started.sessions}
            return JsonResponse(body, status=409)
        session = started.id
    link_url = reverse("watch-link", args=[media.pk])
    return JsonResponse(
        {
            **link_facts(request, media, media.subtitles.select_related("stored"), session),
            "session": session,
            "linkUrl": f"{link_url}?{urlencode({'session': session})}" if session else link_url,
            "beatUrl": reverse("stream-beat", args=[session]) if session else None,
            "stopUrl": reverse("stream-stop", args=[session]) if session else None,
            "beatEvery": settings.STREAM_HEARTBEAT_EVERY,
        }
    )


def _replaces(request: SiteRequest) -> str | None:
    """The `replaces` id of a start's body ("" for none), or None for a body that is not a
    JSON object of strings."""
    try:
        body = request.body
    except RawPostDataException:  # a form body, already read by the CSRF check
        return None
    if not body.strip():
        return ""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    replaces = data.get("replaces") or ""
    return replaces if isinstance(replaces, str) else None


@never_cache
@require_POST
def beat(request: SiteRequest, session_id: str) -> HttpResponse:
    if not is_member(request):
        return JsonResponse({"detail": MEMBERS_ONLY}, status=403)
    return session_refusal(request, session_id) or HttpResponse(status=204)


@never_cache
@require_POST
def stop(request: SiteRequest, session_id: str) -> HttpResponse:
    """Stops one of the viewer's streams (a site admin's: any on the site)."""
    if not is_member(request):
        return JsonResponse({"detail": MEMBERS_ONLY}, status=403)
    if not admission.stop_stream(request, session_id):
        return JsonResponse({"detail": admission.GONE}, status=404)
    return HttpResponse(status=204)
