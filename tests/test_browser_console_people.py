"""The console's people pages in Debian's Chromium against a real install: a site admin
makes a paid viewer plan and a shareable invitation link; a newcomer opens the link, makes
an account and sees the plan to subscribe to; the members page lists them (the screenshot
for docs/images/console-members.png, copied from test-artifacts/screenshots/)."""

from __future__ import annotations

import pytest

from tests.support.browser import PHONE, WatchedPage, sign_in

pytestmark = pytest.mark.browser

OWNER, PASSWORD = "owner", "a site owner's password for the console tests 5"
NEWCOMER = "newcomer"

SETUP = f"""
import json
from django.contrib.auth import get_user_model
from tenants.models import Domain, Membership

site = Domain.objects.get(hostname="127.0.0.1").tenant
owner = get_user_model().objects.create_user("{OWNER}", "owner@example.com", "{PASSWORD}")
Membership.objects.create(tenant=site, user=owner, role="admin")
print(json.dumps({{"site": site.name}}))
"""


@pytest.fixture(scope="module")
def site(browser_site):
    browser_site.reset()
    browser_site.shell_json(SETUP)
    yield browser_site
    browser_site.reset()


def test_an_owner_makes_a_paid_plan_and_invites_by_link(site, browser):
    owner = sign_in(browser, site.url, OWNER, PASSWORD)
    page = owner.page

    page.goto(f"{site.url}/console/plans/new/")
    page.fill("input[name=name]", "Premium")
    page.fill("input[name=price]", "4.99")
    page.fill("input[name=currency]", "EUR")
    page.uncheck("input[name=ads]")
    page.select_option("select[name=max_height]", "1080")
    page.click("button:has-text('Make the plan')")
    page.wait_for_url(f"{site.url}/console/plans/")
    assert "€4.99" in page.locator("table").inner_text()

    page.goto(f"{site.url}/console/invitations/")
    page.fill("input[name=link-uses]", "5")
    page.click("button:has-text('Make the link')")
    link = page.locator("#share-link").input_value()
    assert "/account/invite/" in link
    path = link[link.index("/account/invite/") :]

    newcomer = WatchedPage.open(browser, **PHONE)
    newcomer.page.goto(site.url + path)
    form = newcomer.page.locator("form:has(input[name=new-username])")
    form.locator("input[name=new-username]").fill(NEWCOMER)
    form.locator("input[name=new-email]").fill("newcomer@example.com")
    form.locator("input[name=new-password1]").fill(PASSWORD)
    form.locator("input[name=new-password2]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    newcomer.page.wait_for_url(site.url + "/")
    newcomer.page.goto(f"{site.url}/billing/")
    assert "Premium" in newcomer.page.content()
    assert newcomer.page.locator("button:has-text('Subscribe')").count() == 1

    page.goto(f"{site.url}/console/invitations/")
    assert "1 of 5" in page.locator("table").inner_text()
    assert page.locator("#share-link").count() == 0  # shown once
    page.goto(f"{site.url}/console/members/")
    assert NEWCOMER in page.locator("table").inner_text()
    owner.screenshot("console-members")
    assert owner.errors == []
    assert newcomer.errors == []


def test_the_members_page_fits_a_phone(site, browser):
    owner = sign_in(browser, site.url, OWNER, PASSWORD, **PHONE)

    owner.page.goto(f"{site.url}/console/members/")

    assert owner.has_no_horizontal_scroll()
    assert owner.errors == []
