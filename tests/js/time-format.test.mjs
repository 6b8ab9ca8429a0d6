import assert from "node:assert/strict";
import { test } from "node:test";

import { formatTime, spokenTime } from "../../static/js/player/time-format.js";

test("times under an hour read minutes and two-digit seconds", () => {
  assert.equal(formatTime(0), "0:00");
  assert.equal(formatTime(5), "0:05");
  assert.equal(formatTime(65), "1:05");
  assert.equal(formatTime(3599), "59:59");
});

test("from an hour on, minutes get two digits too", () => {
  assert.equal(formatTime(3600), "1:00:00");
  assert.equal(formatTime(3661), "1:01:01");
  assert.equal(formatTime(10 * 3600 + 59 * 60 + 9), "10:59:09");
});

test("fractions of a second are dropped, never rounded up", () => {
  assert.equal(formatTime(59.999), "0:59");
  assert.equal(formatTime(3599.9), "59:59");
});

test("negative, NaN and infinite times read as zero", () => {
  for (const time of [-1, -0.5, -3600, NaN, Infinity, -Infinity, undefined, null, "12"]) {
    assert.equal(formatTime(time), "0:00", String(time));
    assert.equal(spokenTime(time), "0 seconds", String(time));
  }
});

test("spoken times name each non-zero unit, singular for one", () => {
  assert.equal(spokenTime(1), "1 second");
  assert.equal(spokenTime(60), "1 minute");
  assert.equal(spokenTime(61), "1 minute 1 second");
  assert.equal(spokenTime(3600), "1 hour");
  assert.equal(spokenTime(3602), "1 hour 2 seconds");
  assert.equal(spokenTime(2 * 3600 + 2 * 60 + 2.7), "2 hours 2 minutes 2 seconds");
});
