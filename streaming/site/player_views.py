"""The player page and the two small endpoints its script calls.

Progress arrives as a form-encoded POST with the CSRF token in the body: the page saves on
leave with `navigator.sendBeacon`, which cannot set headers (so no X-CSRFToken), but Django's
CSRF middleware reads `csrfmiddlewaretoken` from a form body. The view stays CSRF-protected
(no exemption), and the same endpoint serves the periodic `fetch` saves.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from streaming.models import MediaFile
from streaming.site.access import get_media_for
from streaming.site.next_episode import next_episode_for
from streaming.site.player_extras import player_extras
from streaming.site.quality_cap import above_cap_message, allowed_versions_of
from streaming.stream_limits import admission
from streaming.stream_limits.store import Beat
from streaming.viewer import activity
from tenants.access import is_member
from tenants.entitlements import entitlements_for
from tenants.request_types import SiteRequest

MEMBERS_ONLY = "Sign in as a member of this site to watch."


def renew_after(lifetime: int) -> int:
    """Seconds after which the page asks for a fresh link: well before it expires (a tenth of
    its life, at most ten minutes), so a slow network still has time to fetch a new one."""
    return max(int(lifetime - min(lifetime * 0.1, 600)), 1)


def _progressive_url(name: str, media: MediaFile, session: str | None) -> str | None:
    """Where the page reads the progressive rendition while the final file is being made;
    a counted stream's playlist names its session, which each poll keeps alive."""
    if media.stored_id:
        return None
    url = reverse(name, args=[media.pk])
    return f"{url}?{urlencode({'session': session})}" if session else url


def link_facts(
    request: SiteRequest, media: MediaFile, subtitles, session: str | None = None
) -> dict:
    """Every signed link the page uses, so that a renewal refreshes them all. `media` comes
    from `get_media_for`, which loads the sprite and thumbnails track with it; `session`:
    the counted stream these links are for (streaming.stream_limits), if any."""
    lifetime = settings.MEDIA_LINK_LIFETIME
    return {
        # No file yet: the page plays the progressive rendition (progressive_views).
        "src": media.stored.link_for(request) if media.stored else None,
        "progressive": _progressive_url("watch-progressive", media, session),
        "progressiveHls": _progressive_url("watch-progressive-hls", media, session),
        "expiresIn": lifetime,
        "renewIn": renew_after(lifetime),
        "subtitles": {str(sub.pk): sub.stored.link_for(request) for sub in subtitles},
        # Seek previews; null for a file the ingest made none for (its duration was unknown).
        "sprite": media.sprite.link_for(request) if media.sprite else None,
        "thumbnails": media.thumbnails.link_for(request) if media.thumbnails else None,
    }


@never_cache  # the page carries expiring links and a CSRF token
@require_GET
def watch(request: SiteRequest, media_id: int) -> HttpResponse:
    if not is_member(request):
        return redirect_to_login(request.get_full_path())
    media = get_media_for(request, media_id)
    allowed = entitlements_for(request)
    if not allowed.plays(media.height):
        # Above the viewer's plan: the best version within it plays instead, if there is one.
        within = allowed_versions_of(media, allowed).first()
        if within is not None:
            return redirect("watch", within.pk)
        context = {"title": media.owner_title, "message": above_cap_message(media, allowed)}
        return render(request, "streaming/above_plan.html", context, status=403)
    title = media.owner_title
    subtitles = list(media.subtitles.select_related("stored"))
    following = next_episode_for(request.tenant, media)
    config = {
        "mediaId": media.pk,
        "resumeAt": activity.resume_position(request.tenant, request.user, media),
        "duration": media.duration_seconds,
        "linkUrl": reverse("watch-link", args=[media.pk]),
        "progressUrl": reverse("watch-progress", args=[media.pk]),
        "csrfToken": get_token(request),
        "nextEpisode": following.as_config() if following else None,
        **link_facts(request, media, subtitles),
        "streams": None,
        # What other apps add (the ads app's "ads": its break schedule, or None).
        **player_extras(request, media),
    }
    if admission.caps_for(request) is not None:
        # Streams are counted here: the player asks for its links with a start call, which
        # may refuse it (stream_views.start_stream), so the page carries none of the video's.
        config.update(src=None, progressive=None, progressiveHls=None)
        config["streams"] = {"startUrl": reverse("watch-start", args=[media.pk])}
    return render(
        request,
        "streaming/watch.html",
        {
            "media": media,
            "title": title,
            "subtitles": [(sub, config["subtitles"][str(sub.pk)]) for sub in subtitles],
            "versions": list(allowed_versions_of(media, allowed)),
            "next_episode": config["nextEpisode"],
            "player_config": config,
        },
    )


@never_cache
@require_GET
def fresh_link(request: SiteRequest, media_id: int) -> JsonResponse:
    """A new signed link for the playing file (and its subtitles), before the old one expires."""
    if not is_member(request):
        return JsonResponse({"detail": MEMBERS_ONLY}, status=403)
    media = get_media_for(request, media_id)
    allowed = entitlements_for(request)
    if not allowed.plays(media.height):  # the plan changed while the page was open
        return JsonResponse({"detail": above_cap_message(media, allowed)}, status=403)
    session = None
    if admission.caps_for(request) is not None:
        # Counted streams renew only while their session lives (a beat on the way): a player
        # stopped from another device, or silent past the TTL, gets no fresh link.
        session = request.GET.get("session", "")
        if refused := session_refusal(request, session):
            return refused
    subtitles = media.subtitles.select_related("stored")
    return JsonResponse(link_facts(request, media, subtitles, session))


def session_refusal(request: SiteRequest, session: str) -> JsonResponse | None:
    """Beat a counted stream's session; the answer for a stopped (409) or expired (404) one,
    None while it lives."""
    found = admission.beat(request, session)
    if found is Beat.STOPPED:
        return JsonResponse({"stopped": admission.STOPPED}, status=409)
    if found is Beat.GONE:
        return JsonResponse({"detail": admission.GONE}, status=404)
    return None


@require_POST
def save_progress(request: SiteRequest, media_id: int) -> HttpResponse:
    if not is_member(request):
        return JsonResponse({"detail": MEMBERS_ONLY}, status=403)
    media = get_media_for(request, media_id)
    position = seconds_from(request.POST.get("position"))
    if position is None:
        return JsonResponse({"detail": "Send the position in seconds."}, status=400)
    duration = seconds_from(request.POST.get("duration"))
    try:
        activity.record_progress(request.tenant, request.user, media, position, duration)
    except activity.ProgressRejected as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    return HttpResponse(status=204)


def seconds_from(raw: str | None) -> float | None:
    """A finite, non-negative number of seconds, or None (browsers report NaN and Infinity
    for the duration of a stream whose length they do not know yet)."""
    try:
        value = float(raw or "")
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None
