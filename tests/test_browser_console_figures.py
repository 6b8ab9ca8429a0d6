"""The console's Figures page in Debian's Chromium against a real install: a month of daily
figures (tests/support/figures_rows.py) as server-rendered charts, no console errors, nothing
scrolling sideways on a phone; its screenshot is docs/images/console-figures.png."""

from __future__ import annotations

import pytest

from tests.support.browser import PHONE, sign_in
from tests.support.live_site import DEMO_PASSWORD, DEMO_USERNAME
from tests.support.services import REPO

pytestmark = pytest.mark.browser

SCREENSHOT = REPO / "docs" / "images" / "console-figures.png"
# The install's site (the one 127.0.0.1 names) gets 30 days of figures up to yesterday.
SETUP = """
import json
from tenants.models import Domain
from tests.support.figures_rows import fill_days
site = Domain.objects.get(hostname="127.0.0.1").tenant
print(json.dumps({"days": len(fill_days(site, 30))}))
"""


@pytest.fixture(scope="module")
def site(browser_site):
    browser_site.reset()
    assert browser_site.shell_json(SETUP) == {"days": 30}
    yield browser_site
    browser_site.reset()


def test_a_month_of_figures_shows_as_charts_with_its_tops(site, browser):
    watched = sign_in(browser, site.url, DEMO_USERNAME, DEMO_PASSWORD)
    page = watched.page
    page.goto(site.url + "/console/figures/")

    charts = page.locator(".figures-chart svg[role=img]")
    assert charts.count() == 6
    assert page.locator(".figures-chart svg").first.bounding_box()["width"] > 300
    assert page.locator("#top-titles + table tbody tr").count() >= 1
    assert watched.errors == []
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    watched.screenshot("console-figures")


def test_on_a_phone_the_charts_fit_and_nothing_scrolls_sideways(site, browser):
    watched = sign_in(browser, site.url, DEMO_USERNAME, DEMO_PASSWORD, **PHONE)
    page = watched.page
    page.goto(site.url + "/console/figures/?days=90")

    width = page.evaluate("document.documentElement.clientWidth")
    boxes = [box["width"] for box in page.locator(".figures-chart svg").evaluate_all(
        "svgs => svgs.map(svg => svg.getBoundingClientRect().toJSON())")]  # fmt: skip

    assert watched.has_no_horizontal_scroll()
    assert boxes
    assert all(0 < w <= width for w in boxes)
    assert watched.errors == []
    watched.screenshot("console-figures-phone")
