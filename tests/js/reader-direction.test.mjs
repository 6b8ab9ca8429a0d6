import assert from "node:assert/strict";
import { test } from "node:test";

import { keyAction, swipeAction, tapAction } from "../../static/js/reader/direction.js";

test("arrows follow the reading direction", () => {
  assert.equal(keyAction("ArrowRight", "ltr"), "next");
  assert.equal(keyAction("ArrowLeft", "ltr"), "prev");
  assert.equal(keyAction("ArrowLeft", "rtl"), "next");
  assert.equal(keyAction("ArrowRight", "rtl"), "prev");
  assert.equal(keyAction("ArrowDown", "vertical"), "forward");
  assert.equal(keyAction("ArrowUp", "vertical"), "back");
  assert.equal(keyAction("ArrowDown", "webtoon"), "scroll-down");
});

test("space goes forward and shift+space back; page keys, home, end and f", () => {
  assert.equal(keyAction(" ", "rtl"), "forward");
  assert.equal(keyAction(" ", "rtl", true), "back");
  assert.equal(keyAction("PageDown", "ltr"), "next");
  assert.equal(keyAction("PageUp", "ltr"), "prev");
  assert.equal(keyAction("PageDown", "webtoon"), "forward");
  assert.equal(keyAction("Home", "rtl"), "first");
  assert.equal(keyAction("End", "rtl"), "last");
  assert.equal(keyAction("f", "ltr"), "fullscreen");
  assert.equal(keyAction("F", "webtoon"), "fullscreen");
  assert.equal(keyAction("q", "ltr"), null);
});

test("the outer thirds turn the page, the left one forward right to left; the middle shows the bars", () => {
  assert.equal(tapAction(10, 300, "ltr"), "prev");
  assert.equal(tapAction(290, 300, "ltr"), "next");
  assert.equal(tapAction(10, 300, "rtl"), "next");
  assert.equal(tapAction(290, 300, "rtl"), "prev");
  assert.equal(tapAction(150, 300, "rtl"), "menu");
  assert.equal(tapAction(290, 300, "webtoon"), "forward");
});

test("a swipe against the reading direction turns forward; short or crosswise ones do nothing", () => {
  assert.equal(swipeAction(-120, 5, "ltr"), "next");
  assert.equal(swipeAction(120, 5, "ltr"), "prev");
  assert.equal(swipeAction(120, 5, "rtl"), "next");
  assert.equal(swipeAction(-120, 5, "rtl"), "prev");
  assert.equal(swipeAction(5, -120, "vertical"), "next");
  assert.equal(swipeAction(30, 0, "ltr"), null);
  assert.equal(swipeAction(80, 120, "ltr"), null);
  assert.equal(swipeAction(-120, 0, "webtoon"), null);
});
