"""The player's own controls in Debian's Chromium: seek previews from the ingested sample's
sprite, the seek bar by keyboard and by touch, a phone's width, and the countdown that plays
a series' next episode."""

from __future__ import annotations

import pytest

from tests.support.browser import DESKTOP, PHONE
from tests.test_browser_player import OVERFLOWING, play, signed_in, wait_for_metadata

pytestmark = pytest.mark.browser

# Two episodes made without the ingest pipeline, so they have no sprite: a 30-second first
# one (room to seek by keyboard) and a short second one for the countdown to land on.
SERIES = """
import json
from django.conf import settings
from streaming.models import Episode, MediaFile, Season, Title
from streaming.catalogue.sample_media import make_sample_video
from stored_media.objects import store_file

show = Title.objects.create(title="Night Shift", kind="series", year=2025, status="published")
season = Season.objects.create(title=show, number=1)
files = {}
for number, seconds in ((1, 30), (2, 4)):
    episode = Episode.objects.create(season=season, number=number, name=f"Shift {number}")
    video = make_sample_video(settings.DATA_DIR / f"night-shift-{number}.mp4", seconds=seconds)
    files[number] = MediaFile.objects.create(
        episode=episode, stored=store_file(video, f"Night Shift {number}.mp4", kind="mp4"),
        duration_seconds=float(seconds), quality_label="360p", width=640, height=360,
    ).pk
sample = MediaFile.objects.get(title__title="ShadowVault Sample")
assert sample.sprite_id and sample.thumbnails_id, "the sample was ingested without previews"
print(json.dumps({"sample": sample.pk, "first": files[1], "second": files[2]}))
"""

VIDEO = "document.getElementById('player-video')"
PREVIEW_TILE = """() => {
  const image = document.querySelector('#player-preview .player-preview-image');
  const preview = document.getElementById('player-preview');
  return {
    shown: !preview.hidden && !image.hidden,
    image: image.style.backgroundImage,
    position: image.style.backgroundPosition,
    time: preview.querySelector('.player-preview-time').textContent,
  };
}"""
# Every control of the bar that is displayed lies inside the player, none past its edges.
CONTROLS_OUTSIDE_THE_PLAYER = """() => {
  const player = document.getElementById('player').getBoundingClientRect();
  const controls = '#player-controls button, #player-controls input, #player-seek';
  return Array.from(document.querySelectorAll(controls))
    .filter((el) => el.getClientRects().length)
    .filter((el) => {
      const box = el.getBoundingClientRect();
      return box.left < player.left - 0.5 || box.right > player.right + 0.5;
    })
    .map((el) => el.dataset.action || el.id || el.className);
}"""


@pytest.fixture(scope="module")
def site(browser_site):
    browser_site.reset()
    browser_site.media = browser_site.shell_json(SERIES)
    return browser_site


def config_of(page) -> dict:
    return page.evaluate("JSON.parse(document.getElementById('player-config').textContent)")


def pause(page) -> None:
    page.evaluate(f"{VIDEO}.pause()")
    page.wait_for_function(f"{VIDEO}.paused")


def seek_bar_point(page, fraction: float) -> tuple[float, float]:
    box = page.locator("#player-seek").bounding_box()
    return box["x"] + box["width"] * fraction, box["y"] + box["height"] / 2


def test_hovering_the_seek_bar_previews_the_sprite_tile_under_the_pointer(site, browser):
    watched = signed_in(site, browser)
    page = watched.page
    page.goto(f"{site.url}/watch/{site.media['sample']}/")
    wait_for_metadata(page)
    pause(page)
    sprite = config_of(page)["sprite"]

    page.mouse.move(*seek_bar_point(page, 0.25), steps=3)
    page.wait_for_function(f"({PREVIEW_TILE})().shown")
    early = page.evaluate(PREVIEW_TILE)
    page.mouse.move(*seek_bar_point(page, 0.85), steps=3)
    late = page.evaluate(PREVIEW_TILE)
    watched.screenshot("player-preview")

    assert sprite.startswith("/media/")
    assert "md5=" in sprite
    assert early["image"] == late["image"] == f'url("{sprite}")'
    assert late["shown"]
    assert early["position"] != late["position"]
    assert early["time"] == "0:02"
    assert late["time"] == "0:08"
    page.mouse.move(5, 5)  # leaving the bar puts the preview away
    assert page.locator("#player-preview").is_hidden()
    assert watched.errors == []


def test_a_video_without_a_sprite_previews_only_the_time(site, browser):
    watched = signed_in(site, browser)
    page = watched.page
    page.goto(f"{site.url}/watch/{site.media['first']}/")
    wait_for_metadata(page)
    pause(page)

    page.mouse.move(*seek_bar_point(page, 0.5), steps=3)
    page.locator("#player-preview").wait_for()

    assert config_of(page)["sprite"] is None
    assert page.locator("#player-preview .player-preview-time").inner_text() == "0:15"
    assert page.locator("#player-preview .player-preview-image").is_hidden()
    assert watched.errors == []


def test_arrow_keys_on_the_seek_bar_move_the_playhead(site, browser):
    watched = signed_in(site, browser)
    page = watched.page
    page.goto(f"{site.url}/watch/{site.media['first']}/")
    wait_for_metadata(page)
    pause(page)
    page.evaluate(f"{VIDEO}.currentTime = 5")
    seek_bar = page.locator("#player-seek")
    seek_bar.focus()

    seek_bar.press("ArrowRight")
    forward = page.evaluate(f"{VIDEO}.currentTime")
    valuetext = seek_bar.get_attribute("aria-valuetext")
    seek_bar.press("ArrowLeft")
    seek_bar.press("ArrowLeft")
    back_at_zero = page.evaluate(f"{VIDEO}.currentTime")
    seek_bar.press("End")

    assert forward == pytest.approx(15, abs=0.01)
    assert valuetext == "15 seconds of 30 seconds"
    assert back_at_zero == 0
    assert page.evaluate(f"{VIDEO}.currentTime") == pytest.approx(30, abs=0.1)
    assert seek_bar.get_attribute("role") == "slider"
    assert watched.errors == []


def test_when_an_episode_ends_a_countdown_plays_the_next_one(site, browser):
    watched = signed_in(site, browser)
    page = watched.page
    page.goto(f"{site.url}/watch/{site.media['first']}/")
    play(page)

    page.evaluate(f"{VIDEO}.currentTime = {VIDEO}.duration - 0.4")
    overlay = page.locator("#player-next")
    overlay.wait_for(state="visible", timeout=5000)

    assert "Next episode in" in overlay.inner_text()
    assert "S01E02 · Shift 2" in overlay.inner_text()
    assert "S01E02 · Shift 2" in page.locator("#player-next-status").text_content()
    assert overlay.get_by_role("button", name="Cancel").is_visible()
    watched.screenshot("player-next-episode")
    page.wait_for_url(f"{site.url}/watch/{site.media['second']}/", timeout=15000)
    # The previous page's key press counts as the gesture: the next episode starts by itself.
    page.wait_for_function(f"!{VIDEO}.paused", timeout=10000)
    assert watched.errors == []


def test_play_now_goes_to_the_next_episode_at_once(site, browser):
    watched = signed_in(site, browser)
    page = watched.page
    page.goto(f"{site.url}/watch/{site.media['first']}/")
    play(page)
    page.evaluate(f"{VIDEO}.currentTime = {VIDEO}.duration - 0.4")

    page.get_by_role("link", name="Play now").click(timeout=5000)

    page.wait_for_url(f"{site.url}/watch/{site.media['second']}/", timeout=3000)
    assert watched.errors == []


@pytest.mark.parametrize("how", ["button", "escape"])
def test_cancel_keeps_the_viewer_on_the_episode_that_ended(site, browser, how):
    watched = signed_in(site, browser)
    page = watched.page
    page.clock.install()  # so the test can skip the countdown's ten seconds
    page.goto(f"{site.url}/watch/{site.media['first']}/")
    play(page)
    page.evaluate(f"{VIDEO}.currentTime = {VIDEO}.duration - 0.4")
    overlay = page.locator("#player-next")
    overlay.wait_for(state="visible", timeout=5000)

    if how == "button":
        overlay.get_by_role("button", name="Cancel").click()
    else:
        page.keyboard.press("Escape")
    page.clock.fast_forward("00:15")

    assert overlay.is_hidden()
    assert page.url == f"{site.url}/watch/{site.media['first']}/"
    assert page.locator("#player-next-status").text_content() == "Next episode cancelled."
    assert watched.errors == []


def test_the_last_episode_and_a_film_end_without_a_countdown(site, browser):
    watched = signed_in(site, browser)
    page = watched.page
    for media in ("second", "sample"):
        page.goto(f"{site.url}/watch/{site.media[media]}/")
        play(page)
        page.evaluate(f"{VIDEO}.currentTime = {VIDEO}.duration - 0.3")
        page.wait_for_function(f"{VIDEO}.ended", timeout=5000)

        assert config_of(page)["nextEpisode"] is None
        assert page.locator("#player-next").count() == 0
    assert watched.errors == []


def test_on_a_360px_phone_the_controls_fit_and_a_finger_scrubs_with_a_preview(site, browser):
    watched = signed_in(site, browser, **PHONE, has_touch=True)
    page = watched.page
    page.goto(f"{site.url}/watch/{site.media['sample']}/")
    wait_for_metadata(page)
    pause(page)
    cdp = page.context.new_cdp_session(page)

    def touch(kind: str, *points: tuple[float, float]) -> None:
        touch_points = [{"x": x, "y": y} for x, y in points]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": touch_points})

    start_x, y = seek_bar_point(page, 0.3)
    end_x, _ = seek_bar_point(page, 0.75)

    touch("touchStart", (start_x, y))
    page.wait_for_function(f"({PREVIEW_TILE})().shown")
    first = page.evaluate(PREVIEW_TILE)
    touch("touchMove", (end_x, y))
    second = page.evaluate(PREVIEW_TILE)
    touch("touchEnd")

    assert first["position"] != second["position"]
    duration = page.evaluate(f"{VIDEO}.duration")
    page.wait_for_function(f"Math.abs({VIDEO}.currentTime - {duration * 0.75}) < 0.3")
    assert page.locator("#player-preview").is_hidden()
    assert watched.has_no_horizontal_scroll()
    assert page.evaluate(OVERFLOWING) == []
    assert page.evaluate(CONTROLS_OUTSIDE_THE_PLAYER) == []
    for action in ("play", "mute", "captions", "speed", "fullscreen"):
        assert page.locator(f"#player-controls [data-action={action}]").is_visible()
    watched.screenshot("player-controls-phone")
    assert watched.errors == []


def test_the_controls_hide_while_playing_and_come_back_when_the_mouse_moves(site, browser):
    watched = signed_in(site, browser, **DESKTOP)
    page = watched.page
    page.clock.install()  # the page's timers run on a clock the test can move forward
    page.goto(f"{site.url}/watch/{site.media['first']}/")
    play(page)
    page.mouse.move(5, 5)

    page.wait_for_selector("#player.player-idle", state="attached", timeout=6000)
    box = page.locator("#player").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=3)

    assert page.locator("#player.player-idle").count() == 0
    page.keyboard.press("k")
    # Paused, the bar stays up and offers to play.
    page.wait_for_selector("#player-controls [data-action=play][aria-label=Play]")
    page.clock.run_for(3000)  # past the 2.5 s after which a playing player hides the bar
    assert page.locator("#player.player-idle").count() == 0
    assert watched.errors == []
