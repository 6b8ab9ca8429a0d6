// The reader's settings: the series' direction gives the defaults, the reader's own choices
// (kept per series, on the account or in this browser) go on top. Pure functions, no DOM.
// The server checks the same names and values (readvault/reader/choices.py).

export const MODES = ["ltr", "rtl", "vertical", "webtoon"];
export const FITS = ["screen", "width", "height", "original"];
export const FLAGS = ["spreads", "coverAlone", "spreadOffset", "splitWide"];

/** The defaults for a series read in `direction` (Chapter.direction: ltr, rtl, vertical or
 * webtoon): manga right to left, a webtoon as a strip fitted to the width. */
export function defaultsFor(direction) {
  const mode = MODES.includes(direction) ? direction : "ltr";
  return {
    mode,
    fit: mode === "webtoon" ? "width" : "screen",
    spreads: false,
    coverAlone: true,
    spreadOffset: false,
    splitWide: false,
  };
}

/** The valid choices among `saved` (anything: it may come from an old localStorage). */
export function validChoices(saved) {
  const kept = {};
  if (!saved || typeof saved !== "object") return kept;
  if (MODES.includes(saved.mode)) kept.mode = saved.mode;
  if (FITS.includes(saved.fit)) kept.fit = saved.fit;
  for (const flag of FLAGS) if (typeof saved[flag] === "boolean") kept[flag] = saved[flag];
  return kept;
}

/** The settings in force: the direction's defaults with the valid saved choices on top; a
 * mode chosen without a fit gets that mode's default fit. */
export function settingsFor(direction, saved) {
  const choices = validChoices(saved);
  const base = defaultsFor(choices.mode || direction);
  return { ...base, ...choices };
}
