"""The small JSON the player gets for one ad: what to play, when it may be skipped, where a
click goes and which URLs to call for each event.

Tracking URLs keep the macros the player fills when it fires them ([CONTENTPLAYHEAD],
[CACHEBUSTING], [TIMESTAMP], [ERRORCODE]): see `ads.vast.macros` and docs/ads.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# What the player reports: VAST's Impression, its Linear TrackingEvents, ClickTracking as
# "click", the Error URLs as "error".
EVENTS = (
    "impression",
    "start",
    "firstQuartile",
    "midpoint",
    "thirdQuartile",
    "complete",
    "skip",
    "click",
    "pause",
    "mute",
    "error",
)


@dataclass(frozen=True)
class PlayerAd:
    media_url: str
    media_type: str
    duration: float
    skip_offset: float | None  # seconds; None: not skippable
    click_through: str | None
    tracking: dict[str, tuple[str, ...]] = field(default_factory=dict)
    progress: tuple[tuple[float, str], ...] = ()  # (seconds into the ad, URL)

    def as_dict(self) -> dict[str, Any]:
        return {
            "mediaUrl": self.media_url,
            "mediaType": self.media_type,
            "duration": self.duration,
            "skipOffset": self.skip_offset,
            "clickThrough": self.click_through,
            "tracking": {event: list(self.tracking.get(event, ())) for event in EVENTS},
            "progress": [{"offset": offset, "url": url} for offset, url in self.progress],
        }
