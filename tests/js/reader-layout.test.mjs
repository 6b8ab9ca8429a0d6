import assert from "node:assert/strict";
import { test } from "node:test";

import {
  lastPageOf,
  lastViewOfPage,
  pageParts,
  pairViews,
  screenOrder,
  viewOfPage,
  viewsFor,
} from "../../static/js/reader/layout.js";

// Pages as the manifest gives them; `wide` lists the double-page spreads.
function pages(count, wide = []) {
  return Array.from({ length: count }, (_, index) => ({ index, isWide: wide.includes(index) }));
}

// Views as page numbers, halves marked "3L"/"3R": easy to read in an assertion.
function shape(views) {
  return views.map((view) => view.map((part) => `${part.page}${part.half ? part.half[0].toUpperCase() : ""}`));
}

test("single-page mode shows each page alone, in order", () => {
  assert.deepEqual(shape(viewsFor(pages(3), { mode: "ltr", spreads: false })), [["0"], ["1"], ["2"]]);
});

test("spreads pair pages after the cover, which stands alone", () => {
  const views = viewsFor(pages(6), { mode: "ltr", spreads: true, coverAlone: true });
  assert.deepEqual(shape(views), [["0"], ["1", "2"], ["3", "4"], ["5"]]);
});

test("without the cover alone, pairs start at the first page", () => {
  const views = viewsFor(pages(4), { mode: "ltr", spreads: true, coverAlone: false });
  assert.deepEqual(shape(views), [["0", "1"], ["2", "3"]]);
});

test("a wide page stands alone and pairing starts afresh after it", () => {
  const views = viewsFor(pages(7, [3]), { mode: "rtl", spreads: true, coverAlone: true });
  assert.deepEqual(shape(views), [["0"], ["1", "2"], ["3"], ["4", "5"], ["6"]]);
});

test("a page left without a partner before a wide page stands alone", () => {
  const views = viewsFor(pages(5, [2]), { mode: "ltr", spreads: true, coverAlone: true });
  assert.deepEqual(shape(views), [["0"], ["1"], ["2"], ["3", "4"]]);
});

test("the offset shifts every pair after the cover by one page", () => {
  const plain = viewsFor(pages(6), { mode: "ltr", spreads: true, coverAlone: true, spreadOffset: false });
  const shifted = viewsFor(pages(6), { mode: "ltr", spreads: true, coverAlone: true, spreadOffset: true });
  assert.deepEqual(shape(plain), [["0"], ["1", "2"], ["3", "4"], ["5"]]);
  assert.deepEqual(shape(shifted), [["0"], ["1"], ["2", "3"], ["4", "5"]]);
});

test("spreads apply to the paged left-to-right and right-to-left modes only", () => {
  for (const mode of ["vertical", "webtoon"]) {
    assert.deepEqual(shape(viewsFor(pages(3), { mode, spreads: true })), [["0"], ["1"], ["2"]]);
  }
});

test("a split wide page reads its left half first left to right, its right half first right to left", () => {
  const book = pages(3, [1]);
  assert.deepEqual(shape(viewsFor(book, { mode: "ltr", splitWide: true })), [["0"], ["1L"], ["1R"], ["2"]]);
  assert.deepEqual(shape(viewsFor(book, { mode: "rtl", splitWide: true })), [["0"], ["1R"], ["1L"], ["2"]]);
});

test("with spreads on, a wide page stays whole even when splitting is chosen", () => {
  const parts = pageParts(pages(3, [1]), { splitWide: true, spreads: true, rtl: true });
  assert.deepEqual(parts.map((part) => part.half), [null, null, null]);
});

test("a pair is drawn right to left on screen in right-to-left reading", () => {
  const [, pair] = pairViews(pageParts(pages(3)), pages(3), { spreads: true, coverAlone: true });
  assert.deepEqual(screenOrder(pair, true).map((part) => part.page), [2, 1]);
  assert.deepEqual(screenOrder(pair, false).map((part) => part.page), [1, 2]);
});

test("a page is found in its view and a view's furthest page is what counts as read", () => {
  const views = viewsFor(pages(6), { mode: "rtl", spreads: true, coverAlone: true });
  assert.equal(viewOfPage(views, 4), 2);
  assert.equal(viewOfPage(views, 9), -1);
  assert.equal(lastPageOf(views[1]), 2);
});

test("paging back into a chapter lands on the last view of its last page", () => {
  const split = viewsFor(pages(3, [2]), { mode: "rtl", splitWide: true });
  assert.deepEqual(shape(split), [["0"], ["1"], ["2R"], ["2L"]]);
  assert.equal(viewOfPage(split, 2), 2); // forward: the right half first
  assert.equal(lastViewOfPage(split, 2), 3); // back: the left half, read last
  const spreads = viewsFor(pages(5), { mode: "ltr", spreads: true, coverAlone: true });
  assert.equal(lastViewOfPage(spreads, 4), 2);
  assert.equal(lastViewOfPage(spreads, 7), -1);
});
