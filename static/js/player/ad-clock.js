// What the ad's overlay says: "Ad · 0:12" counting down, and the skip button's state. Pure,
// no DOM (tests/js/ad-clock.test.mjs).

import { formatTime } from "./time-format.js";

/** The label, with the seconds left rounded up: it reads 0:01 until the ad ends. */
export function adLabel(duration, elapsed) {
  const left = Number.isFinite(duration) ? Math.max(0, duration - (elapsed || 0)) : 0;
  return `Ad · ${formatTime(Math.ceil(left))}`;
}

/**
 * The skip button: null when the ad cannot be skipped (no skipOffset, or one past the
 * ad's end), else {ready, text}: "Skip in 3" counting down, then "Skip ad".
 */
export function skipState(skipOffset, duration, elapsed) {
  if (skipOffset === null || skipOffset === undefined || !Number.isFinite(skipOffset)) return null;
  if (Number.isFinite(duration) && duration > 0 && skipOffset >= duration) return null;
  const wait = Math.ceil(skipOffset - (elapsed || 0));
  return wait > 0 ? { ready: false, text: `Skip in ${wait}` } : { ready: true, text: "Skip ad" };
}
