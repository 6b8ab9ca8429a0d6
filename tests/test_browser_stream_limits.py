"""Concurrent streams in Debian's Chromium against a real install behind the gateway: a plan
of three streams per viewer, four devices (browser contexts with the User-Agents of a phone,
a laptop, a tablet and a desktop). The fourth is refused with the other three named; "Stop
that one" frees a slot, the fourth plays, and the stopped device says why it paused."""

from __future__ import annotations

import pytest

from tests.support.browser import DESKTOP, PHONE, WatchedPage, sign_in

pytestmark = pytest.mark.browser

VIEWER, PASSWORD = "streamer", "a viewer's password for the stream tests 3"
DEVICES = {
    "Chrome on Android": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
    "Firefox on Windows": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) "
    "Gecko/20100101 Firefox/133.0",
    "Safari on iPad": "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Safari/604.1",
}
FOURTH = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"

# A member (not the demo operator, whom no cap counts) on a site whose plan allows three
# streams per viewer, and a film a minute long, so the first device still plays when stopped.
SETUP = f"""
import json
from django.conf import settings
from django.contrib.auth import get_user_model
from stored_media.objects import store_file
from streaming.catalogue.sample_media import make_sample_video
from streaming.models import MediaFile, Title
from tenants.models import Domain, Membership, SitePlan

site = Domain.objects.get(hostname="127.0.0.1").tenant
site.plan = SitePlan.objects.create(name="Three streams", streams_per_viewer=3)
site.save(update_fields=["plan"])
user = get_user_model().objects.create_user("{VIEWER}", password="{PASSWORD}")
Membership.objects.create(tenant=site, user=user)
video = make_sample_video(settings.DATA_DIR / "minute.mp4", seconds=60)
title = Title.objects.create(title="A Minute", year=2025, status="published")
media = MediaFile.objects.create(
    title=title, stored=store_file(video, "A Minute.mp4", kind="mp4"), duration_seconds=60.0,
    quality_label="360p", width=640, height=360,
)
print(json.dumps({{"media": media.pk}}))
"""


@pytest.fixture(scope="module")
def site(browser_site):
    browser_site.reset()
    browser_site.films = browser_site.shell_json(SETUP)
    yield browser_site
    browser_site.reset()  # the plan would cap the next module's viewers


def device(site, browser, user_agent: str, **options) -> WatchedPage:
    watched = sign_in(
        browser, site.url, VIEWER, PASSWORD, **(options or DESKTOP), user_agent=user_agent
    )
    watched.page.goto(f"{site.url}/watch/{site.films['media']}/")
    return watched


def playing(page) -> None:
    page.wait_for_selector("#player[data-ready]", state="attached")
    if page.evaluate("document.getElementById('player-video').paused"):
        page.keyboard.press("k")
    page.wait_for_function("document.getElementById('player-video').currentTime > 0.3")


def test_a_fourth_stream_past_a_cap_of_three_is_refused_until_one_is_stopped(site, browser):
    first, *others = [device(site, browser, agent) for agent in DEVICES.values()]
    for watched in (first, *others):
        playing(watched.page)

    fourth = device(site, browser, FOURTH, **PHONE)
    page = fourth.page
    panel = page.locator("#player-streams")
    panel.wait_for(state="visible")
    text = panel.inner_text()
    assert "You are already watching on 3 devices, your plan allows 3." in text
    for name in DEVICES:
        assert name in text
    assert page.locator("#player-streams li").count() == 3
    assert "A Minute" in text
    assert page.evaluate("document.getElementById('player-video').currentSrc") == ""
    assert fourth.has_no_horizontal_scroll()
    fourth.screenshot("streams-refused")

    # Keyboard: the first "Stop that one" has the focus; Enter presses it.
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused.startswith("Stop that one: Chrome on Android")
    page.keyboard.press("Enter")
    panel.wait_for(state="hidden")
    playing(page)

    # The stopped device hears it on its next beat (a seek beats at once) and pauses.
    first.page.evaluate("document.getElementById('player-video').currentTime = 5")
    stopped = first.page.locator("#player-streams")
    stopped.wait_for(state="visible")
    assert "playing on another device" in stopped.inner_text()
    assert first.page.evaluate("document.getElementById('player-video').paused")
    first.screenshot("streams-stopped")
    for watched in (first, *others, fourth):
        # Chromium logs each refused call (409) as a console error; nothing else may show.
        assert [e for e in watched.errors if "409" not in e] == []
