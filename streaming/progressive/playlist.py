"""What a player reads of a progressive rendition: segments near it with signed links, the
encoded ranges for the seek bar, where encoders are, and the final file once it exists.

Links are signed for the viewer (as every media link), so the answer is private; the
segments themselves are ordinary stored objects behind the gateway's cache. Only a window of
segments from the asked position is listed (a two-hour film has 1,800), with every encoded
range as [start, end] pairs so the seek bar can show the whole film.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from stored_media.models import StoredObject
from streaming.models import (
    MediaFile,
    ProgressiveRendition,
    ProgressiveSegment,
    ProgressiveViewer,
)

WINDOW_BEHIND = 2  # segments listed before the asked one (a seek a little back)
WINDOW_AHEAD = 30  # and after it: two minutes of 4 s segments
POLL_GROWING = 2
POLL_WAITING = 1  # the asked position has no segment yet: ask again soon
POLL_FINISHED = 10  # every segment made: only the final MP4 is still to come
POLL_DONE = 30  # replaced (the player moves to the file) or failed


def encoded_ranges(numbers: list[tuple[int, float, float]]) -> list[list[float]]:
    """[[start, end], ...] of the runs of consecutive segments, from (number, start,
    duration) in number order."""
    ranges: list[list[float]] = []
    last = None
    for number, start, duration in numbers:
        if last is not None and number == last + 1 and ranges:
            ranges[-1][1] = round(start + duration, 3)
        else:
            ranges.append([round(start, 3), round(start + duration, 3)])
        last = number
    return ranges


def number_at(rendition: ProgressiveRendition, seconds: float) -> int:
    last = max(0, rendition.segment_count - 1)
    return max(0, min(last, math.floor(seconds / rendition.segment_seconds)))


def playlist_for(
    request: HttpRequest, media: MediaFile, rendition: ProgressiveRendition, at: float | None
) -> dict:
    times = list(rendition.segments.values_list("number", "start", "duration"))
    around = number_at(rendition, at or 0.0)
    listed = list(
        rendition.segments.filter(
            number__gte=around - WINDOW_BEHIND, number__lte=around + WINDOW_AHEAD
        ).select_related("stored", "init")
    )
    inits: dict[str, StoredObject] = {str(s.init_id): s.init for s in listed}
    replaced = rendition.state == ProgressiveRendition.State.REPLACED and media.stored_id
    has_at = any(s.number == around for s in listed)
    return {
        "state": rendition.state,
        "duration": rendition.duration,
        "segmentSeconds": rendition.segment_seconds,
        "segmentCount": rendition.segment_count,
        "mime": rendition.mime,
        "rung": rendition.rung,
        "inits": {key: obj.link_for(request) for key, obj in inits.items()},
        "segments": [
            [s.number, s.start, s.duration, str(s.init_id), s.stored.link_for(request)]
            for s in listed
        ],
        "ranges": encoded_ranges(times),
        "encoding": rendition.encoding_at,
        "message": rendition.message,
        "final": {"src": media.stored.link_for(request)} if replaced and media.stored else None,
        "pollIn": _poll_in(rendition, has_at),
    }


def _poll_in(rendition: ProgressiveRendition, has_at: bool) -> int:
    if rendition.state == ProgressiveRendition.State.FINISHED:
        return POLL_FINISHED
    if rendition.state != ProgressiveRendition.State.ENCODING:
        return POLL_DONE
    return POLL_GROWING if has_at else POLL_WAITING


def viewer_key(request: HttpRequest) -> str:
    """One player's name in the demand table: the session (so two tabs of one person count
    once), never stored in the clear."""
    session = getattr(request, "session", None)
    basis = f"{getattr(request.user, 'pk', '')}:{session.session_key if session else ''}"
    return hashlib.sha256(basis.encode()).hexdigest()[:32]


def record_demand(
    rendition: ProgressiveRendition, viewer: str, position: float, now: datetime | None = None
) -> None:
    """Where this viewer needs segments now; the supervisor reads it within a tick."""
    if rendition.state != ProgressiveRendition.State.ENCODING:
        return
    position = max(0.0, min(position, rendition.duration))
    seen_at = now or timezone.now()
    # One UPDATE for a player that asked before (every poll after its first); an INSERT only
    # for a new one, which a second tab of the same session may have made meanwhile.
    rows = ProgressiveViewer.objects.filter(rendition=rendition, viewer=viewer)
    if rows.update(position=position, seen_at=seen_at):
        return
    try:
        with transaction.atomic():
            ProgressiveViewer.objects.create(
                rendition=rendition, viewer=viewer, position=position, seen_at=seen_at
            )
    except IntegrityError:
        rows.update(position=position, seen_at=seen_at)


def contiguous_prefix(rendition: ProgressiveRendition) -> list[ProgressiveSegment]:
    """The segments from 0 with no gap: what a native HLS player may be given, since an
    EVENT playlist may only grow at its end."""
    prefix: list[ProgressiveSegment] = []
    for segment in rendition.segments.order_by("number").select_related("stored", "init"):
        if segment.number != len(prefix):
            break
        prefix.append(segment)
    return prefix


def hls_event_playlist(request: HttpRequest, rendition: ProgressiveRendition) -> str:
    """An RFC 8216 EVENT media playlist (fMP4 segments, EXT-X-MAP per encoder run) for players
    with HLS of their own (Safari, iOS): the gapless prefix, ENDLIST once complete."""
    prefix = contiguous_prefix(rendition)
    longest = max((s.duration for s in prefix), default=rendition.segment_seconds)
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:7",
        f"#EXT-X-TARGETDURATION:{math.ceil(longest)}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:EVENT",
        "#EXT-X-INDEPENDENT-SEGMENTS",
    ]
    init_id = None
    for segment in prefix:
        if segment.init_id != init_id:
            if init_id is not None:
                lines.append("#EXT-X-DISCONTINUITY")  # another run: its own init segment
            init_id = segment.init_id
            lines.append(f'#EXT-X-MAP:URI="{segment.init.link_for(request)}"')
        lines += [f"#EXTINF:{segment.duration:.3f},", segment.stored.link_for(request)]
    if len(prefix) >= rendition.segment_count:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"
