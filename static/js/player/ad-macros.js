// VAST tracking-URL macros the player fills when it fires a URL: [CACHEBUSTING],
// [TIMESTAMP], [CONTENTPLAYHEAD], [MEDIAPLAYHEAD], [ERRORCODE]. The same rules as the
// server's ads.vast.macros (VAST 4, section 6 "Macros"): every value is URL-encoded before it
// replaces its macro, so a value can never end the query or add a parameter, and a macro we
// have no value for (or do not know) stays as it is. Pure, no DOM.

const MACRO = /\[([A-Z][A-Z0-9_]*)\]/g;

const pad = (number, width = 2) => String(number).padStart(width, "0");

/** VAST time, HH:MM:SS.mmm; a negative playhead reads as zero. */
export function playheadText(seconds) {
  const millis = Math.round(Math.max(seconds, 0) * 1000);
  const hours = Math.floor(millis / 3_600_000);
  const minutes = Math.floor(millis / 60_000) % 60;
  const rest = millis % 60_000;
  return `${pad(hours)}:${pad(minutes)}:${pad(Math.floor(rest / 1000))}.${pad(rest % 1000, 3)}`;
}

/** ISO 8601 with milliseconds and the zone, as VAST 4 asks: 2016-01-17T08:15:07.127+00:00. */
export function timestampText(date) {
  return date.toISOString().replace("Z", "+00:00");
}

/** VAST: [CACHEBUSTING] is 8 random digits. `random` returns a number in [0, 1). */
export function cacheBuster(random = Math.random) {
  return pad(Math.floor(random() * 1e8), 8);
}

/**
 * `url` with the macros we have values for replaced. `values`: errorCode, contentPlayhead,
 * mediaPlayhead (seconds; an unknown one is left out), now (a Date), random.
 */
export function fillMacros(url, values = {}) {
  const known = {
    CACHEBUSTING: cacheBuster(values.random),
    TIMESTAMP: timestampText(values.now || new Date()),
  };
  if (Number.isInteger(values.errorCode)) known.ERRORCODE = String(values.errorCode);
  if (Number.isFinite(values.contentPlayhead)) known.CONTENTPLAYHEAD = playheadText(values.contentPlayhead);
  if (Number.isFinite(values.mediaPlayhead)) known.MEDIAPLAYHEAD = playheadText(values.mediaPlayhead);
  return url.replace(MACRO, (whole, name) =>
    Object.hasOwn(known, name) ? encodeURIComponent(known[name]) : whole,
  );
}
