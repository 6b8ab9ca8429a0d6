"""Video ads in the player, in Debian's Chromium against a real install behind the nginx
gateway (static/js/player/ad-*.js, ads/views.py): a pre-roll then the content; skipping after
the offset, with a click-through that pauses; a mid-roll at 50 % that plays once however the
viewer seeks around it; broken ad-network tags (tests/support/vast_double.py) that let the
content play within 2 s; and a viewer on an ad-free plan whose page makes no ad request.

One campaign runs throughout: a hosted 4-second creative (a draft title's file, served for
the campaign) with a pre-roll, a mid-roll at 50 % and a post-roll, skippable after 2 s. The
broken-tag test pauses it and runs an ad-network campaign instead.
"""

from __future__ import annotations

import re

import pytest

from tests.support.browser import WatchedPage, sign_in
from tests.support.vast_double import VastDouble
from tests.support.vast_samples import EMPTY, wrapper

pytestmark = pytest.mark.browser

PASSWORD = "a password for the ads player 3"
AD_SECONDS, SKIP_AFTER = 4, 2
CLICK_THROUGH = "https://advertiser.example/spring"

SETUP = f"""
import json
from django.conf import settings
from django.contrib.auth import get_user_model
from ads.models import Campaign, Placement
from shadowvault.models import StoredSettings
from stored_media.objects import store_file
from streaming.catalogue.sample_media import make_sample_video
from streaming.models import MediaFile, Title
from tenants.models import Domain, Membership, ViewerPlan

site = Domain.objects.get(hostname="127.0.0.1").tenant
free = ViewerPlan.objects.create(tenant=site, name="Free", ads=True, is_default=True)
premium = ViewerPlan.objects.create(tenant=site, name="Premium", ads=False, price="5.00")
for name, plan in (("adviewer", free), ("premium", premium)):
    user = get_user_model().objects.create_user(name, password="{PASSWORD}")
    Membership.objects.create(tenant=site, user=user, viewer_plan=plan)

def stored_video(name, seconds, title, status):
    path = make_sample_video(settings.DATA_DIR / f"{{name}}.mp4", seconds=seconds)
    owner = Title.objects.create(title=title, year=2026, status=status)
    return MediaFile.objects.create(
        title=owner, stored=store_file(path, f"{{name}}.mp4", kind="mp4"),
        duration_seconds=float(seconds), quality_label="360p", width=640, height=360,
    )

half_way = stored_video("half-way", 150, "Half Way", "published")
creative = stored_video("spring-ad", {AD_SECONDS}, "Ad: Spring sale", "draft")
hosted = Campaign.objects.create(
    tenant=site, name="Spring sale", creative="hosted_video", video=creative,
    click_url="{CLICK_THROUGH}", skip_after={SKIP_AFTER},
)
Placement.objects.create(campaign=hosted, where="pre_roll")
Placement.objects.create(campaign=hosted, where="mid_roll", at_percent=50)
Placement.objects.create(campaign=hosted, where="post_roll")
network = Campaign.objects.create(
    tenant=site, name="Network", creative="vast_tag", vast_tag_url="https://unset.example/",
    active=False,
)
Placement.objects.create(campaign=network, where="pre_roll")
# The ad-server double listens on loopback, which the SSRF guard lets through only when told.
StoredSettings.objects.update_or_create(
    pk=StoredSettings.SINGLETON_PK, defaults={{"ingest_allowed_hosts": "127.0.0.1"}}
)
sample = MediaFile.objects.get(title__title="ShadowVault Sample")
print(json.dumps({{"sample": sample.pk, "half_way": half_way.pk}}))
"""

# Run the network campaign with this tag instead of the hosted one.
USE_TAG = """
from ads.models import Campaign
Campaign.objects.filter(name="Spring sale").update(active=False)
Campaign.objects.filter(name="Network").update(active=True, vast_tag_url="{url}")
print("{{}}")
"""

# Timings in the page, from the first frame of the document on (performance.now(), ms): the
# content's first play event (pressing play), the ad's first frame shown, and the content's
# first frame shown outside a break. Injected by Playwright before the page's own scripts
# (not subject to CSP).
TIMINGS = """
window.adTimes = {};
const first = (name) => {
  if (!(name in window.adTimes)) window.adTimes[name] = performance.now();
};
// A frame presented on screen (requestVideoFrameCallback), not only decoded.
const shown = (video, name) => {
  if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(() => first(name));
  else first(name);
};
const isAd = (target) => target.classList && target.classList.contains("player-ad-video");
document.addEventListener("play", (e) => e.target.id === "player-video" && first("play"), true);
document.addEventListener("playing", (e) => isAd(e.target) && shown(e.target, "ad"), true);
document.addEventListener("ended", (e) => isAd(e.target) && first("adEnd"), true);
document.addEventListener("playing", (e) => {
  // The content's own frames: not the moment a break holds it at its start (data-ad is set).
  const held = document.getElementById("player").dataset.ad;
  if (e.target.id === "player-video" && !held && !e.target.paused) shown(e.target, "content");
}, true);
"""

# The day's counts of the hosted campaign, as the reports read them.
COUNTS = """
import json
from ads.models import CampaignDay
day = CampaignDay.objects.get(campaign__name="Spring sale")
print(json.dumps({"impressions": day.impressions, "starts": day.starts,
                  "completes": day.completes, "errors": day.errors}))
"""

CONTENT = "document.getElementById('player-video')"
AD_PANEL = "document.getElementById('player-ad')"


@pytest.fixture(scope="module")
def site(browser_site):
    browser_site.reset()
    browser_site.films = browser_site.shell_json(SETUP)
    yield browser_site
    browser_site.reset()  # the viewer plans and campaigns would reach the next module's pages


@pytest.fixture(scope="module")
def ad_server():
    with VastDouble() as double:
        yield double


class AdPage:
    """A signed-in viewer's watch page, with every ad request and tracker call recorded."""

    def __init__(self, watched: WatchedPage):
        self.watched = watched
        self.page = watched.page
        self.requests: list[str] = []
        self.page.add_init_script(TIMINGS)
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.tracker_statuses: list[int] = []
        self.page.on(
            "response",
            lambda answer: "/ads/t/" in answer.url and self.tracker_statuses.append(answer.status),
        )
        # The advertiser's page opens in a new tab: answered here, the machine has no Internet.
        self.page.context.route(
            "https://advertiser.example/**",
            lambda route: route.fulfill(status=200, content_type="text/html", body="<p>Sale</p>"),
        )

    def watch(self, site, media_id: int) -> None:
        self.requests.clear()
        self.page.goto(f"{site.url}/watch/{media_id}/")
        self.page.wait_for_selector("#player[data-ready]", state="attached")

    def play(self) -> None:
        """Press play with a real key (a gesture: sound allowed), unless autoplay started."""
        if not self.page.evaluate("'play' in window.adTimes"):
            self.page.keyboard.press("k")
        self.page.wait_for_function("'play' in window.adTimes")

    def breaks(self, where: str = "") -> list[str]:
        return [url for url in self.requests if "/ads/break/" in url and where in url]

    def tracked(self) -> list[str]:
        """The events our tracker was told of, in order."""
        found = (re.search(r"/ads/t/[^/]+/(\w+)/", url) for url in self.requests)
        return [match[1] for match in found if match]

    def ad_showing(self) -> None:
        self.page.wait_for_function(f"!{AD_PANEL}.hidden && 'ad' in window.adTimes")

    def content_playing(self, past: float = 0.0) -> None:
        """The ad's panel (if the page has one) hidden, the content playing past `past`, and
        its first frame recorded."""
        self.page.wait_for_function(
            f"!({AD_PANEL} && !{AD_PANEL}.hidden) && 'content' in window.adTimes"
            f" && !{CONTENT}.paused && {CONTENT}.currentTime > {past}"
        )

    def seek(self, seconds: float) -> None:
        self.page.evaluate(f"{CONTENT}.currentTime = {seconds}")

    def skip_when_offered(self) -> None:
        skip = self.page.locator('[data-action="ad-skip"]')
        self.page.wait_for_function(
            "!document.querySelector('[data-action=\"ad-skip\"]').disabled", timeout=5000
        )
        skip.click()


def viewer(site, browser, name: str = "adviewer") -> AdPage:
    return AdPage(sign_in(browser, site.url, name, PASSWORD))


def test_a_pre_roll_plays_to_its_end_then_the_content_and_a_post_roll_after_it(site, browser):
    ad = viewer(site, browser)
    ad.watch(site, site.films["sample"])
    ad.play()
    ad.ad_showing()
    label = ad.page.text_content(".player-ad-label")
    assert re.fullmatch(r"Ad · 0:0[1-4]", label), label
    # Held at its start (the play event that starts the break comes a few ms after playing).
    assert ad.page.evaluate(f"{CONTENT}.paused && {CONTENT}.currentTime < 0.2")
    assert ad.breaks("where=pre_roll"), ad.requests
    ad.watched.screenshot("player-pre-roll")

    ad.content_playing()
    times = ad.page.evaluate("window.adTimes")
    assert times["content"] - times["ad"] >= (AD_SECONDS - 0.5) * 1000  # the whole ad played
    assert ad.tracked() == [
        "impression",
        "start",
        "firstQuartile",
        "midpoint",
        "thirdQuartile",
        "complete",
    ]

    ad.seek(9)  # to the end of the 10-second film: the post-roll
    ad.page.wait_for_function(f"{CONTENT}.ended && !{AD_PANEL}.hidden")
    assert len(ad.breaks("where=post_roll")) == 1
    ad.page.wait_for_function(f"{AD_PANEL}.hidden", timeout=10_000)
    assert ad.page.evaluate(f"{CONTENT}.ended && {CONTENT}.paused")  # no replay after it
    assert ad.tracked().count("complete") == 2
    for _ in range(50):  # every tracker call answered before the counts are read
        if len(ad.tracker_statuses) >= len(ad.tracked()):
            break
        ad.page.wait_for_timeout(100)
    assert ad.tracker_statuses == [204] * len(ad.tracked())
    counts = site.shell_json(COUNTS)
    assert counts == {"impressions": 2, "starts": 2, "completes": 2, "errors": 0}
    assert ad.watched.errors == []


def test_the_viewer_skips_after_the_offset_and_a_click_opens_the_advertiser_paused(site, browser):
    ad = viewer(site, browser)
    ad.watch(site, site.films["sample"])
    ad.play()
    ad.ad_showing()
    skip = ad.page.locator('[data-action="ad-skip"]')
    assert skip.is_disabled()
    assert skip.text_content().startswith("Skip in")

    with ad.page.expect_popup() as popup:
        ad.page.click(".player-ad-video")
    assert popup.value.url == CLICK_THROUGH
    ad.page.bring_to_front()
    assert ad.page.evaluate("document.querySelector('.player-ad-video').paused")
    ad.page.click(".player-ad-video")  # back from the advertiser: the ad plays on
    ad.page.wait_for_function("!document.querySelector('.player-ad-video').paused")
    ad.page.keyboard.press(" ")  # the player's play/pause key acts on the ad, not the content
    ad.page.wait_for_function("document.querySelector('.player-ad-video').paused")
    ad.page.keyboard.press(" ")
    ad.page.wait_for_function("!document.querySelector('.player-ad-video').paused")
    assert ad.page.evaluate(f"{CONTENT}.paused")

    ad.skip_when_offered()
    ad.content_playing()
    times = ad.page.evaluate("window.adTimes")
    assert times["content"] - times["ad"] >= SKIP_AFTER * 1000
    events = ad.tracked()
    assert {"impression", "start", "click", "pause", "skip"} <= set(events), events
    assert "complete" not in events
    assert ad.watched.errors == []


def test_a_mid_roll_at_half_way_plays_once_however_the_viewer_seeks(site, browser):
    ad = viewer(site, browser)
    ad.watch(site, site.films["half_way"])  # 150 s: the mid-roll is at 75 s
    ad.play()
    ad.ad_showing()
    ad.skip_when_offered()  # the pre-roll
    ad.content_playing()
    assert ad.breaks("where=mid_roll") == []

    ad.seek(73)  # play across the point
    ad.ad_showing()
    assert [url.split("?")[1] for url in ad.breaks("where=mid_roll")] == ["where=mid_roll&at=75"]
    ad.skip_when_offered()
    ad.content_playing(past=75)

    ad.seek(70)  # back before it, and play across it again
    ad.page.wait_for_function(f"{CONTENT}.currentTime > 76", timeout=10_000)
    ad.seek(120)  # and jump over it
    ad.page.wait_for_function(f"{CONTENT}.currentTime > 121", timeout=5000)
    assert len(ad.breaks("where=mid_roll")) == 1
    assert ad.page.evaluate(f"{AD_PANEL}.hidden")

    # A fresh page resumes where the viewer left (past the point: no break for that). Back to
    # the start, then a seek forward over the point, unplayed on this page: its break, once.
    ad.watch(site, site.films["half_way"])
    ad.play()
    ad.ad_showing()
    ad.skip_when_offered()
    ad.content_playing()
    ad.seek(10)
    ad.page.wait_for_function(f"{CONTENT}.currentTime > 10.3 && {CONTENT}.currentTime < 20")
    assert ad.breaks("where=mid_roll") == []
    ad.seek(100)
    ad.ad_showing()
    ad.skip_when_offered()
    ad.content_playing(past=100)
    assert len(ad.breaks("where=mid_roll")) == 1
    assert ad.watched.errors == []


def test_broken_ad_network_tags_let_the_content_play_within_two_seconds(site, browser, ad_server):
    # The network campaign's tag is one URL of the double, answered differently each round.
    tag = ad_server.serve("/tag.xml", EMPTY)
    site.shell_json(USE_TAG.format(url=tag))
    ad_server.serve("/loop-b.xml", wrapper("{base}/tag.xml", "b"))
    answers = {
        "slow": {"body": EMPTY, "delay": 5},
        "500": {"body": "server error", "status": 500},
        "404": {"body": "not here", "status": 404},
        "malformed": {"body": '<VAST version="3.0"><Ad><InLine>'},
        "wrapper loop": {"body": wrapper("{base}/loop-b.xml", "a")},
        "empty": {"body": EMPTY},
    }
    ad = viewer(site, browser)
    waited = {}
    for kind, answer in answers.items():
        ad_server.serve("/tag.xml", **answer)
        asked = len(ad_server.hits("/tag.xml"))
        ad.watch(site, site.films["sample"])
        ad.play()
        ad.content_playing()
        times = ad.page.evaluate("window.adTimes")
        waited[kind] = times["content"] - times["play"]
        assert "ad" not in times, kind  # no ad showed
        assert ad.breaks("where=pre_roll"), kind
        assert len(ad_server.hits("/tag.xml")) > asked, f"{kind}: the tag was never asked"
    assert all(ms < 2000 for ms in waited.values()), waited
    assert ad.watched.errors == []


def test_a_viewer_on_an_ad_free_plan_makes_no_ad_request(site, browser):
    ad = viewer(site, browser, "premium")
    ad.watch(site, site.films["half_way"])
    ad.play()
    ad.content_playing()
    ad.seek(73)
    ad.page.wait_for_function(f"{CONTENT}.currentTime > 76", timeout=5000)
    config = ad.page.evaluate("JSON.parse(document.getElementById('player-config').textContent)")
    assert config["ads"] is None
    assert ad.page.locator("#player-ad").count() == 0
    assert [url for url in ad.requests if "/ads/" in url] == []
    assert ad.watched.errors == []
