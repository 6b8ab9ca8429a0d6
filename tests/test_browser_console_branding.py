"""The console's Branding page in Debian's Chromium against a real server: typing a colour
changes the preview at once, without a reload, and warns about poor contrast; saving shows
the new look on the site; a phone scrolls no sideways. The screenshot of the page goes to
docs/images/console-branding.png for the docs."""

from __future__ import annotations

import pytest

from tests.support.browser import DESKTOP, PHONE, sign_in
from tests.support.live_site import DEMO_PASSWORD, DEMO_USERNAME
from tests.support.services import REPO

pytestmark = pytest.mark.browser

DOCS_SCREENSHOT = REPO / "docs" / "images" / "console-branding.png"
PREVIEW_ACCENT = (
    "() => getComputedStyle(document.querySelector('[data-preview]'))"
    ".getPropertyValue('--accent').trim()"
)


@pytest.fixture(scope="module")
def site(browser_site):
    browser_site.reset()
    return browser_site


def branding_page(site, browser, **options):
    watched = sign_in(browser, site.url, DEMO_USERNAME, DEMO_PASSWORD, **(options or DESKTOP))
    watched.page.goto(site.url + "/console/branding/")
    return watched


def test_typing_a_colour_changes_the_preview_without_a_reload(site, browser):
    watched = branding_page(site, browser)
    page = watched.page
    page.evaluate("() => { window.stillThisPage = true; }")
    before = page.evaluate(PREVIEW_ACCENT)

    page.fill("#id_accent_colour", "#0F766E")
    page.fill("#id_name", "Night Owl Cinema")
    page.fill("#id_tagline", "Films after dark")

    assert before == "#8b5cf6"
    assert page.evaluate(PREVIEW_ACCENT) == "#0f766e"
    assert page.locator(".bp-title").inner_text() == "Night Owl Cinema"
    assert page.locator("[data-preview-tagline]").inner_text() == "Films after dark"
    assert page.evaluate("() => window.stillThisPage") is True  # no reload happened
    assert page.input_value("[data-swatch-for=id_accent_colour]") == "#0f766e"
    assert page.locator("[data-preview-warnings] p").count() == 0

    page.fill("#id_accent_colour", "#fde047")  # white on yellow: hard to read
    assert "White text on the first colour" in page.locator("[data-preview-warnings]").inner_text()
    page.fill("#id_accent_colour", "#0f766e")
    assert watched.errors == []
    DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_SCREENSHOT), full_page=True)
    watched.screenshot("console-branding")


def test_saving_shows_the_new_look_on_the_site(site, browser):
    watched = branding_page(site, browser)
    page = watched.page

    page.fill("#id_accent_colour", "#0f766e")
    page.fill("#id_name", "Night Owl Cinema")
    page.fill("#id_links-0-label", "About us")
    page.fill("#id_links-0-url", "/about/")
    page.fill("#id_legal_imprint", "Night Owl Ltd\n1 Dark Road")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector(".messages")
    page.goto(site.url + "/")

    accent = page.evaluate(
        "() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()"
    )
    assert accent == "#0f766e"
    assert page.locator(".topbar .brand-name").inner_text() == "Night Owl Cinema"
    page.locator(".footer-links").get_by_role("link", name="Imprint").click()
    assert page.locator(".legal-text").inner_text().startswith("Night Owl Ltd")
    assert watched.errors == []


def test_on_a_360px_phone_the_page_scrolls_no_sideways(site, browser):
    watched = branding_page(site, browser, **PHONE)

    assert watched.has_no_horizontal_scroll()
    assert watched.page.locator("[data-preview]").is_visible()
    watched.screenshot("console-branding-phone")
