"""The installable site and the account pages in Debian's Chromium against a real server:
the service worker registers and takes control, caches the shell and nothing private, shows
the offline page without a network; a viewer keeps a watchlist; a phone scrolls no sideways."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from tests.support.browser import DESKTOP, PHONE, WatchedPage, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a viewer password for the tests 9"

# Two viewers of the default site: "viewer" starts with nothing; a second one, with a long
# name, already has the sample film on their watchlist and in their history.
VIEWERS = """
import json
from django.contrib.auth import get_user_model
from streaming.models import MediaFile, WatchlistEntry, WatchProgress
from tenants.models import Membership, Tenant

site = Tenant.objects.get(slug="default")
sample = MediaFile.objects.select_related("title").get(title__title="ShadowVault Sample")
users = {}
for name in ("viewer", "cinephile_with_a_rather_long_name"):
    users[name] = get_user_model().objects.create_user(name, password=__PASSWORD__)
    Membership.objects.create(tenant=site, user=users[name])
busy = users["cinephile_with_a_rather_long_name"]
WatchlistEntry.objects.create(tenant=site, user=busy, title=sample.title)
WatchProgress.objects.create(
    tenant=site, user=busy, media_file=sample, position_seconds=4, duration_seconds=10
)
print(json.dumps({"media": sample.pk, "slug": sample.title.slug, "busy": busy.username}))
"""

CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(request.url);
  }
  return urls;
}"""

# Elements whose right edge passes the viewport, unless a parent scrolls or clips sideways (a
# shelf of cards scrolls inside itself: that is not the page scrolling).
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth;
  const insideAScroller = (element) => {
    let parent = element.parentElement;
    for (; parent && parent !== document.body; parent = parent.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(parent).overflowX)) return true;
    }
    return false;
  };
  return [...document.body.querySelectorAll("*")]
    .filter((element) => element.getClientRects().length)
    .filter((element) => element.getBoundingClientRect().right > width + 1)
    .filter((element) => !insideAScroller(element))
    .map((element) => `${element.tagName}.${element.className}`);
}"""


@pytest.fixture(scope="module")
def site(browser_site):
    browser_site.reset()
    browser_site.facts = browser_site.shell_json(VIEWERS.replace("__PASSWORD__", repr(PASSWORD)))
    return browser_site


def signed_in(site, browser, username: str = "viewer", **options) -> WatchedPage:
    return sign_in(browser, site.url, username, PASSWORD, **options)


def under_the_worker(page) -> None:
    """Wait until the worker is active, then reload so that it controls the page."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def shell_of(page, site) -> set[str]:
    script = page.request.get(site.url + "/sw.js").text()
    line = next(line for line in script.splitlines() if line.startswith("const SHELL = "))
    return {site.url + path for path in json.loads(line.removeprefix("const SHELL = ")[:-1])}


def test_the_service_worker_registers_and_controls_the_page_after_a_reload(site, browser):
    watched = WatchedPage.open(browser, **DESKTOP)
    page = watched.page
    page.goto(site.url + "/")

    scope = page.evaluate(
        "navigator.serviceWorker.ready.then((registration) => registration.scope)"
    )
    page.reload()
    controller = page.evaluate("navigator.serviceWorker.controller?.scriptURL")

    assert scope == site.url + "/"
    assert controller == site.url + "/sw.js"
    assert watched.errors == []


def test_the_manifest_is_linked_its_icons_load_and_chromium_can_install_the_site(site, browser):
    watched = WatchedPage.open(browser, **DESKTOP)
    page = watched.page
    page.goto(site.url + "/")
    under_the_worker(page)

    manifest = page.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then((r) => r.json())"
    )
    loaded = page.evaluate(
        """(icons) => Promise.all(icons.map((icon) => new Promise((resolve) => {
          const image = new Image();
          image.onload = () => resolve(`${image.naturalWidth}x${image.naturalHeight}`);
          image.onerror = () => resolve("failed");
          image.src = icon.src;
        })))""",
        manifest["icons"],
    )
    devtools = page.context.new_cdp_session(page)
    app_manifest = devtools.send("Page.getAppManifest")
    installability = devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]

    assert manifest["name"] == "ShadowVault"
    assert loaded == [icon["sizes"] for icon in manifest["icons"]]
    assert app_manifest["url"] == site.url + "/manifest.webmanifest"
    assert app_manifest["errors"] == []
    # Playwright's contexts are off the record, where Chromium never offers to install.
    assert [e for e in installability if e["errorId"] != "in-incognito"] == []
    assert watched.errors == []


def test_after_browsing_and_watching_the_caches_hold_only_the_shell(site, browser):
    watched = signed_in(site, browser)
    page = watched.page
    under_the_worker(page)

    for path in ("/browse/", f"/title/{site.facts['slug']}/", "/search/?q=sample", "/account/"):
        page.goto(site.url + path)
    page.goto(f"{site.url}/watch/{site.facts['media']}/")
    # The video's metadata came in byte ranges of a signed /media/ link, under the worker.
    page.wait_for_function("document.querySelector('video')?.readyState >= 1")
    page.goto(site.url + "/")
    cached = set(page.evaluate(CACHED_URLS))

    assert cached == shell_of(page, site)
    paths = [urlsplit(url).path for url in cached]
    assert not [p for p in paths if p.startswith(("/media/", "/watch/", "/account/", "/api/"))]
    assert watched.errors == []


def test_an_offline_navigation_shows_the_offline_page_and_try_again_recovers(site, browser):
    watched = WatchedPage.open(browser, **DESKTOP)
    page = watched.page
    page.goto(site.url + "/")
    under_the_worker(page)

    page.context.set_offline(True)
    page.goto(site.url + "/browse/")
    heading = page.locator("h1").inner_text()
    styled = page.evaluate("getComputedStyle(document.querySelector('.error-page')).backdropFilter")
    watched.screenshot("offline")
    page.context.set_offline(False)
    with page.expect_navigation():
        page.get_by_role("link", name="Try again").click()

    assert heading == "You are offline"
    assert "blur" in styled  # site.css came from the worker's cache
    assert page.url == site.url + "/browse/"
    assert page.locator("h1").inner_text() == "Browse"
    assert watched.errors == []


def test_a_viewer_keeps_a_title_on_the_watchlist_and_removes_it_from_the_account(site, browser):
    watched = signed_in(site, browser)
    page = watched.page

    page.goto(f"{site.url}/title/{site.facts['slug']}/")
    page.click("button:has-text('+ Watchlist')")
    page.click(".topbar a:has-text('viewer')")
    page.wait_for_url(site.url + "/account/")
    overview_titles = page.locator(
        ".shelf:has(#shelf-watchlist) .title-card-name"
    ).all_inner_texts()
    page.click(".shelf:has(#shelf-watchlist) a:has-text('See all')")
    page.wait_for_url(site.url + "/account/watchlist/")
    listed = page.locator(".title-grid .title-card-name").all_inner_texts()
    watched.screenshot("account-watchlist")
    page.click("button:has-text('Remove')")

    assert overview_titles == ["ShadowVault Sample"]
    assert listed == ["ShadowVault Sample"]
    assert page.locator(".messages").inner_text() == "“ShadowVault Sample” is off your watchlist."
    assert page.locator(".empty-state h2").inner_text() == "Your watchlist is empty"
    assert watched.errors == []


@pytest.mark.parametrize("path", ["/account/", "/account/watchlist/", "/account/history/"])
def test_on_a_360px_phone_the_account_pages_do_not_scroll_sideways(site, browser, path):
    watched = signed_in(site, browser, site.facts["busy"], **PHONE)
    page = watched.page

    page.goto(site.url + path)

    assert page.locator(".title-card").count() >= 1
    assert watched.has_no_horizontal_scroll()
    assert page.evaluate(STICKING_OUT) == []
    assert watched.errors == []
    watched.screenshot("account-phone-" + (path.strip("/").replace("/", "-")))
