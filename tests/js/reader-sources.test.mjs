import assert from "node:assert/strict";
import { test } from "node:test";

import { drawnWidth, pickSource, sizesFor, srcsetText } from "../../static/js/reader/sources.js";
import { defaultsFor, settingsFor, validChoices } from "../../static/js/reader/settings-rules.js";

const CANDIDATES = [
  { url: "/p/auto-400", width: 400 },
  { url: "/p/auto-800", width: 800 },
  { url: "/p/auto-1200", width: 1200 },
  { url: "/p/orig", width: 1600 },
];

test("the srcset names each candidate with its width", () => {
  assert.equal(srcsetText(CANDIDATES.slice(0, 2)), "/p/auto-400 400w, /p/auto-800 800w");
});

test("the narrowest image covering the drawn width at the screen's pixel ratio is chosen", () => {
  assert.equal(pickSource(CANDIDATES, 390, 1).url, "/p/auto-400");
  assert.equal(pickSource(CANDIDATES, 390, 2).url, "/p/auto-800");
  assert.equal(pickSource(CANDIDATES, 390, 3).url, "/p/auto-1200");
  assert.equal(pickSource(CANDIDATES, 1280, 2).url, "/p/orig"); // wider than any: the widest
  assert.equal(pickSource(CANDIDATES, 390, NaN).url, "/p/auto-400");
  assert.equal(pickSource([], 390, 1), null);
});

test("the drawn width follows the fit", () => {
  const phone = { width: 390, height: 844 };
  assert.equal(drawnWidth(800, 1200, "screen", phone), 390); // the width limits a page
  assert.equal(Math.round(drawnWidth(800, 1200, "screen", { width: 1280, height: 800 })), 533);
  assert.equal(drawnWidth(800, 1200, "width", phone), 390);
  assert.equal(Math.round(drawnWidth(800, 1200, "height", phone)), 563);
  assert.equal(drawnWidth(800, 1200, "original", phone), 800);
  assert.equal(drawnWidth(800, 1200, "width", { width: 1280, height: 800 }, 2), 640);
  assert.equal(sizesFor(389.6), "390px");
});

test("the series' direction gives the defaults: manga right to left, webtoons a strip fitted to the width", () => {
  assert.equal(defaultsFor("rtl").mode, "rtl");
  assert.deepEqual([defaultsFor("webtoon").mode, defaultsFor("webtoon").fit], ["webtoon", "width"]);
  assert.equal(defaultsFor("sideways").mode, "ltr");
});

test("the reader's valid choices go on top of the defaults, a chosen mode bringing its own fit", () => {
  assert.deepEqual(validChoices({ mode: "x", fit: "width", spreads: "yes", coverAlone: false }), {
    fit: "width",
    coverAlone: false,
  });
  const settings = settingsFor("rtl", { mode: "webtoon" });
  assert.deepEqual([settings.mode, settings.fit], ["webtoon", "width"]);
  assert.equal(settingsFor("rtl", null).mode, "rtl");
});
