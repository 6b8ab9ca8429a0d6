"""What apps standing above the player add to its config (the ads app's break schedule): the
watch view asks this registry, so the player knows none of them by name (docs/architecture.md,
"Rooms": the vaults import no app built on them).

An extra is called once per watch page with the request and the media file; its answer goes
into the player config under its key (None: nothing for this viewer). Registered from the
app's `AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from streaming.models import MediaFile

PlayerExtra = Callable[[HttpRequest, MediaFile], Any]

_extras: dict[str, PlayerExtra] = {}


def register_player_extra(key: str, extra: PlayerExtra) -> None:
    """Put `extra(request, media)` in the player config under `key`; registering the same
    key again replaces it (ready() may run more than once in tests)."""
    _extras[key] = extra


def player_extras(request: HttpRequest, media: MediaFile) -> dict[str, Any]:
    return {key: extra(request, media) for key, extra in _extras.items()}
