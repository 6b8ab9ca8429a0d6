"""The plan's quality cap (tenants.entitlements) where versions are offered: a version
taller than the viewer may play is not listed, not linked and not played. A file whose
height ffprobe did not find is not refused (nothing says it is above the cap)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from streaming.models import MediaFile
from streaming.site.access import versions_of
from tenants.entitlements import Entitlements


def height_rule(max_height: int | None) -> Q:
    """The versions a cap of `max_height` lets through (None: every one)."""
    if max_height is None:
        return Q()
    return Q(height__lte=max_height) | Q(height__isnull=True)


def allowed_versions_of(media: MediaFile, allowed: Entitlements) -> QuerySet[MediaFile]:
    """The versions of `media`'s film or episode the viewer may play, best first."""
    return versions_of(media).filter(height_rule(allowed.max_height))


def above_cap_message(media: MediaFile, allowed: Entitlements) -> str:
    """Why `media` does not play, and that no version within the plan exists."""
    return (
        f"This title is available only above {allowed.max_height}p here "
        f"(this version is {media.height}p). {allowed.refusal('max_height')}"
    )
