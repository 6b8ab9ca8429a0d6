"""The site and the player in Debian's Chromium against a real install behind the nginx
gateway, with the sample film that bootstrap ingested: sign in, browse, search, open a title,
play, seek, resume, subtitles, a broken file, a phone."""

from __future__ import annotations

import time

import pytest

from tests.support.browser import DESKTOP, PHONE, WatchedPage, sign_in
from tests.support.live_site import DEMO_PASSWORD, DEMO_USERNAME

pytestmark = pytest.mark.browser


# Adds to the install what the sample film cannot show: a film long enough to resume (positions
# under 30 s are not worth resuming), with English subtitles, and a film whose file is missing.
EXTRA_FILMS = """
import json
from django.conf import settings
from streaming.models import MediaFile, Subtitle, Title
from stored_media.models import StoredObject
from streaming.catalogue.sample_media import make_sample_video
from stored_media.objects import store_file

broken = Title.objects.create(title="Broken Reel", year=2024, status="published")
missing = StoredObject.objects.create(
    backend="local", key="media/gone/broken.mp4", filename="broken.mp4",
    content_type="video/mp4", size=1000000,
)
broken_media = MediaFile.objects.create(title=broken, stored=missing, duration_seconds=60.0)
video = make_sample_video(settings.DATA_DIR / "long-night.mp4", seconds=60)
long_night = Title.objects.create(title="Long Night", year=2025, status="published")
media = MediaFile.objects.create(
    title=long_night, stored=store_file(video, "Long Night.mp4", kind="mp4"), duration_seconds=60.0,
    quality_label="360p", width=640, height=360,
)
vtt = settings.DATA_DIR / "long-night.en.vtt"
vtt.write_text("WEBVTT\\n\\n00:00.000 --> 01:00.000\\nA line of the night\\n")
Subtitle.objects.create(
    media_file=media, stored=store_file(vtt, "Long Night.en.vtt", kind="vtt"), language="en",
    label="English",
)
sample = MediaFile.objects.get(title__title="ShadowVault Sample")
print(json.dumps({
    "sample": sample.pk, "sample_slug": sample.title.slug,
    "long": media.pk, "broken": broken_media.pk,
}))
"""

# Elements sticking out past the right edge, outside anything that scrolls or clips sideways
# (a shelf of posters scrolls inside itself; that is not page overflow).
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (x === "auto" || x === "scroll" || x === "hidden") return true;
    }
    return false;
  };
  return Array.from(document.body.querySelectorAll("*"))
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !clipped(el))
    .filter((el) => el.getClientRects().length)
    .map((el) => el.tagName + "." + el.className);
}"""


@pytest.fixture(scope="module")
def site(browser_site):
    browser_site.reset()
    browser_site.films = browser_site.shell_json(EXTRA_FILMS)
    return browser_site


def signed_in(site, browser, **options) -> WatchedPage:
    return sign_in(browser, site.url, DEMO_USERNAME, DEMO_PASSWORD, **options)


def play(page) -> None:
    """Start playback with a real key press (a user gesture, so the browser allows sound),
    unless autoplay after the title page's Play click already started it."""
    wait_for_metadata(page)
    if page.evaluate("document.getElementById('player-video').paused"):
        page.keyboard.press("k")
    page.wait_for_function("!document.getElementById('player-video').paused")


def current_time(page) -> float:
    return page.evaluate("document.getElementById('player-video').currentTime")


def wait_for_metadata(page) -> None:
    """The player marks itself ready once metadata is in and any resume position applied."""
    page.wait_for_selector("#player[data-ready]", state="attached")


# Counts the loads the video element starts from here on (each new source is one).
COUNT_LOADS = """() => {
  window.loadsStarted = 0;
  const video = document.getElementById('player-video');
  video.addEventListener('loadstart', () => window.loadsStarted++);
}"""


def wait_until_past(page, seconds: float, timeout_ms: int = 5000) -> None:
    page.wait_for_function(
        f"document.getElementById('player-video').currentTime > {seconds}", timeout=timeout_ms
    )


def test_a_viewer_opens_the_sample_film_plays_it_and_seeks(site, browser):
    watched = signed_in(site, browser)
    page = watched.page
    media_answers = []
    page.on(
        "response",
        lambda r: "/media/" in r.url and media_answers.append((r.status, r.headers)),
    )

    card = page.locator(".shelf a.title-card", has_text="ShadowVault Sample").first
    card.click()
    page.wait_for_url(f"{site.url}/title/{site.films['sample_slug']}/")
    assert page.locator("h1").inner_text() == "ShadowVault Sample"
    watched.screenshot("title")
    page.click("a.button:has-text('Play')")
    page.wait_for_url(f"{site.url}/watch/{site.films['sample']}/")
    play(page)

    wait_until_past(page, 0.5)
    wait_until_past(page, current_time(page) + 0.2)  # playback advances
    duration = page.evaluate("document.getElementById('player-video').duration")
    target = duration * 0.8
    page.evaluate(f"document.getElementById('player-video').currentTime = {target}")
    started = time.monotonic()
    wait_until_past(page, target + 0.05, timeout_ms=3000)  # playback resumes after the seek
    resumed_after = time.monotonic() - started
    assert resumed_after < 1, f"playback resumed {resumed_after:.2f} s after the seek"
    assert page.evaluate("document.getElementById('player-video').paused") is False
    page.keyboard.press("ArrowLeft")
    assert current_time(page) < target
    watched.screenshot("player")
    assert watched.errors == []
    # The bytes came from nginx (the local file sent by the gateway), not from Python.
    video_answers = [h for s, h in media_answers if h.get("content-type") == "video/mp4"]
    assert video_answers
    assert all(h.get("x-cache-status") == "LOCAL" for h in video_answers)
    assert {s for s, h in media_answers if h.get("content-type") == "video/mp4"} <= {200, 206}


def test_the_player_resumes_where_the_viewer_left_after_a_reload(site, browser):
    watched = signed_in(site, browser)
    page = watched.page
    page.goto(f"{site.url}/watch/{site.films['long']}/")
    play(page)
    wait_until_past(page, 0.2)
    page.evaluate("document.getElementById('player-video').currentTime = 40")
    wait_until_past(page, 40.5)

    with page.expect_response(lambda r: r.url.endswith("/progress/") and r.status == 204):
        page.keyboard.press("k")  # pausing saves the position
    saved_at = current_time(page)
    page.reload()
    wait_for_metadata(page)
    page.wait_for_function("document.getElementById('player-video').currentTime > 1")

    assert abs(current_time(page) - saved_at) < 1.5
    assert watched.errors == []


def test_home_offers_to_continue_what_the_viewer_started(site, browser):
    watched = signed_in(site, browser)
    page = watched.page
    page.goto(f"{site.url}/watch/{site.films['long']}/")
    play(page)
    page.evaluate("document.getElementById('player-video').currentTime = 30")
    wait_until_past(page, 30.5)
    with page.expect_response(lambda r: r.url.endswith("/progress/") and r.status == 204):
        page.keyboard.press("k")

    page.goto(site.url + "/")
    card = page.locator("[aria-labelledby=shelf-continue] a.title-card", has_text="Long Night")

    assert card.get_attribute("href") == f"/watch/{site.films['long']}/"
    assert "watched" in card.inner_text()
    watched.screenshot("home")
    assert watched.errors == []


def test_subtitles_switch_on_from_the_picker_and_with_c(site, browser):
    watched = signed_in(site, browser)
    page = watched.page
    page.goto(f"{site.url}/watch/{site.films['long']}/")
    wait_for_metadata(page)
    mode = "document.getElementById('player-video').textTracks[0].mode"

    page.select_option("#player-subtitles", label="English")
    shown_by_picker = page.evaluate(mode)
    page.locator("body").press("c")
    hidden_by_key = page.evaluate(mode)
    page.locator("body").press("c")

    assert shown_by_picker == "showing"
    assert hidden_by_key == "disabled"
    assert page.evaluate(mode) == "showing"
    assert page.input_value("#player-subtitles") == "0"
    page.wait_for_function("document.getElementById('player-video').textTracks[0].cues?.length > 0")
    assert watched.errors == []


def test_a_renewed_link_swaps_in_without_losing_the_place(site, browser):
    watched = signed_in(site, browser)
    page = watched.page
    page.goto(f"{site.url}/watch/{site.films['long']}/")
    play(page)
    page.evaluate("document.getElementById('player-video').currentTime = 20")
    wait_until_past(page, 20.3)
    page.evaluate(COUNT_LOADS)

    # A link renewed within the same second may equal the old one: what matters is that the
    # element reloads from the answer's link and carries on from where it was.
    fresh = page.evaluate("window.shadowvaultPlayer.renew().then((fresh) => fresh.src)")
    page.wait_for_function("window.loadsStarted > 0")
    assert page.evaluate("document.getElementById('player-video').src") == site.url + fresh
    wait_until_past(page, 21.5)

    assert page.evaluate("document.getElementById('player-video').paused") is False
    assert watched.errors == []


def test_a_missing_file_shows_a_message_instead_of_a_spinner(site, browser):
    watched = signed_in(site, browser)
    page = watched.page
    page.goto(f"{site.url}/watch/{site.films['broken']}/")

    message = page.locator("#player-message")
    message.wait_for(state="visible", timeout=10000)

    assert "could not be loaded" in message.inner_text()
    assert message.locator("button", has_text="Try again").is_visible()
    # Chromium logs the failed media requests (404) itself; nothing else may complain.
    errors = [e for e in watched.errors if "404 (Not Found)" not in e]
    assert errors == []


def test_typeahead_suggests_titles_and_opens_one(site, browser):
    watched = WatchedPage.open(browser, **DESKTOP)
    page = watched.page
    page.goto(site.url + "/search/")

    page.locator("#search-q").press_sequentially("long ni", delay=30)
    option = page.locator("#search-q-suggestions [role=option]", has_text="Long Night")
    option.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")

    page.wait_for_url(f"{site.url}/title/long-night-2025/")
    assert watched.errors == []


def test_a_comment_posted_in_the_page_appears_under_the_title(site, browser):
    watched = signed_in(site, browser)
    page = watched.page
    page.goto(f"{site.url}/title/{site.films['sample_slug']}/")

    page.fill("#id_body", "Lovely test pattern, see https://example.com")
    page.click("button:has-text('Post comment')")

    comment = page.locator(".comment-body", has_text="Lovely test pattern")
    comment.wait_for()
    assert comment.locator("a[href='https://example.com']").count() == 1
    assert watched.errors == []


@pytest.mark.parametrize("which", ["home", "browse", "title", "player", "search"])
def test_on_a_360px_phone_no_page_scrolls_sideways(site, browser, which):
    watched = signed_in(site, browser, **PHONE)
    page = watched.page
    path = {
        "home": "/",
        "browse": "/browse/",
        "title": f"/title/{site.films['sample_slug']}/",
        "player": f"/watch/{site.films['sample']}/",
        "search": "/search/?q=sample",
    }[which]

    page.goto(site.url + path)
    page.wait_for_load_state("networkidle")

    assert watched.has_no_horizontal_scroll()
    assert page.evaluate(OVERFLOWING) == []
    assert page.evaluate("Array.from(document.images).every((img) => img.hasAttribute('alt'))")
    watched.screenshot(f"{which}-phone")
    assert watched.errors == []


def test_without_javascript_pages_browse_and_the_player_says_it_needs_it(site, browser):
    watched = signed_in(site, browser)  # signing in itself needs no JavaScript either
    context = watched.page.context.browser.new_context(
        java_script_enabled=False, storage_state=watched.page.context.storage_state(), **DESKTOP
    )
    page = context.new_page()

    page.goto(site.url + "/browse/?kind=film")
    page.click("a.title-card:has-text('Long Night')")
    page.click("a.button:has-text('Play')")

    assert page.url == f"{site.url}/watch/{site.films['long']}/"
    # Playwright turns scripts off without telling the HTML parser, so Chromium still treats
    # <noscript> as raw text here; what a browser with JavaScript off shows is its content.
    assert "The player needs JavaScript" in page.locator("#player noscript").text_content()
    context.close()
