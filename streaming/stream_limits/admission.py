"""The rules of concurrent streams: who counts, against which cap, and who may stop what.

- Caps come from the access function (tenants.entitlements): `streams_per_viewer` for a
  signed-in viewer, `streams_per_site` for everyone playing on the site. Operators are not
  counted; a visitor counts towards the site's cap only, by their session cookie.
- A start past a cap is refused with the sessions the viewer may stop: their own; at the
  site's cap, a site admin sees and may stop every session on the site.
- Only a session of this site is ever found: every store call names the site.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from streaming.models import MediaFile
from streaming.stream_limits.configured_store import configured_store, session_ttl
from streaming.stream_limits.devices import device_label
from streaming.stream_limits.store import Beat, Caps, Full, Playing
from tenants.access import is_operator, is_site_admin
from tenants.entitlements import entitlements_for
from tenants.request_types import SiteRequest

STOPPED = "Playback stopped here: it is playing on another device now."
GONE = "No such stream on this site: it ended, or it was never yours."
# secrets.token_urlsafe(32) is 43 characters of this alphabet.
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{1,43}")


@dataclass(frozen=True)
class Refusal:
    message: str
    sessions: list[dict] = field(default_factory=list)  # what the viewer may stop


def caps_for(request: SiteRequest) -> Caps | None:
    """The caps on this viewer's streams here, or None when nothing is counted."""
    if is_operator(request):
        return None
    allowed = entitlements_for(request)
    per_viewer = allowed.streams_per_viewer if request.user.is_authenticated else None
    if per_viewer is None and allowed.streams_per_site is None:
        return None
    return Caps(per_viewer=per_viewer, per_site=allowed.streams_per_site)


def viewer_key_of(request: SiteRequest) -> str:
    """Whose streams these are: the member, or a visitor's browser (its session cookie)."""
    if request.user.is_authenticated:
        return f"u{request.user.pk}"
    if request.session.session_key is None:
        request.session["streams"] = True  # modified: the middleware sends the cookie
        request.session.save()
    return f"v{request.session.session_key}"


def start_stream(
    request: SiteRequest, media: MediaFile, caps: Caps, replaces: str = ""
) -> Playing | Refusal:
    """A new session for `media`, or the refusal naming what plays. `replaces`: the id of
    this player's previous session (a reload), which stops counting first."""
    now = time.time()
    user = request.user
    playing = Playing(
        id=secrets.token_urlsafe(32),
        tenant_id=request.tenant.pk,
        viewer_key=viewer_key_of(request),
        user_id=user.pk if user.is_authenticated else None,
        media_id=media.pk,
        device=device_label(request.headers.get("User-Agent", "")),
        started_at=now,
        last_seen=now,
    )
    replaces = replaces if SESSION_ID.fullmatch(replaces) else ""
    full = configured_store().start(playing, caps, session_ttl(), replaces)
    if full is None:
        return playing
    return _refusal(request, full, caps)


def beat(request: SiteRequest, session_id: str) -> Beat:
    if not SESSION_ID.fullmatch(session_id):
        return Beat.GONE
    store = configured_store()
    return store.beat(request.tenant.pk, session_id, viewer_key_of(request), session_ttl())


def stop_stream(request: SiteRequest, session_id: str) -> bool:
    """Stops one of the viewer's own sessions (a site admin: any on the site); False when
    there is no such live session they may stop."""
    if not SESSION_ID.fullmatch(session_id):
        return False
    store = configured_store()
    playing = store.get(request.tenant.pk, session_id, session_ttl())
    if playing is None or not _may_stop(request, playing):
        return False
    store.stop(request.tenant.pk, session_id, session_ttl())
    return True


def _may_stop(request: SiteRequest, playing: Playing) -> bool:
    return playing.viewer_key == viewer_key_of(request) or is_site_admin(request)


def _refusal(request: SiteRequest, full: Full, caps: Caps) -> Refusal:
    store = configured_store()
    tenant_id = request.tenant.pk
    mine = store.of_viewer(tenant_id, viewer_key_of(request), session_ttl())
    if full is Full.VIEWER:
        message = (
            f"You are already watching on {_devices(len(mine))}, your plan allows "
            f"{caps.per_viewer}. Stop one of them to watch here."
        )
        return Refusal(message, described(request, mine))
    shown = store.of_site(tenant_id, session_ttl()) if is_site_admin(request) else mine
    message = (
        f"{request.tenant.name} allows {caps.per_site} streams at once, and all of them are "
        "playing. " + ("Stop one of them to watch here." if shown else "Try again later.")
    )
    return Refusal(message, described(request, shown))


def _devices(count: int) -> str:
    return f"{count} device" if count == 1 else f"{count} devices"


def described(request: SiteRequest, sessions: list[Playing]) -> list[dict]:
    """Sessions as the player lists them: device, what plays, since when, how to stop it.
    The titles come in one query."""
    media = MediaFile.objects.select_related("title", "episode__season__title").in_bulk(
        {p.media_id for p in sessions}
    )
    return [
        {
            "id": p.id,
            "device": p.device,
            "title": _what_plays(media.get(p.media_id)),
            "since": _since(p.started_at),
            "startedAt": int(p.started_at),
            "stopUrl": reverse("stream-stop", args=[p.id]),
        }
        for p in sessions
    ]


def _what_plays(media: MediaFile | None) -> str:
    if media is None:
        return "A video no longer here"
    title = media.owner_title.title
    return f"{title} · {media.episode}" if media.episode_id else title


def _since(started_at: float) -> str:
    when = timezone.localtime(datetime.fromtimestamp(started_at, tz=UTC))
    return f"since {date_format(when, 'H:i')}"
