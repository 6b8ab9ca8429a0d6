"""Which of an ad's media files the browser plays, and which of those to play.

Chromium plays H.264 in MP4 and VP8/VP9/AV1 in WebM over plain (progressive) HTTP; VAST's
"streaming" delivery (HLS, DASH) and other types (Flash, VPAID JavaScript, HEVC) are left
out. Of the rest, the height nearest the player's wins; then the higher bitrate.
"""

from __future__ import annotations

from collections.abc import Iterable

from ads.vast.errors import FILE_NOT_FOUND, NoSupportedMedia
from ads.vast.model import MediaFile

# RFC 6381 codec names (and the plain names some ad servers write instead).
PLAYABLE = {
    "video/mp4": ("avc1", "avc3", "h264", "h.264"),
    "video/webm": ("vp8", "vp9", "vp09", "av01", "av1"),
}


def playable(media: MediaFile) -> bool:
    prefixes = PLAYABLE.get(media.type)
    if prefixes is None or media.delivery != "progressive":
        return False
    codecs = [codec.strip().lower() for codec in media.codec.split(",") if codec.strip()]
    # Only the video codec decides; an audio codec (mp4a, opus, vorbis) rides along.
    video = [c for c in codecs if not c.startswith(("mp4a", "opus", "vorbis", "aac"))]
    return all(codec.startswith(prefixes) for codec in video)


def choose_media(files: Iterable[MediaFile], preferred_height: int) -> MediaFile:
    """The media file to play; NoSupportedMedia (403, or 401 when there is none at all)."""
    files = list(files)
    if not files:
        raise NoSupportedMedia("the ad has no media file", code=FILE_NOT_FOUND)
    candidates = [media for media in files if playable(media)]
    if not candidates:
        kinds = ", ".join(sorted({f"{m.type or '?'} ({m.delivery})" for m in files}))
        raise NoSupportedMedia(f"no media file the browser plays among: {kinds}"[:300])

    def nearness(media: MediaFile) -> tuple[bool, int, int]:
        gap = abs((media.height or 0) - preferred_height)
        return (media.height is None, gap, -(media.bitrate or 0))

    return min(candidates, key=nearness)
