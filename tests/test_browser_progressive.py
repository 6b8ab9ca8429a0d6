"""Issue 19 in Debian's Chromium through the nginx gateway: a title whose video needs a
transcode (HEVC) plays while it is being encoded, from its progressive rendition through
Media Source Extensions (or, without MSE, the rendition's HLS playlist); a seek past the
encoders waits with a message and plays there; and when the final MP4 is stored the player
moves to it without losing its place or play state, with a still of the picture covering the
reload (no black frame)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.support.browser import sign_in
from tests.support.live_site import DEMO_PASSWORD, DEMO_USERNAME
from tests.support.services import REPO, need_binary

pytestmark = pytest.mark.browser

FILM_SECONDS = 90
GAP_TARGET = 36.0  # past what the first encoder makes for a viewer near the start
# How fast a progressive encoder may read its source, in multiples of real time: this machine
# encodes the small test film some 30 times faster than real time, so the whole film would be
# encoded before the page opens. At 2x, as on a slow machine, the encoders stay near the
# viewer (PROGRESSIVE_AHEAD_SECONDS) and the film has parts nobody encoded yet.
ENCODER_READ_RATE = 2
SETTINGS = {
    "PROGRESSIVE_HEAD_SECONDS": "4",
    "PROGRESSIVE_AHEAD_SECONDS": "8",
    # The final MP4 starts this long after the step does, and the switch comes at the player's
    # next poll: after the seek ahead, before the film ends.
    "PROGRESSIVE_FINAL_DELAY": "25",
    "INGEST_TRANSCODE_PRESET": "ultrafast",
    "PROGRESSIVE_READ_RATE": str(ENCODER_READ_RATE),
}

WAIT_UNTIL_LIVE = """
import json, time
from streaming.models import MediaFile
deadline = time.monotonic() + 40
media = None
while media is None and time.monotonic() < deadline:
    media = MediaFile.objects.filter(progressive__isnull=False, stored__isnull=True).first()
    if media is None:
        time.sleep(0.2)
print(json.dumps({"media": media.pk if media else None}))
"""

# Every painted frame from here on: where the playhead is, what plays (the progressive
# rendition or the file), whether the element has a picture and whether the still covers it.
SAMPLE_FRAMES = """() => {
  const video = document.getElementById('player-video');
  window.frames_seen = [];
  window.waits_seen = [];
  video.addEventListener('waiting', () => {
    window.waits_seen.push(window.shadowvaultPlayer.playing());
  });
  const sample = () => {
    window.frames_seen.push({
      at: video.currentTime,
      plays: window.shadowvaultPlayer.playing(),
      paused: video.paused,
      picture: video.readyState >= 2 && !video.seeking,
      still: Boolean(document.querySelector('.player-still')),
    });
    requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
}"""

VIDEO = "document.getElementById('player-video')"
VIDEO_STATE = f"""(() => {{
  const v = {VIDEO};
  const buffered = Array.from(
    {{ length: v.buffered.length }}, (_, i) => [v.buffered.start(i), v.buffered.end(i)]
  );
  return {{ at: v.currentTime, paused: v.paused, ready: v.readyState, network: v.networkState,
    error: v.error && v.error.message, buffered, src: v.currentSrc }};
}})()"""
# A browser without Media Source Extensions that plays HLS itself (iOS before 17.1): Chromium
# plays HLS too, so hiding MSE leaves it that way.
NO_MEDIA_SOURCE = """
Object.defineProperty(window, 'MediaSource', { value: undefined });
Object.defineProperty(window, 'ManagedMediaSource', { value: undefined });
"""


@pytest.fixture(scope="module")
def site(browser_site):
    browser_site.reset()
    return browser_site


@pytest.fixture(scope="module")
def hevc_film(tmp_path_factory) -> Path:
    """A minute and a half of 640x360 HEVC in Matroska with a tone: no browser plays it as it
    is. Long enough that the viewer is still playing when the final file comes."""
    path = tmp_path_factory.mktemp("progressive-film") / "Harbour Lights (2025).mkv"
    command = [
        need_binary("ffmpeg"), "-v", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=s=640x360:r=12:d={FILM_SECONDS}",
        "-f", "lavfi", "-i", f"sine=f=440:d={FILM_SECONDS}",
        "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error",
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path),
    ]  # fmt: skip
    subprocess.run(command, check=True, timeout=60)
    return path


@pytest.fixture
def ingest(site, hevc_film, tmp_path):
    """`manage.py ingest` of the film running in the background (the job runs inline there);
    yields a function that waits for it to finish and returns its log."""
    log_path = tmp_path / "ingest.log"
    env = {**site.env, **SETTINGS}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "ingest", str(hevc_film)],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def finished() -> str:
        process.wait(timeout=60)
        return log_path.read_text()

    try:
        yield finished
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def video_number(page, expression: str):
    return page.evaluate(f"{VIDEO}.{expression}")


def encoded_ranges(page, media_id: int) -> list[list[float]]:
    url = f"/watch/{media_id}/progressive.json"
    return page.evaluate(f"fetch('{url}').then((r) => r.json()).then((a) => a.ranges)")


def play_natively_without_media_source(site, browser, media_id: int) -> None:
    """A second viewer whose browser has no MSE plays the rendition's HLS playlist."""
    watched = sign_in(browser, site.url, DEMO_USERNAME, DEMO_PASSWORD)
    page = watched.page
    page.add_init_script(NO_MEDIA_SOURCE)
    page.goto(f"{site.url}/watch/{media_id}/")
    page.wait_for_selector("#player[data-ready]", state="attached", timeout=15000)
    assert page.evaluate(f"{VIDEO}.src").endswith(f"/watch/{media_id}/progressive.m3u8")
    play(page)
    try:
        page.wait_for_function(f"{VIDEO}.currentTime > 1", timeout=10000)
    except PlaywrightTimeout:
        pytest.fail(f"native HLS did not play: {page.evaluate(VIDEO_STATE)}")
    assert watched.errors == []
    page.context.close()


def play(page) -> None:
    """Start playback with a real key press (a user gesture). The player's own autoplay
    attempt may still be pending (paused is false until the browser refuses it), so a press
    that found it pending is made again."""
    for _ in range(3):
        if page.evaluate(f"{VIDEO}.paused"):
            page.keyboard.press("k")
        try:
            page.wait_for_function(f"{VIDEO}.currentTime > 0.2 && !{VIDEO}.paused", timeout=4000)
            return
        except PlaywrightTimeout:
            continue
    pytest.fail(f"the video did not play: {page.evaluate(VIDEO_STATE)}")


def test_a_title_plays_while_it_is_encoded_seeks_ahead_and_moves_to_its_file(site, browser, ingest):
    media_id = site.shell_json(WAIT_UNTIL_LIVE)["media"]
    assert media_id, f"the title never went live:\n{ingest()}"
    watched = sign_in(browser, site.url, DEMO_USERNAME, DEMO_PASSWORD)
    page = watched.page

    # Playing the progressive rendition through Media Source Extensions.
    page.goto(f"{site.url}/watch/{media_id}/")
    page.wait_for_selector("#player[data-ready]", state="attached", timeout=15000)
    assert page.evaluate("window.shadowvaultPlayer.playing()") == "progressive"
    assert page.evaluate(f"{VIDEO}.src").startswith("blob:")
    # The seek bar spans the whole film before its end is encoded.
    assert abs(video_number(page, "duration") - FILM_SECONDS) < 1
    play(page)
    page.wait_for_function(f"{VIDEO}.currentTime > 1 && !{VIDEO}.paused", timeout=15000)

    # The seek bar shows the encoded parts apart from the buffered one; the target is not
    # encoded yet.
    encoded = encoded_ranges(page, media_id)
    assert encoded
    assert all(not (start <= GAP_TARGET < end) for start, end in encoded), encoded
    assert page.locator(".player-seek-encoded > span").count() >= 1
    watched.screenshot("progressive-playing")

    # A seek into the gap: the player says why it waits, then plays there.
    bar = page.locator("#player-seek").bounding_box()
    x, y = bar["x"] + bar["width"] * GAP_TARGET / FILM_SECONDS, bar["y"] + bar["height"] / 2
    page.mouse.move(x, y - 40)  # the controls hide while playing; a moving pointer shows them
    page.mouse.move(x, y)
    page.wait_for_function("!document.getElementById('player').classList.contains('player-idle')")
    page.mouse.click(x, y)
    message = page.locator("#player-message .player-message-text")
    page.wait_for_function("!document.getElementById('player-message').hidden", timeout=3000)
    assert "encoder" in message.inner_text() or "Waiting" in message.inner_text()
    watched.screenshot("progressive-waiting")
    seeked_at = time.monotonic()
    page.wait_for_function(
        f"{VIDEO}.currentTime > {GAP_TARGET + 1} && !{VIDEO}.paused", timeout=15000
    )
    waited = time.monotonic() - seeked_at
    assert page.locator("#player-message").is_hidden()
    assert waited < 10, f"playing again {waited:.1f} s after the seek into the gap"

    # The final MP4 replaces the rendition: the player moves to it in place, still playing.
    page.evaluate(SAMPLE_FRAMES)
    play_natively_without_media_source(site, browser, media_id)
    page.wait_for_function("window.shadowvaultPlayer.playing() === 'file'", timeout=40000)
    page.wait_for_function(
        "window.frames_seen.some((f) => f.plays === 'file' && f.picture && !f.still)", timeout=10000
    )
    frames = page.evaluate("window.frames_seen")
    on_progressive = [f for f in frames if f["plays"] == "progressive"]
    assert on_progressive, "the file came before the seek was over: PROGRESSIVE_FINAL_DELAY up"
    last_progressive = on_progressive[-1]
    on_file = [f for f in frames if f["plays"] == "file"]
    # No black frame: until the file shows its picture at the place, the still covers it.
    assert all(f["still"] for f in on_file if not f["picture"]), on_file[:5]
    settled = next(f for f in on_file if f["picture"] and not f["still"])
    assert last_progressive["at"] - 0.3 <= settled["at"] <= last_progressive["at"] + 1.5, (
        f"moved from {last_progressive['at']:.2f} s to {settled['at']:.2f} s"
    )
    assert not last_progressive["paused"]
    # The file was opened ahead and plays once it has data at its place: the element never
    # waits on it (no `waiting`, no spinner, the sound stops only for the swap itself).
    assert "file" not in page.evaluate("window.waits_seen")
    page.wait_for_function(f"{VIDEO}.currentTime > {settled['at'] + 0.5} && !{VIDEO}.paused")
    assert "/media/" in page.evaluate(f"{VIDEO}.currentSrc")
    assert page.locator(".player-seek-encoded > span").count() == 0
    watched.screenshot("progressive-final")

    log = ingest()
    assert "done" in log, log
    assert watched.errors == []
