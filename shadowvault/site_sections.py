"""Places on StreamVault's pages where another vault adds its own part: sections of the
home page (ReadVault's "Continue reading" and "New chapters") and tabs of the account pages
("Reading", "Reader apps"). Like shadowvault.search_sources, this module imports no vault:
a vault registers in its AppConfig.ready(), the site's templates ask here.

A home section is a function `section(request) -> str` returning finished HTML (rendered
from the vault's own template, empty for nothing to show). It runs on every home page, so
it takes a constant number of queries whatever the library's size (the home page's count
is asserted at scale in tests/test_pages_at_scale.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

HomeSectionFn = Callable[[HttpRequest], str]


@dataclass(frozen=True)
class AccountTab:
    label: str
    url_name: str  # the tab's page, reversed without arguments
    # Other views (their `view_name`s) under which this tab is the current one.
    also_current: tuple[str, ...] = ()
    # Whether the viewer of a request gets this tab (their plan may leave the vault out:
    # tenants.entitlements); None: everyone.
    shown_to: Callable[[HttpRequest], bool] | None = None

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def is_current(self, view_name: str) -> bool:
        return view_name == self.url_name or view_name in self.also_current


_home_sections: dict[str, tuple[int, HomeSectionFn]] = {}
_account_tabs: dict[str, AccountTab] = {}


def register_home_section(key: str, section: HomeSectionFn, *, order: int = 100) -> None:
    """Show `section(request)` on the home page, after the site's own rows (lower `order`
    first). Registering a key again replaces it (ready() may run twice in tests)."""
    _home_sections[key] = (order, section)


def home_sections(request: HttpRequest) -> list[SafeString]:
    ordered = sorted(_home_sections.items(), key=lambda item: (item[1][0], item[0]))
    rendered = (section(request) for _, (_, section) in ordered)
    return [mark_safe(html) for html in rendered if html]  # noqa: S308 - templates' output


def home_section(request: HttpRequest, key: str) -> SafeString:
    """The one section registered as `key` (empty when no vault registered it): a site whose
    owner arranged the home page places each section where they put it (curation.home)."""
    entry = _home_sections.get(key)
    return mark_safe(entry[1](request)) if entry else SafeString("")  # noqa: S308 - as above


def register_account_tab(tab: AccountTab) -> None:
    """Add `tab` to the account pages' tabs, after the site's own (in registration order)."""
    _account_tabs[tab.url_name] = tab


def account_tabs(request: HttpRequest | None = None) -> list[AccountTab]:
    """The registered tabs; with `request`, only those its viewer gets."""
    tabs = list(_account_tabs.values())
    if request is None:
        return tabs
    return [tab for tab in tabs if tab.shown_to is None or tab.shown_to(request)]
