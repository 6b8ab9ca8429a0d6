import assert from "node:assert/strict";
import { test } from "node:test";

import { cacheBuster, fillMacros, playheadText, timestampText } from "../../static/js/player/ad-macros.js";

const NOW = new Date(Date.UTC(2026, 11, 5, 12, 0, 7, 127));

test("the playhead reads as VAST time, HH:MM:SS.mmm", () => {
  assert.equal(playheadText(0), "00:00:00.000");
  assert.equal(playheadText(3725.5), "01:02:05.500");
  assert.equal(playheadText(59.9996), "00:01:00.000");
  assert.equal(playheadText(-3), "00:00:00.000");
});

test("the timestamp is ISO 8601 with milliseconds and the zone", () => {
  assert.equal(timestampText(NOW), "2026-12-05T12:00:07.127+00:00");
});

test("cache busting is eight digits", () => {
  assert.equal(cacheBuster(() => 0), "00000000");
  assert.equal(cacheBuster(() => 0.123456789), "12345678");
  assert.match(cacheBuster(), /^\d{8}$/);
});

test("every macro with a value is filled, URL-encoded", () => {
  const url =
    "https://t.example/e?c=[ERRORCODE]&r=[CACHEBUSTING]&t=[TIMESTAMP]&p=[CONTENTPLAYHEAD]&m=[MEDIAPLAYHEAD]";
  const values = { errorCode: 405, contentPlayhead: 61.5, mediaPlayhead: 2, now: NOW, random: () => 0.5 };
  assert.equal(
    fillMacros(url, values),
    "https://t.example/e?c=405&r=50000000&t=2026-12-05T12%3A00%3A07.127%2B00%3A00" +
      "&p=00%3A01%3A01.500&m=00%3A00%3A02.000",
  );
});

test("a macro without a value, or unknown, stays as written", () => {
  const url = "https://t.example/e?c=[ERRORCODE]&p=[CONTENTPLAYHEAD]&x=[DOMAIN]&lower=[errorcode]";
  assert.equal(fillMacros(url, { contentPlayhead: NaN }), url);
});

test("a filled value can never add a parameter: nothing but digits and escapes comes in", () => {
  for (let i = 0; i < 200; i += 1) {
    const filled = fillMacros("https://t.example/?a=[CACHEBUSTING]&b=[TIMESTAMP]&c=[CONTENTPLAYHEAD]", {
      contentPlayhead: Math.random() * 1e6,
      now: new Date(Math.floor(Math.random() * 4e12)),
    });
    assert.equal(filled.split("&").length, 3);
    assert.doesNotMatch(filled, /[[\]+ ]/);
  }
});
