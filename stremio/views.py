"""The addon's routes under /stremio/<token>/ (protocol v3): manifest, catalog, meta, stream
and subtitles, each a thin view over stremio.library (what the viewer may see and play) and
stremio.serializers (the protocol's JSON).

`addon_route` does what every route shares: CORS (Stremio's web app fetches across origins;
the protocol asks for `Access-Control-Allow-Origin: *`), the OPTIONS preflight, the token in
the path (a live token of this site whose owner is still a member), JSON errors with a
4xx status, and caching headers. The answers are per viewer, so `private`: no shared cache
may hand one viewer's catalogue, or their signed links, to another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import unquote

from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, JsonResponse

from shadowvault.web_app import icon_url
from streaming.models import Title
from streaming.stream_limits import admission
from stremio import library, serializers, tokens
from stremio.extra_args import BadExtra, catalog_extra, subtitles_extra
from stremio.ids import VideoRef, parse
from tenants.access import is_member
from tenants.request_types import SiteRequest

NOT_VALID_HERE = (
    "This addon URL is not valid on this site: it was revoked, or belongs to another site. "
    "Make a new one on your account's Stremio page."
)
NOT_A_MEMBER = "The account this addon URL belongs to is no longer a member of this site."
NO_SUCH_TYPE = "This addon serves the types movie and series."
NO_SUCH_ID = "No such item on this site."
NO_SUCH_CATALOG = "No such catalog: this addon has films (movie) and series (series)."
NO_SUCH_RESOURCE = "No such resource: the addon answers manifest, catalog, meta, stream, subtitles."
# Seconds a client may keep an answer. The manifest and catalogs change when the library
# does; streams and subtitles carry signed links that expire (MEDIA_LINK_LIFETIME, hours),
# and a stream request may count a stream against the plan, so those stay short.
MANIFEST_MAX_AGE = 3600
CATALOG_MAX_AGE = 300
META_MAX_AGE = 300
STREAM_MAX_AGE = 60
PREFLIGHT_MAX_AGE = 86400
DEFAULT_DESCRIPTION = "Films and series from {site}, as your account and plan allow."


@dataclass(frozen=True)
class Answer:
    body: dict
    max_age: int  # 0: no-store


AddonView = Callable[..., Answer]


def addon_route(view: AddonView) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: SiteRequest, addon_token: str, **kwargs: str) -> HttpResponse:
        if request.method == "OPTIONS":
            return _preflight()
        if request.method not in {"GET", "HEAD"}:
            response = error(405, "The addon is read with GET.")
            response["Allow"] = "GET, HEAD, OPTIONS"
            return response
        token = tokens.find_live(addon_token, request.tenant)
        if token is None:
            return error(401, NOT_VALID_HERE)
        request.user = token.user  # MembershipMiddleware's lookups and the plan follow it
        if not token.user.is_active or not is_member(request):
            return error(401, NOT_A_MEMBER)
        tokens.note_use(token)
        try:
            answer = view(request, **kwargs)
        except Http404 as missing:
            return error(404, str(missing) or NO_SUCH_ID)
        except BadExtra as bad:
            return error(400, str(bad))
        return _json(answer.body, 200, answer.max_age)

    return wrapped


def error(status: int, message: str) -> HttpResponse:
    return _json({"error": message}, status, 0)


def _json(body: dict, status: int, max_age: int) -> HttpResponse:
    response = JsonResponse(body, status=status)
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"private, max-age={max_age}" if max_age else "no-store"
    return response


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "*"
    response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


# --- the resources ------------------------------------------------------------------------


@addon_route
def manifest(request: SiteRequest) -> Answer:
    tenant = request.tenant
    domain = tenant.primary_domain
    hostname = domain.hostname if domain is not None else request.get_host().split(":")[0]
    logo = tenant.logo.url if tenant.logo else icon_url(tenant, 512, "any")
    body = serializers.manifest(
        hostname=hostname,
        name=tenant.name,
        description=tenant.tagline or DEFAULT_DESCRIPTION.format(site=tenant.name),
        logo=request.build_absolute_uri(logo),
        genres=library.site_genres(request),
    )
    return Answer(body, MANIFEST_MAX_AGE)


@addon_route
def catalog(request: SiteRequest, content_type: str, catalog_id: str, extra: str = "") -> Answer:
    kind = _kind(content_type)
    if (content_type, catalog_id) not in {(t, i) for t, i, _ in serializers.CATALOGS}:
        raise Http404(NO_SUCH_CATALOG)
    wanted = catalog_extra(extra_segment(request, extra))
    titles = library.catalog_page(request, kind, wanted)
    absolute = request.build_absolute_uri
    metas = [serializers.meta_preview(title, content_type, absolute) for title in titles]
    return Answer({"metas": metas}, CATALOG_MAX_AGE)


@addon_route
def meta(request: SiteRequest, content_type: str, content_id: str) -> Answer:
    kind = _kind(content_type)
    ref = _ref(content_id)
    if ref.is_episode:  # a meta is a whole title; its videos carry the episodes' ids
        raise Http404(NO_SUCH_ID)
    title = library.title_for(request, ref, kind)
    prefetch_related_objects([title], "genres")
    seasons = library.seasons_for(title) if kind == Title.Kind.SERIES else []
    body = serializers.meta(title, content_type, request.build_absolute_uri, seasons)
    return Answer({"meta": body}, META_MAX_AGE)


@addon_route
def stream(request: SiteRequest, content_type: str, content_id: str) -> Answer:
    title, ref = _video(request, content_type, content_id)
    versions = library.playable_versions(request, title, ref)
    caps = admission.caps_for(request)
    if versions and caps is not None:
        # Stremio sends no heartbeats: the stream counts from here for the session's time to
        # live, as a player's would until its first beat. Past a cap, nothing plays.
        started = admission.start_stream(request, versions[0], caps)
        if isinstance(started, admission.Refusal):
            return Answer({"streams": []}, 0)
    label = title.title
    if ref.is_episode:
        label = f"{title.title} S{ref.season:02d}E{ref.episode:02d}"
    tenant = request.tenant
    streams = [
        serializers.stream(
            media,
            site_name=tenant.name,
            url=_signed(request, media.stored),
            binge_group=f"shadowvault-{tenant.slug}-{serializers.quality(media)}",
            label=label,
        )
        for media in versions
    ]
    return Answer({"streams": streams}, STREAM_MAX_AGE)


@addon_route
def subtitles(request: SiteRequest, content_type: str, content_id: str, extra: str = "") -> Answer:
    title, ref = _video(request, content_type, content_id)
    wanted = subtitles_extra(extra_segment(request, extra))
    versions = library.playable_versions(request, title, ref)
    # Stremio names the playing file by its size: that version's tracks, else the best's.
    sized = [m for m in versions if m.stored is not None and m.stored.size == wanted.video_size]
    chosen = (sized or versions)[:1]
    tracks = [
        serializers.subtitle(track, _signed(request, track.stored))
        for media in chosen
        for track in media.subtitles.all()
    ]
    return Answer({"subtitles": tracks}, STREAM_MAX_AGE)


@addon_route
def unknown(request: SiteRequest, rest: str) -> Answer:
    raise Http404(NO_SUCH_RESOURCE)


# --- parsing the path ---------------------------------------------------------------------


def _kind(content_type: str) -> str:
    kind = library.KIND_OF_TYPE.get(content_type)
    if kind is None:
        raise Http404(NO_SUCH_TYPE)
    return kind


def _ref(content_id: str) -> VideoRef:
    ref = parse(content_id)
    if ref is None:
        raise Http404(NO_SUCH_ID)
    return ref


def _video(request: SiteRequest, content_type: str, content_id: str) -> tuple[Title, VideoRef]:
    """The title a stream or subtitles request is for: a film's id, or an episode's."""
    kind = _kind(content_type)
    ref = _ref(content_id)
    if ref.is_episode != (kind == Title.Kind.SERIES):
        raise Http404(NO_SUCH_ID)
    return library.title_for(request, ref, kind), ref


def _signed(request: SiteRequest, stored) -> str:
    # The player's links (stored_media.signing): bound to the viewer's address where the
    # site says so, expiring after MEDIA_LINK_LIFETIME.
    return request.build_absolute_uri(stored.link_for(request))


def extra_segment(request: SiteRequest, decoded: str) -> str:
    """The extra arguments as the client wrote them, still URL-encoded, when the server
    kept the raw path (uvicorn's `raw_path`, gunicorn's RAW_URI, uWSGI's REQUEST_URI):
    the decoded path has lost which `&`, `=` and `/` were inside a value. Used only when it
    decodes to the very segment Django matched; else the decoded segment, as it is."""
    raw = _raw_path(request)
    if raw is None:
        return decoded
    segment = raw.split("?", 1)[0].rsplit("/", 1)[-1]
    if not segment.endswith(".json"):
        return decoded
    segment = segment.removesuffix(".json")
    return segment if unquote(segment) == decoded else decoded


def _raw_path(request: SiteRequest) -> str | None:
    scope = getattr(request, "scope", None)
    if isinstance(scope, dict) and isinstance(scope.get("raw_path"), bytes):
        return scope["raw_path"].decode("latin-1")
    for key in ("RAW_URI", "REQUEST_URI"):
        value = request.META.get(key)
        if isinstance(value, str):
            return value
    return None
