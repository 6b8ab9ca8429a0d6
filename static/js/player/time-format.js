// Times as the player shows them: "1:05" on the bar, "1 minute 5 seconds" for screen readers.
// Pure functions, no DOM. A time that is not a finite number, or is negative, reads as zero:
// a <video> says NaN for its duration until its metadata is in.

function wholeSeconds(seconds) {
  return Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
}

/** "m:ss", or "h:mm:ss" from an hour on. */
export function formatTime(seconds) {
  const total = wholeSeconds(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor(total / 60) % 60;
  const rest = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

/** The time in words for aria-valuetext: screen readers read "1:05" as a ratio or a clock. */
export function spokenTime(seconds) {
  const total = wholeSeconds(seconds);
  const parts = [
    [Math.floor(total / 3600), "hour"],
    [Math.floor(total / 60) % 60, "minute"],
    [total % 60, "second"],
  ].filter(([count], i, all) => count || (i === all.length - 1 && total === 0));
  return parts.map(([count, unit]) => `${count} ${unit}${count === 1 ? "" : "s"}`).join(" ");
}
