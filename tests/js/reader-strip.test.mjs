import assert from "node:assert/strict";
import { test } from "node:test";

import { chaptersToDrop, KEEP_BEHIND } from "../../static/js/reader/strip.js";

test("the strip keeps one chapter above the one being read, and drops the rest", () => {
  assert.equal(KEEP_BEHIND, 1);
  assert.equal(chaptersToDrop(0), 0); // the first chapter opened
  assert.equal(chaptersToDrop(1), 0); // read on into the second: the first stays above
  assert.equal(chaptersToDrop(2), 1); // into the third: the first goes
  assert.equal(chaptersToDrop(3, 0), 3);
});
