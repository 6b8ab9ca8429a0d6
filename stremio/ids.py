"""Stremio's item and video ids, as pure functions (docs/stremio.md, "Ids").

Protocol v3: a meta item has an id the addon chose, announced through the manifest's
`idPrefixes`; a video of a series is `<item id>:<season>:<episode>`. A title with an IMDb id
is `tt1234567` (so Stremio joins it with what other addons know of the same title); any
other is `sv:<title pk>`. Stream and subtitles requests carry the video id (a film's video
id is its item id).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shadowvault.request_numbers import parse_bounded_int

OUR_PREFIX = "sv:"
IMDB_PREFIX = "tt"
ID_PREFIXES = (IMDB_PREFIX, OUR_PREFIX)
IMDB_ID = re.compile(r"tt[0-9]{7,10}")
MAX_PK = 2**63 - 1
MAX_NUMBER = 32767  # season and episode numbers are small integers in the catalogue
MAX_ID_LENGTH = 80  # no id we make is longer; a longer one is refused before any parsing


@dataclass(frozen=True)
class VideoRef:
    """What an id names: a title by IMDb id or by key, and for an episode its numbers."""

    imdb_id: str | None = None
    title_pk: int | None = None
    season: int | None = None
    episode: int | None = None

    @property
    def is_episode(self) -> bool:
        return self.season is not None


def item_id(imdb_id: str, pk: int) -> str:
    """The meta id of a title: its IMDb id when it has a well-formed one, else ours."""
    return imdb_id if IMDB_ID.fullmatch(imdb_id) else f"{OUR_PREFIX}{pk}"


def video_id(item: str, season: int, episode: int) -> str:
    return f"{item}:{season}:{episode}"


def parse(raw: str) -> VideoRef | None:
    """The title (and episode) an item or video id names, or None for any other text."""
    if len(raw) > MAX_ID_LENGTH:
        return None
    if raw.startswith(OUR_PREFIX):
        head, *numbers = raw[len(OUR_PREFIX) :].split(":")
        pk = parse_bounded_int(head, 1, MAX_PK) if head.isascii() and head.isdigit() else None
        return _with_numbers(VideoRef(title_pk=pk), numbers) if pk is not None else None
    head, *numbers = raw.split(":")
    if not IMDB_ID.fullmatch(head):
        return None
    return _with_numbers(VideoRef(imdb_id=head), numbers)


def _with_numbers(ref: VideoRef, numbers: list[str]) -> VideoRef | None:
    if not numbers:
        return ref
    if len(numbers) != 2:
        return None
    # ASCII digits only, and no blanks: an id is matched as written.
    if not all(n.isascii() and n.isdigit() for n in numbers):
        return None
    season, episode = (parse_bounded_int(n, 0, MAX_NUMBER) for n in numbers)
    if season is None or episode is None:
        return None
    return VideoRef(ref.imdb_id, ref.title_pk, season, episode)
