"""The only kinds of file media storage holds, each with its one content type and suffix.

A stored object's type and suffix come from what the pipeline made or ffprobe found, never
from a source's name or a remote header: a faststart MP4 fetched from `…/film.html` is still
video/mp4, stored as `film.mp4`. Nothing here renders in a browser as a document (no HTML,
SVG or XML), so a file served from the site's own origin can never run a script there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FALLBACK_TYPE = "application/octet-stream"
# Every /media/ answer, bytes or error, from Django and from nginx: even a file that got past
# the allow-list can run no script, load nothing, and is never sniffed into a document.
MEDIA_CSP = "sandbox; default-src 'none'"


@dataclass(frozen=True)
class MediaKind:
    name: str
    content_type: str
    suffix: str


MP4 = MediaKind("mp4", "video/mp4", ".mp4")
WEBM = MediaKind("webm", "video/webm", ".webm")
# A CMAF media segment of a progressive rendition (its init segment is an MP4).
M4S = MediaKind("m4s", "video/iso.segment", ".m4s")
VTT = MediaKind("vtt", "text/vtt", ".vtt")
JPEG = MediaKind("jpeg", "image/jpeg", ".jpg")
WEBP = MediaKind("webp", "image/webp", ".webp")
# ReadVault: comic archives and their page images.
CBZ = MediaKind("cbz", "application/vnd.comicbook+zip", ".cbz")
PNG = MediaKind("png", "image/png", ".png")
AVIF = MediaKind("avif", "image/avif", ".avif")

KINDS: dict[str, MediaKind] = {
    kind.name: kind for kind in (MP4, WEBM, M4S, VTT, JPEG, WEBP, CBZ, PNG, AVIF)
}
_BY_TYPE = {kind.content_type: kind for kind in KINDS.values()}
# A trailing ".html" or ".m4v" is a file extension to replace; ".2019" in "Film.2019" is not.
_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}$")


class UnknownMediaKind(ValueError):
    """Asked to store a kind of file that is not on the allow-list."""


def kind_named(name: str) -> MediaKind:
    try:
        return KINDS[name]
    except KeyError:
        allowed = ", ".join(KINDS)
        raise UnknownMediaKind(f"media storage holds only {allowed}, not {name!r}") from None


def kind_for_type(content_type: str) -> MediaKind | None:
    return _BY_TYPE.get(content_type.split(";")[0].strip().lower())


def served_type(content_type: str) -> str:
    """The Content-Type a /media/ answer may carry: the stored one when it is on the
    allow-list, otherwise bytes to download (a row set to text/html by hand stays inert)."""
    kind = kind_for_type(content_type)
    return kind.content_type if kind else FALLBACK_TYPE


def name_with_suffix(filename: str, kind: MediaKind) -> str:
    """`filename` ending in the kind's suffix: "Some.Film.2019.html" as MP4 is
    "Some.Film.2019.mp4", "Film.2019" is "Film.2019.mp4"."""
    if filename.lower().endswith(kind.suffix):
        return filename
    return _EXTENSION.sub("", filename) + kind.suffix
