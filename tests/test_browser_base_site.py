"""The base site in Debian's Chromium against a real server: no console errors, phone-ready."""

import pytest

from tests.support.browser import PHONE, WatchedPage
from tests.support.live_site import DEMO_PASSWORD, DEMO_USERNAME

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(browser_site):
    browser_site.reset()
    return browser_site


@pytest.mark.parametrize("path", ["/", "/account/login/", "/account/signup/", "/no-such-page/"])
def test_pages_render_without_console_errors(site, browser, path):
    watched = WatchedPage.open(browser)

    response = watched.page.goto(site.url + path)

    assert response.status == (404 if path == "/no-such-page/" else 200)
    # Chromium logs the document's own 404 status as a console error; anything else counts.
    errors = [e for e in watched.errors if f"'url': '{site.url + path}'" not in e]
    assert watched.page.locator(".topbar .brand-name").inner_text() == "ShadowVault"
    assert errors == []


def test_the_home_page_shows_the_glass_look_and_tenant_accent(site, browser):
    watched = WatchedPage.open(browser)
    watched.page.goto(site.url + "/")

    accent = watched.page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()"
    )
    blur = watched.page.evaluate("getComputedStyle(document.querySelector('.hero')).backdropFilter")

    assert accent == "#8b5cf6"
    assert "blur" in blur
    watched.screenshot("home-desktop")


def test_the_demo_operator_signs_in_and_reaches_the_admin(site, browser):
    watched = WatchedPage.open(browser)
    page = watched.page
    page.goto(site.url + "/account/login/")

    page.fill("input[name=username]", DEMO_USERNAME)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.click("text=Admin")

    assert page.url == site.url + "/admin/"
    assert page.locator("#site-name").inner_text().startswith("ShadowVault")
    assert watched.errors == []
    watched.screenshot("admin-index")


def test_on_a_360px_phone_nothing_scrolls_sideways_and_the_menu_opens(site, browser):
    watched = WatchedPage.open(browser, **PHONE)
    page = watched.page
    page.goto(site.url + "/")

    hidden_before = not page.locator("#site-nav").is_visible()
    page.click(".nav-toggle")

    assert watched.has_no_horizontal_scroll()
    assert hidden_before
    assert page.locator("#site-nav a", has_text="Sign in").is_visible()
    assert page.get_attribute(".nav-toggle", "aria-expanded") == "true"
    assert watched.errors == []
    watched.screenshot("home-phone-menu")


def test_without_javascript_the_menu_is_still_reachable(site, browser):
    watched = WatchedPage.open(browser, java_script_enabled=False, **PHONE)
    watched.page.goto(site.url + "/")

    assert watched.page.locator("#site-nav a", has_text="Sign in").is_visible()
    assert watched.has_no_horizontal_scroll()
