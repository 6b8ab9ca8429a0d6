import assert from "node:assert/strict";
import { test } from "node:test";

import { breakQuery, crossedPoint } from "../../static/js/player/ad-points.js";

const POINTS = [300, 600, 900];

test("normal play crossing a point makes its break due", () => {
  assert.deepEqual(crossedPoint(POINTS, new Set(), 299.8, 300.1), { point: 300, passed: [300] });
});

test("a point the playhead lands on exactly is crossed; one it left is not crossed again", () => {
  assert.equal(crossedPoint(POINTS, new Set(), 299.9, 300).point, 300);
  assert.equal(crossedPoint(POINTS, new Set(), 300, 300.2), null);
});

test("a point already played is not due again when play crosses it after a seek back", () => {
  assert.equal(crossedPoint(POINTS, new Set([300]), 299.8, 300.1), null);
});

test("a seek forward over several unplayed points makes one break due, the last one", () => {
  assert.deepEqual(crossedPoint(POINTS, new Set(), 10, 950), { point: 900, passed: [300, 600, 900] });
});

test("a seek forward over a played and an unplayed point plays the unplayed one", () => {
  assert.deepEqual(crossedPoint(POINTS, new Set([600]), 10, 700), { point: 300, passed: [300, 600] });
});

test("a seek backward, standing still, or an unknown place makes nothing due", () => {
  assert.equal(crossedPoint(POINTS, new Set(), 950, 10), null);
  assert.equal(crossedPoint(POINTS, new Set(), 300, 300), null);
  assert.equal(crossedPoint(POINTS, new Set(), null, 400), null);
  assert.equal(crossedPoint(POINTS, new Set(), 200, NaN), null);
  assert.equal(crossedPoint([], new Set(), 0, 1000), null);
});

test("the break query names where, and for a mid-roll the whole second", () => {
  assert.equal(breakQuery("pre_roll"), "where=pre_roll");
  assert.equal(breakQuery("mid_roll", 300.4), "where=mid_roll&at=300");
  assert.equal(breakQuery("post_roll", null), "where=post_roll");
});
