"""What both stores of stream sessions do (the database's, Redis'): one interface, so the
rules in streaming.stream_limits.admission and the tests run against either."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


@dataclass(frozen=True)
class Playing:
    """One player instance playing on a site: a stream session."""

    id: str
    tenant_id: int
    viewer_key: str  # "u<user id>" for a member, "v<session key>" for a visitor
    user_id: int | None
    media_id: int
    device: str
    started_at: float  # Unix seconds
    last_seen: float


@dataclass(frozen=True)
class Caps:
    """Streams at once; None: no cap. A visitor has no per-viewer cap (the site's only)."""

    per_viewer: int | None
    per_site: int | None


class Full(StrEnum):
    """Which cap refused a start."""

    VIEWER = "viewer"
    SITE = "site"


class Beat(StrEnum):
    """What a heartbeat found."""

    LIVE = "live"  # its last_seen moved on
    STOPPED = "stopped"  # stopped from another device
    GONE = "gone"  # expired, ended, or never this viewer's


class StreamStore(Protocol):
    def start(self, playing: Playing, caps: Caps, ttl: float, replaces: str = "") -> Full | None:
        """Adds `playing` unless a cap is reached (None: admitted), race-safe: two starts at
        the same instant never both pass the last free slot. `replaces` names a live
        session of the same viewer this one takes the place of (a reload of the same tab),
        removed first in the same step."""
        ...

    def beat(self, tenant_id: int, session_id: str, viewer_key: str, ttl: float) -> Beat:
        """Keeps the viewer's own session alive for another `ttl` seconds."""
        ...

    def stop(self, tenant_id: int, session_id: str, ttl: float) -> None:
        """Stops a session: it no longer counts, and its next beat answers STOPPED."""
        ...

    def end(self, tenant_id: int, session_id: str, viewer_key: str) -> None:
        """The viewer's own player went away: forget the session."""
        ...

    def get(self, tenant_id: int, session_id: str, ttl: float) -> Playing | None:
        """A live (not stopped) session of this site, or None."""
        ...

    def of_viewer(self, tenant_id: int, viewer_key: str, ttl: float) -> list[Playing]:
        """The viewer's live sessions on this site, oldest first."""
        ...

    def of_site(self, tenant_id: int, ttl: float) -> list[Playing]:
        """Every live session on this site, oldest first."""
        ...
