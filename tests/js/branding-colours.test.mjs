import assert from "node:assert/strict";
import { test } from "node:test";

import {
  contrast,
  contrastWarnings,
  luminance,
  normaliseHex,
  shownRatio,
} from "../../static/js/branding/colours.js";

test("colours are taken as #rrggbb, with or without the hash, in any case", () => {
  assert.equal(normaliseHex("#8B5CF6"), "#8b5cf6");
  assert.equal(normaliseHex("  22d3ee "), "#22d3ee");
  for (const bad of ["", "#fff", "#12345g", "red", "#1234567", "javascript:x", null, undefined]) {
    assert.equal(normaliseHex(bad), null, String(bad));
  }
});

test("luminance runs from black to white", () => {
  assert.equal(luminance("#000000"), 0);
  assert.ok(Math.abs(luminance("#ffffff") - 1) < 1e-12);
});

test("contrast ratios match WCAG's examples, in either order", () => {
  assert.ok(Math.abs(contrast("#000000", "#ffffff") - 21) < 1e-9);
  assert.equal(contrast("#777777", "#ffffff"), contrast("#ffffff", "#777777"));
  // #767676 on white is the lightest grey that passes 4.5:1; #777777 just fails.
  assert.ok(contrast("#767676", "#ffffff") >= 4.5);
  assert.ok(contrast("#777777", "#ffffff") < 4.5);
  assert.equal(contrast("#8b5cf6", "#8b5cf6"), 1);
});

test("a ratio is shown rounded down, never reading as a pass it is not", () => {
  assert.equal(shownRatio(4.4999), "4.4:1");
  assert.equal(shownRatio(21), "21.0:1");
});

test("the warnings are the server's (console/branding/contrast.py), word for word", () => {
  assert.deepEqual(contrastWarnings("#4c1d95", "#22d3ee"), []);
  assert.deepEqual(contrastWarnings("#ffff00", "#111111"), [
    "White text on the first colour (buttons) has a contrast of 1.0:1; 4.5:1 reads well. A darker colour helps.",
    "Text in the second colour on the dark page has a contrast of 1.0:1; 4.5:1 reads well. A lighter colour helps.",
  ]);
});
