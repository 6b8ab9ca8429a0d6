import assert from "node:assert/strict";
import { test } from "node:test";

import {
  SEEK_STEP_S,
  bufferedSpan,
  clampSeek,
  knownDuration,
  playedFraction,
  pointerFraction,
  previewOffset,
  sliderTarget,
} from "../../static/js/player/seek-fraction.js";

test("the element's duration wins once it is a positive finite number", () => {
  assert.equal(knownDuration(90.5, 60), 90.5);
  assert.equal(knownDuration(NaN, 60), 60);
  assert.equal(knownDuration(Infinity, 60), 60); // a live stream's duration
  assert.equal(knownDuration(0, 60), 60);
  assert.equal(knownDuration(NaN, null), 0);
  assert.equal(knownDuration(NaN, -5), 0);
});

test("a pointer maps to its share of the bar", () => {
  assert.equal(pointerFraction(150, 100, 200), 0.25);
  assert.equal(pointerFraction(100, 100, 200), 0);
  assert.equal(pointerFraction(300, 100, 200), 1);
});

test("a pointer past either end of the bar clamps to that end", () => {
  assert.equal(pointerFraction(20, 100, 200), 0);
  assert.equal(pointerFraction(1000, 100, 200), 1);
});

test("a bar with no width (hidden) gives 0, not NaN or Infinity", () => {
  assert.equal(pointerFraction(150, 100, 0), 0);
});

test("the played share clamps to 0..1 and is 0 while the duration is unknown", () => {
  assert.equal(playedFraction(30, 120), 0.25);
  assert.equal(playedFraction(-3, 120), 0);
  assert.equal(playedFraction(200, 120), 1);
  assert.equal(playedFraction(30, 0), 0);
});

test("seeks clamp to the start and to a known end", () => {
  assert.equal(clampSeek(-10, 60), 0);
  assert.equal(clampSeek(75, 60), 60);
  assert.equal(clampSeek(30.5, 60), 30.5);
});

test("with the duration unknown, a seek is bounded below only", () => {
  assert.equal(clampSeek(5000, 0), 5000);
  assert.equal(clampSeek(-1, 0), 0);
});

test("the slider's keys step by one, Page keys by six steps", () => {
  assert.equal(sliderTarget("ArrowRight", 30, 600, SEEK_STEP_S), 40);
  assert.equal(sliderTarget("ArrowUp", 30, 600, SEEK_STEP_S), 40);
  assert.equal(sliderTarget("ArrowLeft", 30, 600, SEEK_STEP_S), 20);
  assert.equal(sliderTarget("ArrowDown", 30, 600, SEEK_STEP_S), 20);
  assert.equal(sliderTarget("PageUp", 30, 600, SEEK_STEP_S), 90);
  assert.equal(sliderTarget("PageDown", 30, 600, SEEK_STEP_S), -30); // clampSeek makes it 0
  assert.equal(sliderTarget("Home", 30, 600, SEEK_STEP_S), 0);
  assert.equal(sliderTarget("End", 30, 600, SEEK_STEP_S), 600);
});

test("keys the slider does not take give null, inherited names included", () => {
  for (const key of ["a", " ", "Enter", "arrowright", "toString", "constructor", "hasOwnProperty"]) {
    assert.equal(sliderTarget(key, 30, 600, SEEK_STEP_S), null, key);
  }
});

test("buffered spans stay inside the bar", () => {
  assert.deepEqual(bufferedSpan(15, 30, 60), { left: 0.25, width: 0.25 });
  assert.deepEqual(bufferedSpan(30, 90, 60), { left: 0.5, width: 0.5 });
  assert.deepEqual(bufferedSpan(90, 120, 60), { left: 1, width: 0 });
});

test("the preview box centres on the pointer but never leaves the bar", () => {
  assert.equal(previewOffset(0.5, 400, 100), 150);
  assert.equal(previewOffset(0, 400, 100), 0);
  assert.equal(previewOffset(1, 400, 100), 300);
  assert.equal(previewOffset(0.9, 400, 100), 300);
});
