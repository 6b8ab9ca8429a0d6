"""ReadVault's site pages in Debian's Chromium, through the nginx gateway, on a 390 px phone:
the manga grid, the sample manga's page, the home rows and the Reading tab fit the screen
(nothing scrolls sideways) without console errors, and the chapter buttons work."""

from __future__ import annotations

import pytest

from tests.support.browser import sign_in
from tests.support.live_site import DEMO_PASSWORD, DEMO_USERNAME

pytestmark = pytest.mark.browser

PHONE_390 = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}


@pytest.fixture(scope="module")
def site(browser_site):
    browser_site.reset()
    return browser_site


@pytest.fixture(scope="module")
def phone(site, browser):
    return sign_in(browser, site.url, DEMO_USERNAME, DEMO_PASSWORD, **PHONE_390)


def series_url(site, phone) -> str:
    phone.page.goto(site.url + "/manga/")
    return phone.page.locator(".title-grid a.title-card").first.get_attribute("href")


def test_the_chapter_buttons_mark_read_and_the_main_button_follows(site, phone):
    page = phone.page
    page.goto(site.url + series_url(site, phone))
    assert page.locator(".actions a.button").inner_text() == "Start reading"

    page.locator(".series-chapter button", has_text="Mark as read").first.click()
    page.wait_for_selector(".series-chapter-read")

    assert page.locator(".actions a.button").inner_text() == "Continue chapter 2, page 1"
    assert "Read" in page.locator(".series-chapter-read .series-state").inner_text()
    page.locator("button", has_text="Want to read").click()
    page.wait_for_selector("button[aria-pressed=true]")
    assert phone.errors == []


@pytest.mark.parametrize(
    "path", ["/manga/", "series", "/", "/account/reading/", "/account/reading/history/"]
)
def test_each_page_fits_a_390px_phone(site, phone, path):
    url = series_url(site, phone) if path == "series" else path
    phone.page.goto(site.url + url)

    assert phone.has_no_horizontal_scroll(), url
    assert phone.errors == []
    name = "series" if path == "series" else path.strip("/").replace("/", "-") or "home"
    phone.screenshot(f"readvault-site-{name}-390")
