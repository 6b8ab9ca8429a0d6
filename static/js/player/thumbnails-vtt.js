// Seek previews: read a WebVTT "thumbnails track" (one cue per tile of a sprite sheet, the
// cue text `<image>#xywh=x,y,w,h`, W3C Media Fragments spatial dimension) and find the tile
// for a time. Pure functions, no DOM: previews.js draws what these return.
//
// Tolerant on purpose: a damaged or hand-edited track loses the cues it cannot read, never
// the player. Nothing here throws.

// WebVTT timestamps: [hours:]minutes:seconds.millis; a comma is accepted as SRT writes it.
const TIMESTAMP = /^(?:(\d+):)?(\d{1,2}):(\d{1,2})[.,](\d{1,3})$/;
// Media Fragments: `xywh=` with an optional `pixel:` unit; `percent:` is not a tile.
const FRAGMENT = /#xywh=(?:pixel:)?(\d+),(\d+),(\d+),(\d+)\s*$/;

/** Seconds for a WebVTT timestamp, or null when it is not one. */
export function parseTimestamp(text) {
  const match = TIMESTAMP.exec(String(text).trim());
  if (!match) return null;
  const [, hours, minutes, seconds, millis] = match;
  if (Number(minutes) > 59 || Number(seconds) > 59) return null;
  return (
    Number(hours || 0) * 3600 + Number(minutes) * 60 + Number(seconds) + Number(millis.padEnd(3, "0")) / 1000
  );
}

function parseTile(reference) {
  const match = FRAGMENT.exec(reference);
  if (!match) return null;
  const [x, y, w, h] = match.slice(1).map(Number);
  if (!w || !h) return null;
  // What comes before the fragment names the image; the player knows only one sheet per
  // video, and its links are signed, so the name is kept for nothing but checks.
  return { image: reference.slice(0, match.index).trim(), x, y, w, h };
}

/** Cues sorted by start: {start, end, image, x, y, w, h}. Unreadable cues are skipped. */
export function parse(text) {
  if (typeof text !== "string") return [];
  const body = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  if (!/^WEBVTT(?:[ \t\n]|$)/.test(body)) return [];
  const cues = [];
  for (const block of body.split(/\n[ \t]*\n/)) {
    const lines = block.split("\n").map((line) => line.trim()).filter(Boolean);
    // A cue may start with an identifier line; NOTE, STYLE and the header have no timing.
    const timing = lines.findIndex((line) => line.includes("-->"));
    if (timing < 0 || timing + 1 >= lines.length) continue;
    const [from, rest = ""] = lines[timing].split("-->");
    const start = parseTimestamp(from);
    const end = parseTimestamp(rest.trim().split(/\s+/)[0] || "");
    const tile = parseTile(lines[timing + 1]);
    if (start === null || end === null || end <= start || !tile) continue;
    cues.push({ start, end, ...tile });
  }
  return cues.sort((a, b) => a.start - b.start);
}

/** The cue showing at `time`, else the last one before it (a gap between cues), or null. */
export function tileAt(cues, time) {
  if (!Array.isArray(cues) || !cues.length || !Number.isFinite(time)) return null;
  let low = 0;
  let high = cues.length - 1;
  if (time < cues[0].start) return cues[0];
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (cues[middle].start <= time) low = middle;
    else high = middle - 1;
  }
  return cues[low];
}
