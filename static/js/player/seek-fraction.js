// The seek bar's arithmetic: pointer x to a fraction of the bar, fractions to times and back,
// clamped to the video; the WAI-ARIA slider's key steps. Pure functions, no DOM: seek-bar.js
// and previews.js read the element sizes and hand the numbers in.

/** One step of the arrow keys, on the seek bar and on the page, in seconds. */
export const SEEK_STEP_S = 10;

/** The video's duration when the element knows it, else the server's figure, else 0. */
export function knownDuration(mediaDuration, fallback) {
  if (Number.isFinite(mediaDuration) && mediaDuration > 0) return mediaDuration;
  return fallback > 0 ? fallback : 0;
}

/** Where `clientX` falls on a bar starting at `left`, `width` wide: 0 to 1, 0 for no width. */
export function pointerFraction(clientX, left, width) {
  return width ? Math.max(0, Math.min((clientX - left) / width, 1)) : 0;
}

/** How much of the bar `at` seconds fills: 0 to 1, 0 while the duration is unknown (0). */
export function playedFraction(at, duration) {
  return duration ? Math.max(0, Math.min(at / duration, 1)) : 0;
}

/** A seek target inside the video: never before 0, never past a known (non-zero) duration. */
export function clampSeek(seconds, duration) {
  const end = duration || Infinity;
  return Math.max(0, Math.min(seconds, end));
}

/**
 * The WAI-ARIA slider's keys: arrows one step, Page Up/Down six steps, Home the start, End
 * the end. The target time (unclamped), or null for a key the slider does not take.
 */
export function sliderTarget(key, position, duration, step) {
  const steps = {
    ArrowLeft: -step,
    ArrowDown: -step,
    ArrowRight: step,
    ArrowUp: step,
    PageDown: -6 * step,
    PageUp: 6 * step,
  };
  if (Object.hasOwn(steps, key)) return position + steps[key];
  if (key === "Home") return 0;
  if (key === "End") return duration;
  return null;
}

/** One buffered range as fractions of the bar: {left, width}, both within 0 to 1. */
export function bufferedSpan(start, end, duration) {
  const left = Math.min(start / duration, 1);
  return { left, width: Math.max(0, Math.min(end / duration, 1) - left) };
}

/** The preview box's offset: centred over `fraction` of the bar, never past either end. */
export function previewOffset(fraction, barWidth, boxWidth) {
  return Math.max(0, Math.min(fraction * barWidth - boxWidth / 2, barWidth - boxWidth));
}
