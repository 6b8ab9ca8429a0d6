"""The skeleton: what a file name alone says (guessit), so that no file is ever lost because
a metadata lookup failed. It must answer for any string whatsoever, so everything guessit
returns is checked, and a guessit failure falls back to the bare file name.
"""

from __future__ import annotations

import logging
import unicodedata
from pathlib import PurePath
from typing import TypeVar

from guessit import guessit

from streaming.metadata.base import FILENAME, FILM, SERIES, Details, EpisodeInfo, SeasonInfo

logger = logging.getLogger(__name__)
T = TypeVar("T")

# guessit reads the end of a path (the file name and its folders); file names are at most
# 255 bytes, so a longer input is a path whose far end is all that matters.
MAX_INPUT = 1024
MAX_TITLE = 300  # Title.title's max_length
# Joiners are Cf characters that Persian and Indic names need; other Cf characters (bidi
# overrides that disguise a file's extension, BOMs) are dropped with the control characters.
_KEPT_FORMAT = {"\u200c", "\u200d"}


def skeleton_from_filename(name: str) -> Details:
    name = str(name)[-MAX_INPUT:]
    guess = _guess(name)
    title = (
        _clean(_first(guess.get("title"), str))
        or _clean(PurePath(name).stem.replace(".", " ").replace("_", " "))
        or "Untitled"
    )
    year = _first(guess.get("year"), int)
    if guess.get("type") != "episode":
        return Details(provider=FILENAME, kind=FILM, title=title, year=year)
    season = _first(guess.get("season"), int)
    episode = _first(guess.get("episode"), int)
    seasons = []
    if episode is not None:
        # No season in the name ("[Group] Show - 03") is absolute numbering; Kodi, Sonarr
        # and TMDB's anime entries put such episodes in season 1.
        found = EpisodeInfo(episode, name=_clean(_first(guess.get("episode_title"), str)))
        seasons = [SeasonInfo(1 if season is None else season, episodes=[found])]
    elif season is not None:
        seasons = [SeasonInfo(season)]
    return Details(provider=FILENAME, kind=SERIES, title=title, year=year, seasons=seasons)


def _guess(name: str) -> dict[str, object]:
    try:
        return dict(guessit(name))
    except Exception:
        # guessit is a heuristic parser over arbitrary text; whatever it trips on, the file
        # still gets a skeleton named after itself.
        logger.warning("guessit could not parse %r", name, exc_info=True)
        return {}


def _first(value: object, kind: type[T]) -> T | None:
    # guessit answers a list when a name holds several values ("S01E02E03", two years).
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, kind) and not isinstance(item, bool):
            return item
    return None


def _clean(text: str | None) -> str:
    if not text:
        return ""
    kept = (
        ch if not unicodedata.category(ch).startswith("C") or ch in _KEPT_FORMAT else " "
        for ch in text
    )
    return " ".join("".join(kept).split())[:MAX_TITLE].strip()
