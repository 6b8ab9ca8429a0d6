"""The reader's own choices for a series (ReaderSettings.choices), checked strictly: a key
the reader does not know, or a value outside its list, is refused with a sentence, never
stored. Pure functions, no I/O; the names are the reader script's (static/js/reader/
settings-rules.js), and only those: a zoom level is not kept (a pinch is for the moment).
"""

from __future__ import annotations

MODES = ("ltr", "rtl", "vertical", "webtoon")
FITS = ("screen", "width", "height", "original")
FLAGS = ("spreads", "coverAlone", "spreadOffset", "splitWide")
KNOWN = ("mode", "fit", *FLAGS)


class ChoicesRejected(ValueError):
    """The choices sent cannot be kept; the message says which and why."""


def clean_choices(sent: object) -> dict:
    """The choices in `sent` (a JSON object, some keys or all) checked, or ChoicesRejected;
    a key sent as null stays None (the caller forgets it)."""
    if not isinstance(sent, dict):
        raise ChoicesRejected("Send the settings as a JSON object.")
    unknown = sorted(set(sent) - set(KNOWN))
    if unknown:
        raise ChoicesRejected(f"Unknown setting {unknown[0]!r}; known: {', '.join(KNOWN)}.")
    cleaned: dict = {}
    for key, value in sent.items():
        cleaned[key] = _clean(key, value)
    return cleaned


def _clean(key: str, value: object) -> object:
    if value is None:  # null: forget the choice, the series' default applies again
        return None
    if key == "mode":
        return _one_of(key, value, MODES)
    if key == "fit":
        return _one_of(key, value, FITS)
    if not isinstance(value, bool):  # a flag: `key` is in KNOWN
        raise ChoicesRejected(f"{key} is true or false.")
    return value


def _one_of(key: str, value: object, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ChoicesRejected(f"{key} is one of {', '.join(allowed)}.")
    return value


def stored_choices(stored: object) -> dict:
    """What a ReaderSettings row holds, keeping only what is still valid (a row written
    before a choice was renamed or removed gives the rest)."""
    if not isinstance(stored, dict):
        return {}
    kept = {}
    for key, value in stored.items():
        try:
            kept.update(clean_choices({key: value}))
        except ChoicesRejected:
            continue
    return {key: value for key, value in kept.items() if value is not None}


def merged_choices(stored: object, sent: dict) -> dict:
    """`stored` with the cleaned choices `sent` applied: None forgets a key."""
    merged = {**stored_choices(stored), **sent}
    return {key: value for key, value in merged.items() if value is not None}
