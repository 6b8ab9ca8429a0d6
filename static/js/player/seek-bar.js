// The seek bar and the time beside it: played and buffered parts (and, while a title is
// still being transcoded, the parts encoded so far), the WAI-ARIA slider's keys, and dragging
// by mouse, finger or pen with a preview under the pointer.

import { formatTime, spokenTime } from "./time-format.js";
import {
  SEEK_STEP_S,
  bufferedSpan,
  clampSeek,
  playedFraction,
  pointerFraction,
  sliderTarget,
} from "./seek-fraction.js";

/**
 * `state.pendingSeek` (source.js) stands for the playhead while a new source loads;
 * `state.dragPointer` is the pointer dragging the playhead, or null. `controlsShown` is
 * auto-hide.js's {show, scheduleHide}; `previews` is previews.js's {show, hide}.
 */
export function createSeekBar({ video, root, seekBar, controls, state, duration, previews, controlsShown }) {
  const played = seekBar.querySelector(".player-seek-played");
  const thumb = seekBar.querySelector(".player-seek-thumb");
  const bufferedRail = seekBar.querySelector(".player-seek-buffered");
  const encodedRail = seekBar.querySelector(".player-seek-encoded");
  let encoded = []; // [start, end] parts of a progressive rendition; none for a file
  const currentText = controls.querySelector('[data-time="current"]');
  const durationText = controls.querySelector('[data-time="duration"]');
  let scrubbing = null; // the fraction under a dragging finger or mouse, until it lets go

  // Where the playhead is, or is about to be once the new source has its metadata.
  function position() {
    return state.pendingSeek !== null ? state.pendingSeek : video.currentTime;
  }

  function seekTo(seconds) {
    const target = clampSeek(seconds, duration());
    if (state.pendingSeek !== null) state.pendingSeek = target;
    else video.currentTime = target;
    render();
  }

  function render() {
    const known = duration();
    const at = scrubbing !== null ? scrubbing * known : position();
    const fraction = playedFraction(at, known);
    played.style.width = `${fraction * 100}%`;
    thumb.style.left = `${fraction * 100}%`;
    currentText.textContent = formatTime(at);
    durationText.textContent = formatTime(known);
    seekBar.setAttribute("aria-valuemax", String(Math.round(known)));
    seekBar.setAttribute("aria-valuenow", String(Math.round(Math.min(at, known))));
    seekBar.setAttribute("aria-valuetext", `${spokenTime(at)} of ${spokenTime(known)}`);
  }

  // One span per [start, end] range in `rail`, as shares of the bar.
  function drawRanges(rail, ranges) {
    const known = duration();
    const count = known ? ranges.length : 0;
    while (rail.children.length > count) rail.lastElementChild.remove();
    for (let i = 0; i < count; i += 1) {
      const span = rail.children[i] || rail.appendChild(document.createElement("span"));
      const { left, width } = bufferedSpan(ranges[i][0], ranges[i][1], known);
      span.style.left = `${left * 100}%`;
      span.style.width = `${width * 100}%`;
    }
  }

  function renderBuffered() {
    const ranges = video.buffered;
    drawRanges(bufferedRail, Array.from({ length: ranges.length }, (_, i) => [ranges.start(i), ranges.end(i)]));
  }

  /** The encoded parts of a progressive rendition (source.js); [] once the file plays. */
  function renderEncoded(ranges) {
    encoded = ranges;
    drawRanges(encodedRail, encoded);
  }

  for (const name of ["timeupdate", "seeking", "seeked", "durationchange", "loadedmetadata", "emptied"]) {
    video.addEventListener(name, render);
  }
  for (const name of ["progress", "durationchange", "loadedmetadata", "emptied"]) {
    video.addEventListener(name, renderBuffered);
  }
  video.addEventListener("durationchange", () => drawRanges(encodedRail, encoded));

  seekBar.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = sliderTarget(event.key, position(), duration(), SEEK_STEP_S);
    if (target === null) return;
    seekTo(target);
    event.preventDefault(); // the page's own arrow shortcuts would seek a second time
    controlsShown.show();
  });

  // A mouse hovering shows the preview; pressing (mouse, finger or pen) drags the playhead
  // and seeks where it is let go, so a drag fetches once, not per move.
  function fractionAt(event) {
    const rect = seekBar.getBoundingClientRect();
    return pointerFraction(event.clientX, rect.left, rect.width);
  }

  function scrub(fraction) {
    scrubbing = fraction;
    render();
    previews.show(fraction);
  }

  function endDrag(event, commit) {
    if (state.dragPointer !== event.pointerId) return;
    state.dragPointer = null;
    root.classList.remove("player-scrubbing");
    const fraction = scrubbing;
    scrubbing = null;
    if (commit && fraction !== null) seekTo(fraction * duration());
    if (event.pointerType !== "mouse") previews.hide();
    render();
    controlsShown.scheduleHide();
  }

  seekBar.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse" && event.button !== 0) return;
    state.dragPointer = event.pointerId;
    seekBar.setPointerCapture(event.pointerId);
    root.classList.add("player-scrubbing");
    controlsShown.show();
    scrub(fractionAt(event));
  });
  seekBar.addEventListener("pointermove", (event) => {
    if (state.dragPointer === event.pointerId) scrub(fractionAt(event));
    else if (event.pointerType === "mouse") previews.show(fractionAt(event));
  });
  seekBar.addEventListener("pointerup", (event) => endDrag(event, true));
  seekBar.addEventListener("pointercancel", (event) => endDrag(event, false));
  seekBar.addEventListener("pointerleave", () => {
    if (state.dragPointer === null) previews.hide();
  });

  return { position, seekTo, render, renderBuffered, renderEncoded };
}
