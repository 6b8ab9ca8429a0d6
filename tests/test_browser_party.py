"""A watch party in Debian's Chromium through the nginx gateway: two members (two browser
contexts) on one invite link; the host's play starts both, the host's seek lands both on
the same place, the host's pause pauses both (static/js/player/party-sync.js)."""

from __future__ import annotations

import time

import pytest

from tests.support.browser import DESKTOP, WatchedPage, sign_in
from tests.support.live_site import DEMO_PASSWORD, DEMO_USERNAME

pytestmark = pytest.mark.browser

GUEST, GUEST_PASSWORD = "partyguest", "guest password for the party 3"
SEEK_TO = 40.0

SETUP = f"""
import json
from django.conf import settings
from django.contrib.auth import get_user_model
from parties.starting import start_party
from stored_media.objects import store_file
from streaming.catalogue.sample_media import make_sample_video
from streaming.models import MediaFile, Title
from tenants.models import Domain, Membership

site = Domain.objects.get(hostname="127.0.0.1").tenant
guest = get_user_model().objects.create_user("{GUEST}", password="{GUEST_PASSWORD}")
Membership.objects.create(tenant=site, user=guest)
path = make_sample_video(settings.DATA_DIR / "party-night.mp4", seconds=60)
title = Title.objects.create(title="Party Night", year=2026, status="published")
media = MediaFile.objects.create(
    title=title, stored=store_file(path, "party-night.mp4", kind="mp4"), duration_seconds=60.0,
    quality_label="360p", width=640, height=360,
)
host = get_user_model().objects.get(username="{DEMO_USERNAME}")
party = start_party(site, host, media, "host")
print(json.dumps({{"code": party.code}}))
"""

VIDEO = "document.getElementById('player-video')"


@pytest.fixture(scope="module")
def site(browser_site):
    browser_site.reset()
    browser_site.party = browser_site.shell_json(SETUP)
    return browser_site


def joined(site, browser, username: str, password: str) -> WatchedPage:
    watched = sign_in(browser, site.url, username, password, **DESKTOP)
    page = watched.page
    page.goto(f"{site.url}/party/{site.party['code']}/")
    page.wait_for_selector("#player[data-ready]", state="attached")
    page.wait_for_function(
        "window.shadowvaultPlayer && window.shadowvaultPlayer.party.connected()"
        " && window.shadowvaultPlayer.party.offset() !== null"
    )
    # A gesture on the page, as a viewer's click would be: the browser then lets a command
    # from the room start the video with its sound.
    page.click("#watch-party-heading")
    return watched


def times(pages) -> list[float]:
    return [page.evaluate(f"{VIDEO}.currentTime") for page in pages]


# Where the room says the video is now (its position at server time `at`, moving on while
# playing), on this page's clock corrected by its measured offset; and where the video is.
ROOM_AND_VIDEO = f"""() => {{
  const party = window.shadowvaultPlayer.party;
  const room = party.room();
  const elapsed = room.status === "playing" ? (Date.now() + party.offset() - room.at) / 1000 : 0;
  return [room.position, room.position + Math.max(0, elapsed) * room.rate, {VIDEO}.currentTime];
}}"""


def test_the_hosts_play_seek_and_pause_move_both_members(site, browser):
    host = joined(site, browser, DEMO_USERNAME, DEMO_PASSWORD)
    guest = joined(site, browser, GUEST, GUEST_PASSWORD)
    pages = [host.page, guest.page]
    guest.page.wait_for_selector(".party-members li:nth-child(2)")

    host.page.keyboard.press("k")  # the player's own play shortcut
    for page in pages:
        page.wait_for_function(f"!{VIDEO}.paused && {VIDEO}.currentTime > 0.5", timeout=10000)

    host.page.evaluate(f"{VIDEO}.currentTime = {SEEK_TO}")  # as the seek bar does
    for page in pages:
        page.wait_for_function(
            f"!{VIDEO}.paused && !{VIDEO}.seeking && {VIDEO}.currentTime >= {SEEK_TO}",
            timeout=10000,
        )
    # Both landed on the target: the room plays on from it, and each video is within 0.5 s
    # of where the room is now.
    for page in pages:
        target, expected, actual = page.evaluate(ROOM_AND_VIDEO)
        assert target == SEEK_TO
        assert abs(actual - expected) < 0.5, (expected, actual)
    time.sleep(1.5)
    positions = times(pages)
    assert abs(positions[0] - positions[1]) < 0.5, positions
    assert all(p > SEEK_TO + 1 for p in positions), positions

    host.page.keyboard.press("k")
    for page in pages:
        page.wait_for_function(f"{VIDEO}.paused", timeout=10000)
    time.sleep(0.5)
    positions = times(pages)
    assert abs(positions[0] - positions[1]) < 0.5, positions
    # The guest's panel shows the members and the host's moves, as text.
    assert "paused" in guest.page.inner_text(".party-chat-log")
    guest.page.fill("#party-chat-text", "<b>same frame?</b>")
    guest.page.click(".party-chat-form button")
    host.page.wait_for_function(
        "document.querySelector('.party-chat-log').textContent.includes('<b>same frame?</b>')"
    )
    assert host.page.query_selector(".party-chat-log b") is None
    assert host.errors == []
    assert guest.errors == []
