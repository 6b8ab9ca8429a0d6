"""The reader (/read/<chapter>/, static/js/reader/) in Debian's Chromium through the nginx
gateway, on the sample manga the install drew (two right-to-left chapters: five pages with a
double-page spread, then four): a chapter read right to left with the keys, progress reaching
the database and a reload resuming there, the next chapter opening from the last page and
the previous one, paging back, at its last, a spread whole at the default fit, a webtoon
strip read by scrolling and on into the next chapter (chapters far above dropped without a
jump), and a 390 px phone with swipes, taps and a pinch. Each reader mode's screenshot is
taken for the README (test-artifacts/screenshots/reader-*, copied to docs/images/)."""

from __future__ import annotations

import json

import pytest

from tests.support.browser import WatchedPage, sign_in
from tests.support.live_site import DEMO_PASSWORD, DEMO_USERNAME

pytestmark = pytest.mark.browser

PHONE_390 = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
CHAPTERS = """
import json
from readvault.models import Chapter
print(json.dumps([c.pk for c in Chapter.objects.order_by("series", "number")]))
"""
PROGRESS = """
import json
from readvault.models import ReadingProgress
print(json.dumps({str(r.chapter_id): r.page for r in ReadingProgress.objects.all()}))
"""
SHOWN = """() => {
  const images = [...document.querySelectorAll('#reader-stage .reader-view img')];
  return images.length > 0 && images.every((image) => image.complete && image.naturalWidth > 0);
}"""

BOXES = """(images) => images.map((image) => {
  const box = image.getBoundingClientRect();
  return [box.top, box.bottom];
})"""
BARS_SHOWN = "() => getComputedStyle(document.getElementById('reader-top')).opacity === '1'"
STRIP_SHOWN = """() => [...document.querySelectorAll('.reader-strip-page')]
  .slice(0, 2).every((image) => image.complete && image.naturalWidth > 0)"""


@pytest.fixture(scope="module")
def site(browser_site):
    browser_site.reset()
    return browser_site


@pytest.fixture(scope="module")
def chapters(site) -> list[int]:
    return json.loads(site.manage("shell", "-c", CHAPTERS).strip().splitlines()[-1])


@pytest.fixture(scope="module")
def reader(site, browser) -> WatchedPage:
    """The demo operator (a member everywhere) on a desktop screen."""
    return sign_in(browser, site.url, DEMO_USERNAME, DEMO_PASSWORD)


def state(page) -> dict:
    return page.evaluate("window.shadowvaultReader.state()")


def open_reader(watched: WatchedPage, url: str) -> None:
    watched.page.goto(url)
    watched.page.wait_for_function("() => window.shadowvaultReader !== undefined")
    if ".reader-view" in watched.page.inner_html("#reader-stage"):
        watched.page.wait_for_function(SHOWN)


def wait_for_page(page, number: int, chapter: int | None = None) -> None:
    test = f"window.shadowvaultReader.state().page === {number}"
    if chapter is not None:
        test += f" && window.shadowvaultReader.state().chapter === {chapter}"
    page.wait_for_function(f"() => {test}")


def reset_settings(page) -> None:
    with page.expect_response(lambda r: r.url.endswith("/settings/")):
        page.evaluate(
            "window.shadowvaultReader.choose(Object.fromEntries("
            "['mode', 'fit', 'spreads', 'coverAlone', 'spreadOffset', 'splitWide']"
            ".map((key) => [key, null])))"
        )


def test_a_chapter_reads_right_to_left_with_the_keys(site, chapters, reader):
    page = reader.page
    open_reader(reader, f"{site.url}/read/{chapters[0]}/?page=1")
    assert (state(page)["mode"], state(page)["page"]) == ("rtl", 0)

    page.keyboard.press("ArrowLeft")  # right to left: the left arrow turns forward
    page.keyboard.press("ArrowLeft")
    wait_for_page(page, 2)
    page.keyboard.press("ArrowRight")
    wait_for_page(page, 1)
    page.wait_for_function(SHOWN)
    page.mouse.move(640, 790)  # a mouse at the edge brings the bars back
    page.wait_for_function(BARS_SHOWN)
    reader.screenshot("reader-rtl")
    page.keyboard.press("End")
    wait_for_page(page, 4)
    page.keyboard.press("Home")
    wait_for_page(page, 0)

    assert page.locator("#reader-count").inner_text() == "1 / 5"
    assert page.get_attribute("#reader-slider", "dir") == "rtl"
    assert reader.errors == []


def test_progress_reaches_the_database_and_a_reload_resumes_there(site, chapters, reader):
    page = reader.page
    open_reader(reader, f"{site.url}/read/{chapters[0]}/?page=1")

    with page.expect_response(lambda r: r.url.endswith(f"/read/{chapters[0]}/progress/")) as sent:
        page.keyboard.press("Space")
        page.keyboard.press("Space")
    assert sent.value.status == 200
    assert (
        json.loads(site.manage("shell", "-c", PROGRESS).strip().splitlines()[-1])[str(chapters[0])]
        == 2
    )
    page.goto(f"{site.url}/read/{chapters[0]}/")  # no ?page= now: where the member stopped
    page.wait_for_function("() => window.shadowvaultReader !== undefined")
    page.reload()
    page.wait_for_function("() => window.shadowvaultReader !== undefined")

    assert state(page)["page"] == 2
    assert reader.errors == []


def test_leaving_right_after_a_turn_saves_the_page_with_a_beacon(site, chapters, reader):
    page = reader.page
    open_reader(reader, f"{site.url}/read/{chapters[1]}/?page=1")
    page.keyboard.press("ArrowLeft")
    wait_for_page(page, 1)

    # Gone before the one-second pause that saves a turn: only pagehide's beacon can save it.
    page.goto(f"{site.url}/manga/")
    saved = f"""async () => {{
      const answer = await fetch('/read/{chapters[1]}/pages.json');
      return (await answer.json()).savedPage === 1;
    }}"""
    page.wait_for_function(saved, polling=100, timeout=5000)
    assert reader.errors == []


def test_the_next_chapter_opens_from_the_last_page(site, chapters, reader):
    page = reader.page
    open_reader(reader, f"{site.url}/read/{chapters[0]}/?page=5")

    page.keyboard.press("ArrowLeft")  # past the last page: the card naming the next chapter
    card = page.locator(".reader-end")
    card.wait_for()
    assert "Next: Vol. 1 Ch. 2 Night Shift" in card.inner_text()
    with page.expect_response(lambda r: r.url.endswith(f"/read/{chapters[1]}/progress/")) as sent:
        page.keyboard.press("ArrowLeft")
        wait_for_page(page, 0, chapters[1])
    page.wait_for_function(SHOWN)

    assert page.url == f"{site.url}/read/{chapters[1]}/"
    assert sent.value.status == 200
    assert page.locator("#reader-chapter").inner_text() == "Vol. 1 Ch. 2 Night Shift"
    assert reader.errors == []


def test_paging_back_from_a_first_page_opens_the_previous_chapter_at_its_last(
    site, chapters, reader
):
    page = reader.page
    open_reader(reader, f"{site.url}/read/{chapters[1]}/?page=1")

    page.keyboard.press("ArrowRight")  # right to left: back, from the first page
    wait_for_page(page, 4, chapters[0])
    page.wait_for_function(SHOWN)
    assert page.url == f"{site.url}/read/{chapters[0]}/"
    assert page.locator("#reader-count").inner_text() == "5 / 5"
    page.keyboard.press("ArrowLeft")  # and forward again: the end card, as ever
    page.locator(".reader-end").wait_for()
    open_reader(reader, f"{site.url}/read/{chapters[1]}/?page=3")
    page.evaluate("document.querySelector('[data-action=previous-chapter]').click()")
    wait_for_page(page, 0, chapters[0])  # the button: the previous chapter's first page
    assert reader.errors == []


def test_a_spread_shows_two_pages_right_to_left_and_a_wide_page_alone(site, chapters, reader):
    page = reader.page
    open_reader(reader, f"{site.url}/read/{chapters[0]}/?page=2")
    page.click("[data-action=settings]")
    with page.expect_response(lambda r: r.url.endswith("/settings/")) as saved:
        page.check("#reader-settings input[name=spreads]")
    page.keyboard.press("Escape")
    page.wait_for_function(SHOWN)

    shown = page.eval_on_selector_all(
        ".reader-view img", "(images) => images.map((i) => i.dataset.index)"
    )
    boxes = page.eval_on_selector_all(".reader-view img", BOXES)
    assert saved.value.status == 200
    assert shown == ["2", "1"]  # pages 2 and 3, the second on the left
    assert state(page)["settings"]["fit"] == "screen"  # the default: both pages whole
    assert all(top >= 0 and bottom <= 800 for top, bottom in boxes)
    page.evaluate("window.shadowvaultReader.act('menu')")  # reading: the bars out of the way
    page.wait_for_selector(".reader-bars-hidden")
    page.wait_for_function(
        "() => getComputedStyle(document.getElementById('reader-top')).opacity === '0'"
    )
    reader.screenshot("reader-spread")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(SHOWN)
    wide = page.eval_on_selector_all(
        ".reader-view img", "(images) => images.map((i) => i.dataset.index)"
    )
    assert wide == ["3"]  # the double-page spread stands alone
    page.reload()  # the choice is the member's, for this series
    page.wait_for_function("() => window.shadowvaultReader !== undefined")
    assert state(page)["settings"]["spreads"] is True

    reset_settings(page)
    assert reader.errors == []


def test_a_webtoon_strip_reads_by_scrolling_and_keeps_its_place(site, chapters, reader):
    page = reader.page
    open_reader(reader, f"{site.url}/read/{chapters[1]}/?page=1")
    page.mouse.move(640, 5)  # the bars come back at the edge
    page.click("[data-action=settings]")
    page.check("#reader-settings input[name=mode][value=webtoon]")
    page.click("[data-action=close-settings]")
    page.wait_for_selector(".reader-strip")

    boxes = page.eval_on_selector_all(".reader-strip-page", BOXES)
    assert all(bottom - top > 100 for top, bottom in boxes)  # each holds its box, loaded or not
    assert all(abs(boxes[i][1] - boxes[i + 1][0]) < 0.5 for i in range(len(boxes) - 1))  # no gap
    page.mouse.move(640, 400)
    for _ in range(6):
        page.mouse.wheel(0, 600)
    page.wait_for_function("() => window.shadowvaultReader.state().page >= 1")
    page.wait_for_function(STRIP_SHOWN)
    reader.screenshot("reader-webtoon")
    place = page.evaluate(
        "[window.shadowvaultReader.state().page, document.getElementById('reader-stage').scrollTop]"
    )
    page.evaluate("window.shadowvaultReader.flush()")
    page.goto(f"{site.url}/read/{chapters[1]}/")  # no ?page=: where the member stopped
    page.wait_for_selector(".reader-strip")
    page.reload()
    page.wait_for_selector(".reader-strip")
    again = page.evaluate(
        "[window.shadowvaultReader.state().page, document.getElementById('reader-stage').scrollTop]"
    )

    assert again[0] == place[0]
    assert abs(again[1] - place[1]) < 4  # the same place within the page, not its top
    reset_settings(page)
    assert reader.errors == []


def test_the_webtoon_strip_reads_on_into_the_next_chapter(site, chapters, reader):
    page = reader.page
    open_reader(reader, f"{site.url}/read/{chapters[0]}/?page=4")
    with page.expect_response(lambda r: r.url.endswith("/settings/")):
        page.evaluate("window.shadowvaultReader.choose({mode: 'webtoon'})")
    divider = page.locator(".reader-strip-divider")
    divider.wait_for()  # near the end: the next chapter below, named
    page.mouse.move(640, 400)
    with page.expect_response(lambda r: r.url.endswith(f"/read/{chapters[0]}/progress/")) as sent:
        for _ in range(8):  # the wheel alone, no button
            page.mouse.wheel(0, 700)
        page.wait_for_function(f"() => window.shadowvaultReader.state().chapter === {chapters[1]}")
    page.evaluate("window.shadowvaultReader.flush()")

    assert divider.inner_text() == "Vol. 1 Ch. 2 Night Shift"
    assert page.url == f"{site.url}/read/{chapters[1]}/"
    assert page.locator("#reader-chapter").inner_text() == "Vol. 1 Ch. 2 Night Shift"
    assert page.locator("#reader-count").inner_text().endswith(" / 4")
    assert page.title().startswith("Vol. 1 Ch. 2 Night Shift")
    assert page.locator(".reader-strip-page").count() == 9  # both chapters, 5 + 4 pages
    assert sent.value.status == 200
    saved = json.loads(site.manage("shell", "-c", PROGRESS).strip().splitlines()[-1])
    assert saved[str(chapters[0])] == 4  # the chapter left: read to its last page
    reset_settings(page)
    assert reader.errors == []


READ_LINE_INTO_NEXT = """(offset) => {
  const stage = document.getElementById('reader-stage');
  const first = document.querySelector('.reader-strip-divider + img');
  stage.scrollTop += first.getBoundingClientRect().top - stage.clientHeight / 3 + offset;
}"""
SCROLL_ON = """(by) => {
  document.getElementById('reader-stage').scrollTop += by;
  return document.querySelector('.reader-strip-divider + img').getBoundingClientRect().top;
}"""


def test_the_strip_drops_chapters_far_above_without_moving_the_page_read(site, chapters, browser):
    visitor = WatchedPage.open(browser, viewport={"width": 800, "height": 900})
    page = visitor.page
    page.add_init_script("window.shadowvaultStripKeepBehind = 0")  # the sample has 2 chapters
    open_reader(visitor, f"{site.url}/read/{chapters[0]}/?page=5")
    page.evaluate("window.shadowvaultReader.choose({mode: 'webtoon'})")
    page.wait_for_selector(".reader-strip-divider")

    page.evaluate(READ_LINE_INTO_NEXT, -10)  # the next chapter's top just under the line
    page.wait_for_function(f"() => window.shadowvaultReader.state().chapter === {chapters[0]}")
    page.evaluate(READ_LINE_INTO_NEXT, 10)  # just over it: in the next chapter
    page.wait_for_function(f"() => window.shadowvaultReader.state().chapter === {chapters[1]}")
    kept = page.locator(".reader-strip-page").count()  # the divider is still on screen
    before = page.evaluate(SCROLL_ON, 400)  # and now above it: the first chapter can go
    page.wait_for_function("() => document.querySelectorAll('.reader-strip-page').length === 4")
    after = page.eval_on_selector(".reader-strip-page", "(i) => i.getBoundingClientRect().top")

    assert kept == 9
    assert abs(after - before) < 1  # the first chapter went; what was read did not move
    assert state(page)["chapter"] == chapters[1]
    assert visitor.errors == []


def swipe(cdp, start: tuple[int, int], end: tuple[int, int], steps: int = 6) -> None:
    """A real touch swipe (CDP's touch events become pointer events in the page)."""
    (x0, y0), (x1, y1) = start, end
    cdp.send(
        "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]}
    )
    for step in range(1, steps + 1):
        x = x0 + (x1 - x0) * step / steps
        y = y0 + (y1 - y0) * step / steps
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]}
        )
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def pinch(cdp, centre: tuple[int, int], spread: int) -> None:
    x, y = centre
    points = lambda d: [{"x": x - d, "y": y, "id": 1}, {"x": x + d, "y": y, "id": 2}]  # noqa: E731
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": points(20)})
    for d in range(30, 20 + spread, 10):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": points(d)})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_a_390px_phone_turns_with_swipes_and_taps_and_zooms_with_a_pinch(site, chapters, browser):
    phone = WatchedPage.open(browser, **PHONE_390)  # a visitor: the browser keeps the place
    page = phone.page
    open_reader(phone, f"{site.url}/read/{chapters[0]}/?page=2")
    cdp = page.context.new_cdp_session(page)

    swipe(cdp, (100, 420), (320, 430))  # right to left: a finger moving right turns forward
    wait_for_page(page, 2)
    swipe(cdp, (320, 420), (100, 430))
    wait_for_page(page, 1)
    page.touchscreen.tap(40, 420)  # the left third turns forward, right to left
    wait_for_page(page, 2)
    page.touchscreen.tap(195, 420)  # the middle: the bars come and go
    page.wait_for_function(
        "() => document.getElementById('reader').classList.contains('reader-bars-hidden') === false"
    )
    page.wait_for_function(SHOWN)
    phone.screenshot("reader-phone")
    pinch(cdp, (195, 420), 120)
    page.wait_for_selector(".reader-zoomed")
    swipe(cdp, (320, 420), (100, 430))  # zoomed: a drag pans, the page stays
    assert state(page)["page"] == 2

    assert phone.has_no_horizontal_scroll()
    page.goto(f"{site.url}/read/{chapters[0]}/")
    page.wait_for_function("() => window.shadowvaultReader !== undefined")
    assert state(page)["page"] == 2  # no page asked: where this browser stopped
    assert phone.errors == []


def test_the_settings_panel_works_by_keyboard_at_390px(site, chapters, browser):
    phone = WatchedPage.open(browser, **PHONE_390)
    page = phone.page
    open_reader(phone, f"{site.url}/read/{chapters[1]}/")
    page.focus("[data-action=settings]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#reader-settings:not([hidden])")
    focused = page.evaluate("document.activeElement.name")
    page.keyboard.press("ArrowDown")  # the next mode in the radio group
    chosen = page.evaluate("window.shadowvaultReader.state().mode")
    box = page.locator("#reader-settings").bounding_box()
    phone.screenshot("reader-settings-phone")
    page.keyboard.press("Escape")

    assert focused == "mode"
    assert chosen == "ltr"
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    assert page.evaluate("document.activeElement.dataset.action") == "settings"
    assert page.locator("#reader-settings").is_hidden()
    assert phone.errors == []


def test_vertical_mode_turns_down_and_a_split_spread_reads_its_right_half_first(
    site, chapters, browser
):
    visitor = WatchedPage.open(browser, viewport={"width": 800, "height": 900})
    page = visitor.page
    open_reader(visitor, f"{site.url}/read/{chapters[0]}/?page=3")
    page.evaluate("window.shadowvaultReader.choose({splitWide: true})")
    halves = []
    for _ in range(2):
        page.keyboard.press("ArrowLeft")
        page.wait_for_function(SHOWN)
        halves.append(page.get_attribute(".reader-view img", "alt"))
    page.evaluate("window.shadowvaultReader.choose({mode: 'vertical', splitWide: null})")
    page.keyboard.press("ArrowDown")

    assert halves == ["Page 4 (right half)", "Page 4 (left half)"]
    wait_for_page(page, 4)
    assert state(page)["mode"] == "vertical"
    assert visitor.errors == []
