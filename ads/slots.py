"""Banner slots on the home, title, reader and player pages (docs/ads.md, "Banners").

A slot is nothing at all (no markup, so no request) for a viewer who sees no ads, and costs
no query then. For one who does, the site's live campaigns are read once per request
(ads.choosing.live_campaigns, shared with the player's breaks); the page's targeting context
is built only when a banner campaign runs at that slot, since on the player and the reader
it costs a query (the genres).

A house banner is a plain link around an image: the link goes through our click counter
("ad-click"), which redirects to the campaign's link. A third-party tag is a frame sandboxed
without allow-same-origin, so its scripts run in an opaque origin and never reach the
page's cookies or DOM; the page's Content-Security-Policy lets frames come from that tag's
origin, on that answer only. Either way an impression is counted by a pixel from our
tracker ("ad-track"), loaded when the page is shown: no inline script (the CSP allows none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import reverse

from ads import tracking
from ads.choosing import Context, choose, live_campaigns, shows_ads, viewer_key
from ads.models import Campaign, Placement
from ads.tracking import Mark, new_break_id
from readvault.models import Series
from shadowvault.content_security import allow_on_this_page
from streaming.models import Genre, MediaFile, Title
from tenants.request_types import tenant_of

SLOTS = tuple(str(where) for where in Placement.SLOTS)
# What a frame's origin may be: a scheme, a hostname (or IPv4) and a port, nothing that could
# end the CSP source or add one.
_ORIGIN = re.compile(r"https?://[a-z0-9.-]+(:[0-9]{1,5})?")


@dataclass(frozen=True)
class Banner:
    """What a slot shows: the campaign, our pixel and, by kind, the image and our click
    link, or the tag's URL."""

    where: str
    campaign: Campaign
    impression_url: str
    click_url: str = ""
    image_url: str = ""
    tag_url: str = ""

    @property
    def template(self) -> str:
        return "ads/_banner_tag.html" if self.tag_url else "ads/_house_banner.html"


def banner_for(
    request: HttpRequest, where: str, shown: object = None, genres: list[Genre] | None = None
) -> Banner | None:
    """The banner for slot `where` of a page showing `shown` (a Title, whose `genres` the
    page may have read already; a MediaFile; a Series; None on the home page), or None:
    nothing to show."""
    if where not in SLOTS:
        raise ValueError(f"no banner slot {where!r}; slots are {', '.join(SLOTS)}")
    site = tenant_of(request)
    if site is None or not shows_ads(request):
        return None
    running = [campaign for campaign in live_campaigns(request) if _runs(campaign, where)]
    if not running:
        return None
    # The genres of what is shown cost a query on the player and the reader: asked only
    # when a campaign here targets genres (their genres came with the campaigns).
    targets_genres = any(campaign.genres.all() for campaign in running)
    context = context_for(request, shown, genres, with_genres=targets_genres)
    campaign = choose(request, where, context)
    if campaign is None:
        return None
    return _banner(request, where, campaign, _mark(request, site.pk, campaign, context))


def context_for(
    request: HttpRequest,
    shown: object,
    genres: list[Genre] | None = None,
    *,
    with_genres: bool = True,
) -> Context:
    """The targeting context of what the page shows (without its genres unless asked)."""
    if isinstance(shown, Title):
        known = {g.pk for g in genres} if genres is not None else _genre_ids(shown, with_genres)
        return _title_context(shown, known)
    if isinstance(shown, MediaFile):
        title = shown.owner_title
        kind = "episode" if shown.episode_id else "film"
        return _title_context(title, _genre_ids(title, with_genres), kind=kind)
    if isinstance(shown, Series):
        known = _same_genres(request, shown) if with_genres else set()
        return Context(kind="manga", genre_ids=frozenset(known), age_rating=shown.age_rating)
    return Context()


def frame_origin(url: str) -> str | None:
    """The origin a tag's frame loads from, as a CSP source; None for a URL that is not a
    plain http(s) one."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    origin = f"{parts.scheme.lower()}://{host}" + (f":{port}" if port is not None else "")
    if parts.username is not None or not _ORIGIN.fullmatch(origin) or not host.strip("."):
        return None
    return origin


def _mark(request: HttpRequest, site_id: int, campaign: Campaign, context: Context) -> Mark:
    return Mark(
        campaign_id=campaign.pk,
        site_id=site_id,
        title_id=context.title_id,
        viewer=viewer_key(request),
        break_id=new_break_id(),  # this one showing: its impression counts once
    )


def _banner(request: HttpRequest, where: str, campaign: Campaign, mark: Mark) -> Banner | None:
    pixel = reverse("ad-track", args=[mark.token(), "impression"])
    if campaign.creative == Campaign.Creative.BANNER_TAG:
        origin = frame_origin(campaign.banner_tag_url)
        if origin is None:
            return None
        allow_on_this_page(request, "frame-src", origin)
        return Banner(where, campaign, pixel, tag_url=campaign.banner_tag_url)
    if not campaign.banner_image or not campaign.banner_link:
        return None
    click = tracking.click_url(mark)
    return Banner(where, campaign, pixel, click_url=click, image_url=campaign.banner_image.url)


def _runs(campaign: Campaign, where: str) -> bool:
    return not campaign.is_video and any(p.where == where for p in campaign.placements.all())


def _title_context(title: Title, genre_ids: set[int], kind: str | None = None) -> Context:
    if kind is None:
        kind = "film" if title.kind == Title.Kind.FILM else "episode"
    return Context(
        kind=kind,
        genre_ids=frozenset(genre_ids),
        age_rating=title.content_rating,
        title_id=title.pk,
    )


def _genre_ids(title: Title, wanted: bool) -> set[int]:
    return set(title.genres.values_list("pk", flat=True)) if wanted else set()


def _same_genres(request: HttpRequest, series: Series) -> set[int]:
    """ReadVault keeps its own genres; a campaign names StreamVault's. A series matches a
    campaign's genre of the same slug ("action" is "action" in both lists)."""
    slugs = set(series.genres.values_list("slug", flat=True))
    return {
        genre.pk
        for campaign in live_campaigns(request)
        for genre in campaign.genres.all()
        if genre.slug in slugs
    }
