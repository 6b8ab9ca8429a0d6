// What each screen of the paged reader shows: pure functions over the manifest's pages, no
// DOM. A "part" is a page, or one half of a wide page split in two; a "view" is what one
// screen shows (one part, or two side by side in spread mode), in reading order.

/** The parts of `pages` in reading order: a wide page split in two halves when `splitWide`
 * (only in single-page mode: side by side, a spread is already whole), the right half first
 * when reading right to left. */
export function pageParts(pages, { splitWide = false, spreads = false, rtl = false } = {}) {
  const parts = [];
  for (const page of pages) {
    if (splitWide && !spreads && page.isWide) {
      const halves = rtl ? ["right", "left"] : ["left", "right"];
      for (const half of halves) parts.push({ page: page.index, half });
    } else {
      parts.push({ page: page.index, half: null });
    }
  }
  return parts;
}

/** Parts grouped into views. Single-page mode: one part each. Spreads: pages in pairs, but
 * a wide page alone, the cover (page 0) alone with `coverAlone`, and `spreadOffset` makes
 * the first page that could pair stand alone instead, shifting every pair after it by one
 * (for books whose spreads are out of step). After a page standing alone, pairing starts
 * afresh, so a pair never straddles a wide page. */
export function pairViews(parts, pages, { spreads = false, coverAlone = true, spreadOffset = false } = {}) {
  if (!spreads) return parts.map((part) => [part]);
  const views = [];
  let waiting = null;
  let shift = spreadOffset;
  const alone = (part) => {
    if (waiting) views.push([waiting]);
    waiting = null;
    views.push([part]);
  };
  for (const part of parts) {
    const page = pages[part.page];
    if (part.half || (page && page.isWide) || (coverAlone && part.page === 0)) {
      alone(part);
    } else if (shift) {
      shift = false;
      alone(part);
    } else if (waiting) {
      views.push([waiting, part]);
      waiting = null;
    } else {
      waiting = part;
    }
  }
  if (waiting) views.push([waiting]);
  return views;
}

/** The parts of a view from left to right on the screen: a pair reads right to left in RTL. */
export function screenOrder(view, rtl) {
  return rtl && view.length === 2 ? [view[1], view[0]] : view;
}

/** The index of the view showing `page` (the first, for a split page), or -1. */
export function viewOfPage(views, page) {
  return views.findIndex((view) => view.some((part) => part.page === page));
}

/** The index of the last view showing `page` (the second half, for a split page), or -1:
 * where paging back into a chapter from the next one lands. */
export function lastViewOfPage(views, page) {
  return views.findLastIndex((view) => view.some((part) => part.page === page));
}

/** The furthest page a view shows: what counts as read when it is on screen. */
export function lastPageOf(view) {
  return Math.max(...view.map((part) => part.page));
}

/** Every view for `pages` under `settings` (mode, spreads, coverAlone, spreadOffset,
 * splitWide). Vertical and webtoon modes show one page at a time. */
export function viewsFor(pages, settings) {
  const rtl = settings.mode === "rtl";
  const spreads = settings.spreads && (settings.mode === "ltr" || rtl);
  const parts = pageParts(pages, { splitWide: settings.splitWide, spreads, rtl });
  return pairViews(parts, pages, { ...settings, spreads });
}
