"""The console's sections, in the order its menu shows them. Each section lives in its own
package (console/<package>/) with its own urls module; the menu reverses `url_name` in the
`console` namespace, and a section is current for every view whose name starts with its
`prefix`."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Section:
    label: str
    url_name: str
    prefix: str

    @property
    def url(self) -> str:
        return reverse(f"console:{self.url_name}")

    def is_current(self, view_name: str) -> bool:
        return view_name == self.url_name or view_name.startswith(self.prefix)


SECTIONS = (
    Section("Overview", "overview", "overview"),
    Section("Branding", "branding", "branding"),
    Section("Home page", "curation", "curation"),
    Section("Members", "members", "members"),
    Section("Invitations", "invitations", "invitations"),
    Section("Viewer plans", "plans", "plans"),
    Section("Moderation", "moderation", "moderation"),
    Section("Figures", "figures", "figures"),
    Section("Ads", "ads", "ads"),
)
