"""Progressive renditions as rows (streaming.models.progressive), for tests of what players
and the stream view see: a MediaFile with no final file yet, its rendition, and segments in
local storage numbered as the encoders would have left them (gaps where none ran yet)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from streaming.models import MediaFile, ProgressiveRendition, ProgressiveSegment, Title
from tests import factories

# The first bytes of what ffmpeg's HLS muxer writes: an init segment, a media segment.
INIT_BYTES = b"\x00\x00\x00\x18ftypiso6\x00\x00\x02\x00iso6cmfc" + b"\x00" * 64
CODECS = "avc1.64001f,mp4a.40.2"
SEGMENT_SECONDS = 4.0


def segment_bytes(number: int, extra: bytes = b"") -> bytes:
    """A media segment's bytes: a `moof` box first, the number, then `extra`."""
    return b"\x00\x00\x00\x18moof" + number.to_bytes(4, "big") + extra + bytes(range(256)) * 3


def progressive_film(
    name: str = "Slow Film",
    numbers: Iterable[int] = (0, 1, 3),
    duration: float = 20.0,
    state: str = ProgressiveRendition.State.ENCODING,
    status: str = Title.Status.PUBLISHED,
    extra: bytes = b"",
    **title_fields,
) -> MediaFile:
    """A film live only through its progressive rendition: segments `numbers` stored (one
    init segment for all, `extra` in every segment's bytes), the final MP4 still being
    made."""
    title = factories.film(name, status, **title_fields)
    media = MediaFile.objects.create(
        title=title, stored=None, duration_seconds=duration, width=1280, height=720
    )
    rendition = ProgressiveRendition.objects.create(
        media_file=media,
        state=state,
        duration=duration,
        segment_count=math.ceil(duration / SEGMENT_SECONDS),
        width=1280,
        height=720,
        codecs=CODECS,
        rung="720p ultrafast",
        encoding_at=[[12.0, 13.5]],
    )
    init = factories.stored(f"{title.slug}-init.mp4", INIT_BYTES + extra, kind="mp4")
    for number in numbers:
        body = segment_bytes(number, extra)
        segment = factories.stored(f"{title.slug}-seg-{number:05d}.m4s", body, kind="m4s")
        start = number * SEGMENT_SECONDS
        ProgressiveSegment.objects.create(
            rendition=rendition,
            number=number,
            start=start,
            duration=min(SEGMENT_SECONDS, duration - start),
            init=init,
            stored=segment,
        )
    return media
