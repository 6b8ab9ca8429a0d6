"""Banners in Debian's Chromium, behind the gateway: a visitor on a plan with ads sees the
house banner on the home page, its pixel counts the impression, and a click opens the
campaign's link in a new tab (through our click counter); a third-party tag on the title
page loads in its sandboxed frame from another origin, which the page's policy lets in,
and its script cannot read the page's cookies. On the reader, the banner is a strip above
the bottom bar that hides with the bars."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.support.browser import DESKTOP, WatchedPage
from tests.support.services import wait_until

pytestmark = pytest.mark.browser

# The network's banner: its script reports what it could read of the cookies.
TAG_PAGE = b"""<!doctype html><title>Banner</title>
<p id="ad">An ad from the network</p>
<script>
let cookies = "";
try { cookies = "read: " + document.cookie; } catch (error) { cookies = "refused"; }
document.getElementById("ad").dataset.cookies = cookies;
</script>"""

SETUP = """
import json
from readvault.models import Chapter
from streaming.models import Title
from tenants.models import Domain, ViewerPlan
from tests.support.banner_rows import house_banner, tag_banner
site = Domain.objects.get(hostname="127.0.0.1").tenant
ViewerPlan.objects.create(tenant=site, name="Free", is_default=True, ads=True)
house = house_banner(site, "home", "reader", banner_link="{link}")
tag_banner(site, "title", url="{tag}")
chapter = Chapter.objects.order_by("pk").first().pk
print(json.dumps({{"house": house.pk, "title": Title.objects.get().slug, "chapter": chapter}}))
"""

COUNTS = """
import json
from ads.models import CampaignDay
days = CampaignDay.objects.filter(campaign_id={pk})
counts = {{"impressions": sum(d.impressions for d in days), "clicks": sum(d.clicks for d in days)}}
print(json.dumps(counts))
"""


class _Tag(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(TAG_PAGE)))
        self.end_headers()
        self.wfile.write(TAG_PAGE)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def network():
    """The ad network's server: another origin than the site's."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tag)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def site(browser_site, network):
    browser_site.reset()
    script = SETUP.format(link=browser_site.url + "/browse/", tag=network + "/banner")
    site = browser_site
    site.made = site.shell_json(script)
    yield site
    browser_site.reset()


def test_a_house_banner_shows_counts_and_opens_its_link_in_a_new_tab(site, browser):
    watched = WatchedPage.open(browser, **DESKTOP)
    page = watched.page
    page.goto(site.url + "/")

    banner = page.locator(".ad-slot-home .ad-banner img")
    banner.wait_for()
    assert page.evaluate("document.querySelector('.ad-slot-home .ad-banner img').naturalWidth") > 0
    with page.expect_popup() as opened:
        banner.click()
    tab = opened.value
    tab.wait_for_load_state()

    watched.screenshot("ads-banner-home")
    assert tab.url == site.url + "/browse/"
    assert page.url == site.url + "/"  # the page itself stays
    counts = COUNTS.format(pk=site.made["house"])
    wait_until(lambda: site.shell_json(counts) == {"impressions": 1, "clicks": 1}, 20, "counts")
    assert watched.errors == []


def test_a_tag_loads_sandboxed_from_its_own_origin_away_from_our_cookies(site, browser):
    watched = WatchedPage.open(browser, **DESKTOP)
    page = watched.page
    page.goto(f"{site.url}/title/{site.made['title']}/")
    page.locator(".ad-frame").scroll_into_view_if_needed()

    ad = page.frame_locator(".ad-frame").locator("#ad")
    ad.wait_for()

    assert ad.get_attribute("data-cookies") == "refused"
    assert watched.errors == []  # among them, any frame the policy refused


def test_on_the_reader_the_banner_sits_above_the_bottom_bar_and_hides_with_it(site, browser):
    watched = WatchedPage.open(browser, **DESKTOP)
    page = watched.page
    page.goto(f"{site.url}/read/{site.made['chapter']}/")
    slot = page.locator(".ad-slot-reader")
    slot.wait_for()

    box = slot.bounding_box()
    controls = page.locator("#reader-slider").bounding_box()
    assert box["y"] + box["height"] <= controls["y"]  # above the bar's controls
    assert box["height"] > 30  # the picture shows, not just the label
    watched.screenshot("ads-banner-reader")
    page.keyboard.press("ArrowLeft")  # turning a page hides the bars
    page.wait_for_function(
        "() => document.querySelector('.ad-slot-reader').getBoundingClientRect().top"
        " >= window.innerHeight - 1"
    )
    assert watched.errors == []
