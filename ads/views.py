"""The ad endpoints the player (and other VAST players) call: a break's ad, our tracker, a
banner's click, and VAST 4.2 for our hosted creatives. Thin: they parse and check, then call
ads.serving or ads.tracking. Bad input answers 400 with a JSON message, never a 500."""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from ads import serving, tracking
from ads.models import Placement
from streaming.site.access import get_media_for
from tenants.access import is_member
from tenants.request_types import SiteRequest, tenant_of

MEMBERS_ONLY = "Sign in as a member of this site to watch."
BAD_WHERE = "Say where the break is: where=pre_roll, mid_roll or post_roll."
BAD_AT = "Send the break's point as at=<seconds into the video>."
BAD_EVENT = f"No such event; one of {', '.join(tracking.COLUMNS)}."
MAX_AT = 10**7  # seconds: longer than any film


@never_cache  # sets no-store: each answer is one viewer's, with its own signed links
@require_GET
def ad_break(request: SiteRequest, media_id: int) -> HttpResponse:
    """The ad for one break of the video the viewer is watching, or {"ad": null}."""
    if not is_member(request):
        return JsonResponse({"detail": MEMBERS_ONLY}, status=403)
    where, at, problem = _break_point(request)
    if problem:
        return JsonResponse({"detail": problem}, status=400)
    try:
        media = get_media_for(request, media_id)  # the watch page's own check
    except Http404 as exc:
        return JsonResponse({"detail": str(exc)}, status=404)
    return JsonResponse(serving.break_answer(request, media, where, at))


@never_cache
@require_GET
def vast(request: SiteRequest, media_id: int) -> HttpResponse:
    """VAST 4.2 for a break of this video: a hosted campaign's ad, or VAST's empty answer."""
    if not is_member(request):
        return JsonResponse({"detail": MEMBERS_ONLY}, status=403)
    where, _at, problem = _break_point(request)
    if problem:
        return JsonResponse({"detail": problem}, status=400)
    try:
        media = get_media_for(request, media_id)
    except Http404 as exc:
        return JsonResponse({"detail": str(exc)}, status=404)
    showing = serving.hosted_showing(request, media, where)
    body = serving.vast_document(request, showing)
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


@csrf_exempt  # navigator.sendBeacon cannot send a CSRF token; the signed token is the check
@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest, token: str, event: str) -> HttpResponse:
    """Count one event of one showing: 204, or 400 for a bad token or event."""
    if event not in tracking.COLUMNS:
        return JsonResponse(
            {"detail": f"No such event; one of {', '.join(tracking.COLUMNS)}."}, status=400
        )
    try:
        mark = _mark(request, token)
    except tracking.BadToken as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    code = tracking.error_code(request.GET.get("code")) if event == "error" else None
    tracking.record(mark, event, code)
    return HttpResponse(status=204)


@never_cache
@require_GET
def click(request: HttpRequest, token: str) -> HttpResponse:
    """A banner's click: counted, then on to the campaign's link (taken from the campaign
    the signed token names, never from the request: no open redirect)."""
    try:
        mark = _mark(request, token)
    except tracking.BadToken as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    campaign = tracking.campaigns_of(mark).first()
    link = (campaign.banner_link or campaign.click_url) if campaign is not None else ""
    if urlsplit(link).scheme not in {"http", "https"}:
        return JsonResponse({"detail": "This ad has no link any more."}, status=404)
    tracking.record(mark, "click")
    return HttpResponseRedirect(link)


def _mark(request: HttpRequest, token: str) -> tracking.Mark:
    site = tenant_of(request)
    return tracking.read_token(token, site.pk if site is not None else None)


def _break_point(request: HttpRequest) -> tuple[str, float | None, str]:
    """where, at and the problem with them ("" when none)."""
    where = request.GET.get("where", "")
    if where not in Placement.BREAKS:
        return "", None, BAD_WHERE
    raw = request.GET.get("at", "")
    if raw == "":
        return where, None, ""
    if len(raw) > 32 or not raw.isascii():  # float() reads other scripts' digits too
        return where, None, BAD_AT
    try:
        at = float(raw)
    except ValueError:
        return where, None, BAD_AT
    if not (math.isfinite(at) and 0 <= at <= MAX_AT):
        return where, None, BAD_AT
    return where, at, ""
