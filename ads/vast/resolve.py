"""Resolve an external VAST tag on the server into the one ad the player plays.

Wrappers are followed to a depth of 5 (VAST 4 recommends a limit of 5), a URL met twice is a
loop, and the whole chain has a time budget. The wrappers' Impression, Error, TrackingEvents
and ClickTracking URLs are added to the InLine ad's (VAST 4, 2.4.3.4: a wrapper's trackers
fire along with the InLine ad's); the click-through and the media are the InLine ad's alone.
On failure the Error URLs collected so far are called with [ERRORCODE] filled, then the
VastError is raised.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ads.vast import fetch
from ads.vast.errors import NoAds, NoLinearCreative, VastError, WrapperLimit, WrapperTimeout
from ads.vast.macros import fill_macros
from ads.vast.media import choose_media
from ads.vast.model import Ad, Linear
from ads.vast.parse import MAX_BYTES, parse, pick_ad
from ads.vast.player import PlayerAd

MAX_WRAPPERS = 5
HOP_TIMEOUT = 2.0  # seconds for one document
CHAIN_BUDGET = 4.0  # seconds for the tag and all its wrappers
ERROR_PING_TIMEOUT = 1.0
ERROR_PING_BUDGET = 2.0
MAX_ERROR_PINGS = 20


@dataclass
class Chain:
    """What the documents met so far say: the wrappers and every Error URL."""

    wrappers: list[Ad] = field(default_factory=list)
    error_urls: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)


def resolve_tag(
    url: str,
    *,
    preferred_height: int = 720,
    hop_timeout: float = HOP_TIMEOUT,
    budget: float = CHAIN_BUDGET,
    report: Callable[[list[str], int], None] | None = None,
) -> PlayerAd:
    """The ad behind a VAST tag URL, ready for the player; a VastError (reported through
    `report`, by default `report_error`, before it is raised) otherwise."""
    chain = Chain()
    try:
        inline = _follow(url, chain, time.monotonic() + budget, hop_timeout)
        return player_ad(inline, chain.wrappers, preferred_height)
    except VastError as exc:
        (report or report_error)(chain.error_urls, exc.code)
        raise


def player_ad(inline: Ad, wrappers: list[Ad], preferred_height: int) -> PlayerAd:
    """The InLine ad with its wrappers' trackers merged in, as the player needs it."""
    linear = inline.linear
    if linear is None or linear.duration is None:  # pick_ad passes such an InLine ad over
        raise NoLinearCreative("the ad has no linear creative with a duration")
    media = choose_media(linear.media_files, preferred_height)
    ads = [*wrappers, inline]
    linears = [ad.linear for ad in ads if ad.linear is not None]
    tracking: dict[str, list[str]] = {
        "impression": [url for ad in ads for url in ad.impressions],
        "error": [url for ad in ads for url in ad.errors],
        "click": [url for lin in linears for url in lin.click_tracking],
    }
    progress = []
    for lin in linears:
        for event in lin.tracking:
            if event.event == "progress" and event.offset is not None:
                progress.append((event.offset.seconds(linear.duration), event.url))
            else:
                tracking.setdefault(event.event, []).append(event.url)
    return PlayerAd(
        media_url=media.url,
        media_type=media.type,
        duration=linear.duration,
        skip_offset=_skip_seconds(linear),
        click_through=linear.click_through,
        tracking={event: tuple(dict.fromkeys(urls)) for event, urls in tracking.items()},
        progress=tuple(sorted(progress)),
    )


def report_error(error_urls: list[str], code: int) -> None:
    """Call each Error URL once with [ERRORCODE] filled: best effort, within a time budget."""
    deadline = time.monotonic() + ERROR_PING_BUDGET
    for url in list(dict.fromkeys(error_urls))[:MAX_ERROR_PINGS]:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        fetch.ping(fill_macros(url, error_code=code), timeout=min(ERROR_PING_TIMEOUT, left))


def report_in_background(error_urls: list[str], code: int) -> None:
    """`report_error` in a thread of its own: a viewer waiting for a break does not also
    wait for slow Error URLs (up to ERROR_PING_BUDGET more)."""
    if error_urls:
        pings = threading.Thread(
            target=report_error, args=(list(error_urls), code), name="vast-error-pings", daemon=True
        )
        pings.start()


def _follow(url: str, chain: Chain, deadline: float, hop_timeout: float) -> Ad:
    for _depth in range(MAX_WRAPPERS + 1):  # the tag, then up to MAX_WRAPPERS wrappers
        if url in chain.seen:
            raise WrapperLimit(f"the wrapper chain loops back to {url}")
        chain.seen.add(url)
        left = deadline - time.monotonic()
        if left <= 0:
            raise WrapperTimeout("the wrapper chain took longer than its time budget")
        # Tags carry macros too ([CACHEBUSTING], [TIMESTAMP]): filled per fetch, while loops
        # are found on the URL as written, since a cache-buster differs every time.
        body = fetch.fetch_vast(
            fill_macros(url), timeout=min(hop_timeout, left), max_bytes=MAX_BYTES
        )
        document = parse(body)
        ad = pick_ad(document)
        if ad is None:
            chain.error_urls.extend(document.errors)
            for other in document.ads:
                chain.error_urls.extend(other.errors)
            if document.ads:
                raise NoLinearCreative(f"the ads at {url} have no linear (video) creative")
            raise NoAds(f"the VAST document at {url} holds no ad")
        chain.error_urls.extend(ad.errors)
        if not ad.is_wrapper:
            return ad
        if chain.wrappers and not chain.wrappers[-1].follow_additional_wrappers:
            raise WrapperLimit("a wrapper said followAdditionalWrappers=false; another followed")
        chain.wrappers.append(ad)
        url = ad.ad_tag_uri or ""
    raise WrapperLimit(f"more than {MAX_WRAPPERS} wrappers in a row")


def _skip_seconds(linear: Linear) -> float | None:
    if linear.skip_offset is None or linear.duration is None:
        return None
    return round(linear.skip_offset.seconds(linear.duration), 3)
