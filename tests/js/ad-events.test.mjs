import assert from "node:assert/strict";
import { test } from "node:test";

import { createAdEvents, progressDue } from "../../static/js/player/ad-events.js";

test("the first frame fires the impression and start, once", () => {
  const events = createAdEvents();
  assert.deepEqual(events.started(), ["impression", "start"]);
  assert.deepEqual(events.started(), []);
});

test("quartiles fire as the playhead reaches them, each once, and only after the start", () => {
  const events = createAdEvents();
  assert.deepEqual(events.reached(5, 20), []);
  events.started();
  assert.deepEqual(events.reached(4.9, 20), []);
  assert.deepEqual(events.reached(5, 20), ["firstQuartile"]);
  assert.deepEqual(events.reached(16, 20), ["midpoint", "thirdQuartile"]);
  assert.deepEqual(events.reached(17, 20), []);
  assert.deepEqual(events.ended(), ["complete"]);
});

test("the end fires the quartiles a coarse timeupdate missed, then complete", () => {
  const events = createAdEvents();
  events.started();
  assert.deepEqual(events.ended(), ["firstQuartile", "midpoint", "thirdQuartile", "complete"]);
});

test("clicks, pauses and mutes fire each time; nothing fires after the ad is over", () => {
  const events = createAdEvents();
  events.started();
  assert.deepEqual(events.clicked(), ["click"]);
  assert.deepEqual(events.clicked(), ["click"]);
  assert.deepEqual(events.paused(), ["pause"]);
  assert.deepEqual(events.muted(), ["mute"]);
  assert.deepEqual(events.skipped(), ["skip"]);
  assert.equal(events.done(), true);
  assert.deepEqual(events.paused(), []);
  assert.deepEqual(events.ended(), []);
  assert.deepEqual(events.failed(), []);
});

test("an error ends the ad with one error event", () => {
  const events = createAdEvents();
  assert.deepEqual(events.failed(), ["error"]);
  assert.deepEqual(events.started(), []);
});

test("an unknown duration fires no quartile until the end", () => {
  const events = createAdEvents();
  events.started();
  assert.deepEqual(events.reached(10, NaN), []);
  assert.deepEqual(events.reached(10, 0), []);
});

test("progress trackers fire once their offset is reached, each once", () => {
  const progress = [
    { offset: 5, url: "https://t.example/5" },
    { offset: 10, url: "https://t.example/10" },
  ];
  const sent = new Set();
  assert.deepEqual(progressDue(progress, 4, sent), []);
  assert.deepEqual(progressDue(progress, 10, sent), ["https://t.example/5", "https://t.example/10"]);
  assert.deepEqual(progressDue(progress, 11, sent), []);
});
