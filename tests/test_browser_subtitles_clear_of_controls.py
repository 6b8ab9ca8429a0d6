"""Subtitles in Chromium: above the control bar while it shows, and clear of the bottom edge
once it hides (the browser drew them on the bottom edge, under the bar). Measured from the
rectangles of the cue box and the control bar; screenshots of both states go to
test-artifacts/screenshots/."""

from __future__ import annotations

import pytest

from tests.support.browser import DESKTOP, PHONE
from tests.test_browser_player import play, signed_in, site, wait_for_metadata  # noqa: F401

pytestmark = pytest.mark.browser

CUE = ".player-cues .player-cue"
RECTANGLES = """() => {
  const rect = (selector) => document.querySelector(selector).getBoundingClientRect().toJSON();
  return {cue: rect(".player-cues"), controls: rect("#player-controls"), player: rect("#player")};
}"""
# No transition of the cue box still running (a finished one leaves getAnimations()).
SETTLED = "document.querySelector('.player-cues').getAnimations().length === 0"
IDLE = "document.getElementById('player').classList.contains('player-idle')"
# Once the bar hides, the subtitles keep at least this far from the picture's bottom edge.
MIN_MARGIN_PX = 16
MIN_MARGIN_SHARE = 0.05


@pytest.mark.parametrize("which", ["desktop", "phone"])
def test_subtitles_sit_above_the_controls_and_clear_of_the_edge(site, browser, which):  # noqa: F811
    watched = signed_in(site, browser, **(DESKTOP if which == "desktop" else PHONE))
    page = watched.page
    page.clock.install()  # the bar's 2.5 s hide timer runs on a clock the test moves
    page.goto(f"{site.url}/watch/{site.films['long']}/")
    wait_for_metadata(page)
    page.select_option("#player-subtitles", label="English")
    play(page)
    page.wait_for_selector(CUE)

    page.hover("#player-video", position={"x": 40, "y": 40})  # a mouse move shows the bar
    page.wait_for_function(f"!{IDLE}")
    page.wait_for_function(SETTLED)  # the box moves with a 0.25 s transition
    shown = page.evaluate(RECTANGLES)
    watched.screenshot(f"subtitles-controls-shown-{which}")
    page.clock.run_for(2600)  # the bar hides after 2.5 s of playing still
    page.wait_for_function(IDLE)
    page.wait_for_function(SETTLED)
    hidden = page.evaluate(RECTANGLES)
    watched.screenshot(f"subtitles-controls-hidden-{which}")

    assert page.inner_text(CUE) == "A line of the night"
    assert shown["cue"]["bottom"] <= shown["controls"]["top"], shown
    margin = hidden["player"]["bottom"] - hidden["cue"]["bottom"]
    assert margin >= max(MIN_MARGIN_PX, MIN_MARGIN_SHARE * hidden["player"]["height"]), hidden
    assert hidden["cue"]["bottom"] > shown["cue"]["bottom"]  # it comes down when the bar goes
    assert watched.errors == []
