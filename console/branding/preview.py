"""What the preview panel shows: the values being edited where they are valid, the saved
ones otherwise. Pressing "Preview" (no JavaScript) re-renders the page with these; the
script in static/js/branding/ updates the same panel as the owner types."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from console.branding.contrast import contrast_warnings
from console.branding.forms import clean_hex
from tenants.models import Tenant


@dataclass(frozen=True)
class Preview:
    name: str
    tagline: str
    accent: str
    accent_2: str
    logo_url: str
    warnings: list[str] = field(default_factory=list)


def _colour(typed: str | None, saved: str) -> str:
    try:
        return clean_hex(typed) if typed else saved
    except ValidationError:  # the field shows it; the preview keeps the saved colour
        return saved


def preview_of(site: Tenant, typed: dict | None = None) -> Preview:
    """The preview for the saved site, or with what the owner typed (a form's data)."""
    typed = typed or {}
    accent = _colour(typed.get("accent_colour"), site.accent_colour)
    accent_2 = _colour(typed.get("accent_colour_2"), site.accent_colour_2)
    return Preview(
        name=(typed.get("name") or site.name)[:100],
        tagline=typed.get("tagline", site.tagline)[:200],
        accent=accent,
        accent_2=accent_2,
        logo_url=site.logo.url if site.logo else "",
        warnings=contrast_warnings(accent, accent_2),
    )
