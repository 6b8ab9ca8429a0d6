"""The console's Ads section in Debian's Chromium against a real install: the campaign list,
the form, and a month of a campaign's counts (tests/support/campaign_rows.py) as
server-rendered charts, with no console errors and nothing scrolling sideways on a phone;
its screenshot is docs/images/console-ads-report.png."""

from __future__ import annotations

import pytest

from tests.support.browser import PHONE, sign_in
from tests.support.live_site import DEMO_PASSWORD, DEMO_USERNAME
from tests.support.services import REPO

pytestmark = pytest.mark.browser

SCREENSHOT = REPO / "docs" / "images" / "console-ads-report.png"
# The install's site (the one 127.0.0.1 names): a paused campaign of its own with 30 days of
# counts up to today, and one of the operator's.
SETUP = """
import json
from tenants.models import Domain
from tests.support.campaign_rows import fill_days, vast_campaign
site = Domain.objects.get(hostname="127.0.0.1").tenant
campaign = vast_campaign(site, "Spring sale", active=False)
vast_campaign(None, "Operator network", active=False)
print(json.dumps({"days": len(fill_days(campaign, site, 30)), "id": campaign.pk}))
"""


@pytest.fixture(scope="module")
def site(browser_site):
    browser_site.reset()
    made = browser_site.shell_json(SETUP)
    assert made["days"] == 30
    browser_site.campaign_id = made["id"]
    yield browser_site
    browser_site.reset()


def test_the_list_the_form_and_the_report_show_without_errors(site, browser):
    watched = sign_in(browser, site.url, DEMO_USERNAME, DEMO_PASSWORD)
    page = watched.page

    page.goto(site.url + "/console/ads/")
    rows = page.locator(".console-table tbody tr").count()
    page.goto(site.url + f"/console/ads/{site.campaign_id}/")
    placements = page.locator(".ads-placement").count()
    page.goto(site.url + f"/console/ads/{site.campaign_id}/report/")
    charts = page.locator(".figures-chart svg[role=img]").count()

    assert rows == 2  # the site's own and the operator's
    assert placements == 4  # its two and two empty ones
    assert charts == 6
    assert watched.errors == []
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    watched.screenshot("console-ads-report")


def test_on_a_phone_the_report_and_the_form_fit(site, browser):
    watched = sign_in(browser, site.url, DEMO_USERNAME, DEMO_PASSWORD, **PHONE)
    page = watched.page

    page.goto(site.url + "/console/ads/report/?days=90")
    report_fits = watched.has_no_horizontal_scroll()
    page.goto(site.url + "/console/ads/new/")
    form_fits = watched.has_no_horizontal_scroll()

    assert (report_fits, form_fits) == (True, True)
    assert watched.errors == []
