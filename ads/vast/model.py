"""What a VAST document says, as plain frozen values (the parser's output, the builder's input).

Only what we play is kept: linear creatives. Companion and non-linear ads are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Offset:
    """A point in the ad: seconds, or a percentage of its duration (skipoffset, progress)."""

    value: float
    percent: bool = False

    def seconds(self, duration: float) -> float:
        return duration * self.value / 100 if self.percent else self.value


@dataclass(frozen=True)
class MediaFile:
    url: str
    type: str
    width: int | None = None
    height: int | None = None
    bitrate: int | None = None  # kbit/s, as VAST writes it
    delivery: str = "progressive"
    codec: str = ""


@dataclass(frozen=True)
class Tracking:
    event: str
    url: str
    offset: Offset | None = None  # "progress" events only


@dataclass(frozen=True)
class Linear:
    duration: float | None  # seconds; None in a wrapper's creative
    skip_offset: Offset | None = None
    media_files: tuple[MediaFile, ...] = ()
    tracking: tuple[Tracking, ...] = ()
    click_through: str | None = None
    click_tracking: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ad:
    """An InLine ad, or a Wrapper (`ad_tag_uri` set) pointing at the next document."""

    id: str
    sequence: int | None
    ad_system: str = ""
    title: str = ""
    impressions: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    linear: Linear | None = None
    ad_tag_uri: str | None = None
    follow_additional_wrappers: bool = True

    @property
    def is_wrapper(self) -> bool:
        return self.ad_tag_uri is not None


@dataclass(frozen=True)
class Document:
    version: str
    ads: tuple[Ad, ...] = ()
    errors: tuple[str, ...] = field(default=())  # <VAST><Error>: for a response with no ad
