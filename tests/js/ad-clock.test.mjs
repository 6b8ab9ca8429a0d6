import assert from "node:assert/strict";
import { test } from "node:test";

import { adLabel, skipState } from "../../static/js/player/ad-clock.js";

test("the label counts the seconds left down, rounded up", () => {
  assert.equal(adLabel(12, 0), "Ad · 0:12");
  assert.equal(adLabel(12, 0.2), "Ad · 0:12");
  assert.equal(adLabel(12, 11.5), "Ad · 0:01");
  assert.equal(adLabel(12, 12), "Ad · 0:00");
  assert.equal(adLabel(75, 0), "Ad · 1:15");
});

test("an unknown duration or a playhead past the end reads zero, never NaN or negative", () => {
  assert.equal(adLabel(NaN, 3), "Ad · 0:00");
  assert.equal(adLabel(10, 30), "Ad · 0:00");
  assert.equal(adLabel(10, NaN), "Ad · 0:10");
});

test("the skip button counts down to the offset, then skips", () => {
  assert.deepEqual(skipState(5, 20, 0), { ready: false, text: "Skip in 5" });
  assert.deepEqual(skipState(5, 20, 4.2), { ready: false, text: "Skip in 1" });
  assert.deepEqual(skipState(5, 20, 5), { ready: true, text: "Skip ad" });
  assert.deepEqual(skipState(0, 20, 0), { ready: true, text: "Skip ad" });
});

test("an ad without a skip offset, or with one past its end, has no skip button", () => {
  assert.equal(skipState(null, 20, 3), null);
  assert.equal(skipState(undefined, 20, 3), null);
  assert.equal(skipState(20, 20, 3), null);
  assert.equal(skipState(5, NaN, 3).ready, false); // duration not known yet: still counts down
});
