"""Issue 16's story, end to end in Debian's Chromium against a real install behind the nginx
gateway, with the Stripe double (tests/support/stripe_double.py) standing in for Stripe:

an operator creates a site with a plan in the admin's one form; the gateway starts serving
its new hostname; its owner accepts the mailed invitation, brands the site and sets a paid
viewer plan in the console; a viewer invited by link subscribes through Checkout and loses
the ads; a fourth stream past the plan's three is refused; the nightly figures show as
charts; a report takes the film down on that site only.

The new site lives under `sites.localhost`: Chromium resolves every `*.localhost` name to
the loopback address itself (no DNS), which is what a wildcard record does for an operator.
Mail goes to the origin's output (the console backend `make run` uses): the invitation link
is read from there, as an operator reads it from a log.
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.request
from urllib.parse import urlsplit

import pytest

from tests.support.browser import DESKTOP, PHONE, WatchedPage, sign_in
from tests.support.live_site import DEMO_PASSWORD, DEMO_USERNAME, live_site
from tests.support.services import need_binary, wait_until
from tests.support.stripe_double import (
    SECRET_KEY,
    WEBHOOK_PATH,
    WEBHOOK_SECRET,
    StripeDouble,
    signature,
)

pytestmark = pytest.mark.browser

BASE_DOMAIN = "sites.localhost"
OWNER_EMAIL = "owner@story.example"
OWNER, VIEWER = "storyowner", "storyviewer"
PASSWORD = "a password for the franchise story 5"
AGENTS = [
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0",
]

# The operator's site plan, and a film a minute long that the demo site shows too.
SETUP = """
import json
from django.conf import settings
from stored_media.objects import store_file
from streaming.catalogue.sample_media import make_sample_video
from streaming.models import MediaFile, Title
from tenants.models import SitePlan

SitePlan.objects.create(
    name="Studio", streams_per_viewer=3, monthly_price="29.00", currency="EUR"
)
video = make_sample_video(settings.DATA_DIR / "minute.mp4", seconds=60)
title = Title.objects.create(title="A Minute", year=2025, status="published")
media = MediaFile.objects.create(
    title=title, stored=store_file(video, "A Minute.mp4", kind="mp4"), duration_seconds=60.0,
    quality_label="360p", width=640, height=360,
)
print(json.dumps({"title": title.pk, "slug": title.slug, "media": media.pk}))
"""

# The night after: a month of history before yesterday, the story's own plays moved to
# yesterday (they were made today, which is not over), and the nightly roll-up of yesterday
# through its command, which reads them.
ROLL_UP = """
import json
from datetime import timedelta
from django.core.management import call_command
from figures.models import SiteDay, WatchActivity
from figures.roll_up import today_utc
from tenants.models import Tenant
from tests.support.figures_rows import fill_days

site = Tenant.objects.get(slug="story")
yesterday = today_utc() - timedelta(days=1)
fill_days(site, 29, last=yesterday - timedelta(days=1))
WatchActivity.objects.filter(tenant=site).update(day=yesterday)
call_command("roll_up_figures", "--day", str(yesterday))
print(json.dumps({"views": SiteDay.objects.get(tenant=site, day=yesterday).views}))
"""


@pytest.fixture(scope="module")
def stripe():
    with StripeDouble() as double:
        yield double


@pytest.fixture(scope="module")
def install(tmp_path_factory, stripe):
    folder = tmp_path_factory.mktemp("franchise-story")
    run_dir = folder / "gateway"
    nginx = need_binary("nginx")
    env = {
        "SITES_BASE_DOMAIN": BASE_DOMAIN,
        "BILLING_PROVIDER": "stripe",
        "STRIPE_SECRET_KEY": SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": stripe.url,
        # The gateway serves a new site's hostname once the app rewrites its map and reloads it.
        "GATEWAY_HOSTS_FILE": str(run_dir / "site_hosts.map"),
        "GATEWAY_RELOAD_COMMAND": f"{nginx} -p {run_dir} -c {run_dir / 'nginx.conf'} -s reload",
    }
    with live_site(folder, env=env) as site:
        site.films = site.shell_json(SETUP)
        site.serve_behind_gateway()
        yield site


def story_url(install) -> str:
    return f"http://story.{BASE_DOMAIN}:{urlsplit(install.url).port}"


def deliver(install, events: list[dict]) -> None:
    """Stripe's webhook calls, signed as Stripe signs them, to the new site through nginx."""
    for event in events:
        body = json.dumps(event).encode()
        request = urllib.request.Request(
            install.url + WEBHOOK_PATH,
            data=body,
            headers={
                "Content-Type": "application/json",
                "Stripe-Signature": signature(body),
                "Host": f"story.{BASE_DOMAIN}:{urlsplit(install.url).port}",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200


def invitation_link(install) -> str:
    found = re.findall(r"/account/invite/[A-Za-z0-9_\-]+/", install.logs())
    assert found, "no invitation mail in the origin's output"
    return found[-1]


def playing(page) -> None:
    page.wait_for_selector("#player[data-ready]", state="attached")
    if page.evaluate("document.getElementById('player-video').paused"):
        page.keyboard.press("k")
    page.wait_for_function("document.getElementById('player-video').currentTime > 0.3")


def shoot(watched: WatchedPage, name: str) -> None:
    """A README picture: test-artifacts/screenshots/<name>.png, copied to docs/images/."""
    taken = watched.screenshot(name)
    docs = taken.parents[2] / "docs" / "images"
    if docs.is_dir():
        shutil.copy(taken, docs / taken.name)


def test_the_franchise_story(install, browser, stripe):
    site = story_url(install)
    films = install.films

    # 1. The operator creates a site with a plan in one form.
    operator = sign_in(browser, install.url, DEMO_USERNAME, DEMO_PASSWORD).page
    operator.goto(install.url + "/admin/tenants/tenant/create/")
    operator.fill("input[name=name]", "Story Cinema")
    operator.fill("input[name=subdomain]", "story")
    operator.select_option("select[name=plan]", label="Studio")
    operator.fill("input[name=owner_email]", OWNER_EMAIL)
    operator.click("input[type=submit][value='Create the site']")
    operator.wait_for_selector(".messagelist")
    assert "story." + BASE_DOMAIN in operator.inner_text(".messagelist")

    # The gateway follows: the new hostname answers through nginx without a hand re-render.
    wait_until(lambda: _served(install, site), 15, "the gateway to serve the new hostname")

    # 2. Its owner accepts the mailed invitation with a new account.
    owner_watched = WatchedPage.open(browser, **DESKTOP)
    owner = owner_watched.page
    owner.goto(site + invitation_link(install))
    _create_account(owner, site, OWNER)  # the mailed address is the account's

    # 3. The owner brands the site; the live preview follows the colour before saving.
    owner.goto(site + "/console/branding/")
    owner.fill("input[name=tagline]", "Films for the whole street")
    owner.fill("input[name=accent_colour]", "#e11d48")
    owner.wait_for_function(
        "document.querySelector('[data-preview]').style.getPropertyValue('--accent') === '#e11d48'"
    )
    owner.click("form[data-branding-form] button:has-text('Save')")
    owner.wait_for_selector(".messages")
    owner_watched.screenshot("story-branding")  # test-artifacts only: docs has the console's
    owner.goto(site + "/")
    assert "Films for the whole street" in owner.content()
    assert "#e11d48" in owner.content()

    # 4. The owner sets a free plan with ads as the default, and a paid one without.
    _new_plan(owner, site, "Free", "0", ads=True)
    _new_plan(owner, site, "Premium", "4.99", ads=False)
    owner.goto(site + "/console/plans/")
    owner.locator("tr", has_text="Free").locator("button:has-text('Make default')").click()
    owner.wait_for_selector(".messages")
    owner.goto(site + "/console/plans/")
    plans = owner.inner_text("main")
    assert "Premium" in plans
    assert "4.99" in plans

    # The owner invites the viewer with a shareable link (shown once).
    owner.goto(site + "/console/invitations/")
    owner.click("button:has-text('Make the link')")
    shown = owner.locator("#share-link").input_value()
    link = re.search(r"/account/invite/[A-Za-z0-9_\-]+/", shown)
    assert link, f"the console showed no invitation link: {shown!r}"

    # 5. The viewer joins, sees ads on the free plan, subscribes through Checkout, loses them.
    viewer_watched = WatchedPage.open(browser, **PHONE)
    viewer = viewer_watched.page
    viewer.goto(site + link.group(0))
    _create_account(viewer, site, VIEWER, "viewer@story.example")
    viewer.goto(site + "/account/")
    assert "With ads" in viewer.inner_text(".account-plan")

    hosted = []
    viewer.route(
        "https://checkout.stripe.com/**",
        lambda route: (
            hosted.append(route.request.url),
            route.fulfill(content_type="text/html", body="<h1>Stripe Checkout (double)</h1>"),
        ),
    )
    viewer.goto(site + "/billing/")
    viewer.locator("form[action*='/billing/subscribe/'] button").first.click()
    viewer.wait_for_selector("text=Stripe Checkout (double)")
    session_id = hosted[-1].rsplit("/", 1)[-1]
    deliver(install, stripe.complete_checkout(session_id))
    viewer.goto(site + "/account/")
    plan = viewer.inner_text(".account-plan")
    assert "Premium" in plan
    assert "No ads" in plan

    # 6. Three devices play; a fourth is refused with the message naming them.
    devices = [
        sign_in(browser, site, VIEWER, PASSWORD, **DESKTOP, user_agent=agent)
        for agent in AGENTS[:3]
    ]
    for watched in devices:
        watched.page.goto(f"{site}/watch/{films['media']}/")
        playing(watched.page)
    fourth = sign_in(browser, site, VIEWER, PASSWORD, **PHONE, user_agent=AGENTS[3])
    fourth.page.goto(f"{site}/watch/{films['media']}/")
    panel = fourth.page.locator("#player-streams")
    panel.wait_for(state="visible")
    assert "You are already watching on 3 devices, your plan allows 3." in panel.inner_text()
    shoot(fourth, "story-fourth-stream")
    for watched in (*devices, fourth):  # the devices go home (they would save progress on)
        watched.page.context.close()

    # 7. The night's roll-up: the figures page draws them as charts.
    assert install.shell_json(ROLL_UP)["views"] >= 1  # the devices' plays, counted
    owner.goto(site + "/console/figures/?days=30")
    assert owner.locator("svg").count() >= 4
    shoot(owner_watched, "story-figures")
    owner.goto(site + "/console/")
    shoot(owner_watched, "story-console-overview")

    # 8. The viewer reports the film; the operator unpublishes it on this site only.
    viewer.goto(f"{site}/takedowns/report/title/{films['title']}/")
    viewer.select_option("select[name=reason]", "copyright")
    viewer.fill("textarea[name=details]", "This film is ours and was uploaded without a licence.")
    viewer.fill("input[name=contact_email]", "rights@studio.example")
    viewer.fill("input[name=work]", "A Minute (2025)")
    viewer.fill("input[name=claimant]", "Studio Rights Ltd")
    viewer.locator("main form button[type=submit]").click()
    viewer.wait_for_load_state()

    operator.goto(install.url + "/admin/takedowns/report/")
    operator.locator("input[name=_selected_action]").first.check()
    operator.select_option("select[name=action]", "unpublish_here")
    operator.click("button[name=index]")
    operator.fill("textarea[name=why], input[name=why]", "Copyright claim accepted.")
    operator.click("input[type=submit].default")
    operator.wait_for_selector(".messagelist")

    gone = viewer.goto(f"{site}/title/{films['slug']}/")
    assert gone.status == 404
    still = operator.goto(f"{install.url}/title/{films['slug']}/")
    assert still.status == 200

    # Chromium logs each refused call as a console error: the fourth device's 409s and the
    # taken-down title's 404 are the story's own; nothing else may show.
    expected = ("409", f"/title/{films['slug']}/")
    for watched in (owner_watched, viewer_watched, fourth, *devices):
        assert [e for e in watched.errors if not any(x in e for x in expected)] == []


def _served(install, site: str) -> bool:
    """nginx answers a hostname outside its map with its own 404; the site's home, once in."""
    request = urllib.request.Request(install.url + "/", headers={"Host": urlsplit(site).netloc})
    try:
        with urllib.request.urlopen(request, timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def _create_account(page, site: str, username: str, email: str = "") -> None:
    """The invitation page's "Create an account" form (its fields are prefixed `new-`)."""
    page.fill("input[name=new-username]", username)
    if email:
        page.fill("input[name=new-email]", email)
    page.fill("input[name=new-password1]", PASSWORD)
    page.fill("input[name=new-password2]", PASSWORD)
    page.click("button:has-text('Create account and join')")
    page.wait_for_url(site + "/")


def _new_plan(page, site: str, name: str, price: str, *, ads: bool) -> None:
    page.goto(site + "/console/plans/new/")
    page.fill("input[name=name]", name)
    page.fill("input[name=price]", price)
    box = page.locator("input[name=ads]")
    if box.is_checked() != ads:
        box.click()
    page.click("button:has-text('Make the plan')")
    page.wait_for_selector(".messages")
