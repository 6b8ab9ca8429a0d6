"""The player's view of a progressive rendition: `/watch/<id>/progressive.json?at=<s>`.

It lists the segments near `at` with signed links and records that this viewer needs them
there, which is how a seek ahead of the encoders starts one (streaming/progressive).
"""

from __future__ import annotations

from typing import TypeVar

from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from streaming.models import MediaFile, ProgressiveRendition
from streaming.progressive.playlist import (
    POLL_DONE,
    hls_event_playlist,
    playlist_for,
    record_demand,
    viewer_key,
)
from streaming.site.access import get_media_for
from streaming.site.player_views import MEMBERS_ONLY, seconds_from, session_refusal
from streaming.stream_limits import admission
from tenants.access import is_member
from tenants.request_types import SiteRequest

_Response = TypeVar("_Response", bound=HttpResponse)
# How long a player's own cache may keep an answer: a list that grows, very briefly; one
# waiting for the final file, less than a poll's interval; after that, until the next poll.
CACHE_SECONDS = {"encoding": 1, "finished": 5}
NO_RENDITION = "This video is not ready to play yet."
GONE_TO_FILE = "This video plays from its file now; reload the page."


@require_GET
def progressive_playlist(request: SiteRequest, media_id: int) -> JsonResponse:
    if not is_member(request):
        return JsonResponse({"detail": MEMBERS_ONLY}, status=403)
    if refused := _uncounted(request):
        return refused
    media, rendition = _rendition_of(request, media_id)
    if rendition is None:
        if media.stored is None:
            return JsonResponse({"detail": NO_RENDITION}, status=404)
        final = {"src": media.stored.link_for(request)}
        moved = {"state": "replaced", "final": final, "pollIn": POLL_DONE}
        return _private(JsonResponse(moved), POLL_DONE)
    raw_at = request.GET.get("at")
    at = seconds_from(raw_at) if raw_at is not None else None
    if raw_at is not None and at is None:
        return JsonResponse({"detail": "Send `at` as a number of seconds."}, status=400)
    if at is not None:
        record_demand(rendition, viewer_key(request), at)
    answer = playlist_for(request, media, rendition, at)
    return _private(JsonResponse(answer), CACHE_SECONDS.get(answer["state"], POLL_DONE))


@require_GET
def progressive_hls(request: SiteRequest, media_id: int) -> HttpResponse:
    """The same rendition as an HLS EVENT playlist, for players that play HLS themselves."""
    if not is_member(request):
        return JsonResponse({"detail": MEMBERS_ONLY}, status=403)
    if refused := _uncounted(request):
        return refused
    _media, rendition = _rendition_of(request, media_id)
    if rendition is None or rendition.state == ProgressiveRendition.State.REPLACED:
        return JsonResponse({"detail": GONE_TO_FILE}, status=404)
    text = hls_event_playlist(request, rendition)
    # A native player says nothing of where it is: keep encoding past what it was given.
    given = text.count("#EXTINF")
    record_demand(rendition, viewer_key(request), given * rendition.segment_seconds)
    response = HttpResponse(text, content_type="application/vnd.apple.mpegurl")
    return _private(response, CACHE_SECONDS.get(rendition.state, POLL_DONE))


def _uncounted(request: SiteRequest) -> JsonResponse | None:
    """Where streams count, the playlist is part of a counted stream: each poll beats the
    session its URL names, and a stopped or expired one gets no more segments."""
    if admission.caps_for(request) is None:
        return None
    return session_refusal(request, request.GET.get("session", ""))


def _rendition_of(
    request: SiteRequest, media_id: int
) -> tuple[MediaFile, ProgressiveRendition | None]:
    """The file this site shows (404 otherwise) and its rendition, if it still has one."""
    media = get_media_for(request, media_id)
    return media, ProgressiveRendition.objects.filter(media_file=media).first()


def _private(response: _Response, seconds: int) -> _Response:
    # Signed for this viewer: never in a shared cache; a growing list only briefly in theirs.
    response["Cache-Control"] = f"private, max-age={seconds}"
    return response
