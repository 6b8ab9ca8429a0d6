"""VAST tracking-URL macros: [ERRORCODE], [CACHEBUSTING], [TIMESTAMP], [CONTENTPLAYHEAD],
[MEDIAPLAYHEAD].

VAST 4 (section 6, "Macros"): a macro's value is URL-encoded before it replaces the macro, so
a value can never end the query or add a parameter. A macro we have no value for, or do not
know, stays as it is (the ad server may fill it, or the player later).
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from urllib.parse import quote

MACRO = re.compile(r"\[([A-Z][A-Z0-9_]*)\]")


def fill_macros(
    url: str,
    *,
    error_code: int | None = None,
    playhead: float | None = None,
    media_playhead: float | None = None,
    now: datetime | None = None,
) -> str:
    """The URL with the macros we have values for replaced by their URL-encoded values."""
    values = {
        "CACHEBUSTING": f"{secrets.randbelow(10**8):08d}",  # VAST: 8 random digits
        "TIMESTAMP": _timestamp(now or datetime.now(UTC)),
    }
    if error_code is not None:
        values["ERRORCODE"] = str(error_code)
    if playhead is not None:
        values["CONTENTPLAYHEAD"] = playhead_text(playhead)
    if media_playhead is not None:
        values["MEDIAPLAYHEAD"] = playhead_text(media_playhead)

    def replace(match: re.Match[str]) -> str:
        value = values.get(match[1])
        return match[0] if value is None else quote(value, safe="")

    return MACRO.sub(replace, url)


def playhead_text(seconds: float) -> str:
    """VAST time, HH:MM:SS.mmm (a negative or unknown playhead is not sent: see callers)."""
    millis = round(max(seconds, 0) * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def _timestamp(now: datetime) -> str:
    # VAST 4: ISO 8601 with milliseconds and the zone, e.g. 2016-01-17T08:15:07.127+00:00.
    aware = now if now.tzinfo else now.replace(tzinfo=UTC)
    return aware.isoformat(timespec="milliseconds")
