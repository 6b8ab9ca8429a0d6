// One ad, played in the overlay's own <video> over the player (templates/streaming/watch.html,
// #player-ad): the content's element is never touched here, so its source, place and buffer
// are as they were when the ad ends. "Ad · 0:12" counts down, the skip button appears at the
// skip offset, a click on the picture opens the click-through in a new tab and pauses the ad
// (a click on the paused ad plays it on), and each moment fires its tracking URLs.
//
// A media file that fails ends the ad at once (VAST error 405), and so does one that shows
// no frame within `loadTimeout` seconds (402): the content never waits on an ad.

import { adLabel, skipState } from "./ad-clock.js";
import { fireTracking } from "./ad-beacon.js";
import { createAdEvents, progressDue } from "./ad-events.js";

const MEDIA_FAILED = 405; // VAST: "Problem displaying MediaFile"
const MEDIA_TIMEOUT = 402; // VAST: "Timeout of MediaFile URI"

/** The overlay's parts, or null when the page has none (an ad-free viewer's page). */
export function findOverlay(root) {
  const panel = root.querySelector("#player-ad");
  if (!panel) return null;
  return {
    panel,
    video: panel.querySelector(".player-ad-video"),
    label: panel.querySelector(".player-ad-label"),
    skip: panel.querySelector('[data-action="ad-skip"]'),
    mute: panel.querySelector('[data-action="ad-mute"]'),
  };
}

/**
 * Play `ad` (ad-request.js's shape) in `overlay`; resolves to how it ended: "complete",
 * "skip", "error", or "refused" (the browser would not play it even muted). `content`: the
 * content's <video>, whose volume the ad starts at and whose
 * place fills [CONTENTPLAYHEAD].
 */
export function playAd({ overlay, ad, content, loadTimeout }) {
  const { panel, video, label, skip, mute } = overlay;
  const events = createAdEvents();
  const sentProgress = new Set();
  const listeners = [];
  let finished = false;
  let waitTimer = null; // a first frame (or the next one, in a stall) overdue: 402
  let settle;
  const ended = new Promise((resolve) => (settle = resolve));

  const duration = () => (Number.isFinite(video.duration) && video.duration > 0 ? video.duration : ad.duration);
  const send = (names, extra = {}) =>
    names.forEach((name) =>
      fireTracking(ad.tracking[name], {
        contentPlayhead: content.currentTime,
        mediaPlayhead: video.currentTime,
        ...extra,
      }),
    );
  const on = (target, type, handler) => {
    target.addEventListener(type, handler);
    listeners.push([target, type, handler]);
  };

  function finish(outcome, names, values = {}) {
    if (finished) return;
    finished = true;
    send(names, values);
    clearTimeout(waitTimer);
    listeners.forEach(([target, type, handler]) => target.removeEventListener(type, handler));
    panel.hidden = true;
    video.pause();
    video.removeAttribute("src");
    video.load(); // lets go of the ad's connection and buffer
    settle(outcome);
  }

  const fail = (code) => finish("error", events.failed(), { errorCode: code });
  const waitForFrames = () => {
    clearTimeout(waitTimer);
    waitTimer = setTimeout(() => fail(MEDIA_TIMEOUT), loadTimeout * 1000);
  };

  function render() {
    const elapsed = video.currentTime;
    label.textContent = adLabel(duration(), elapsed).replace(/^Ad/, ad.label);
    const skipping = skipState(ad.skipOffset, duration(), elapsed);
    skip.hidden = !skipping;
    if (skipping) {
      skip.textContent = skipping.text;
      skip.disabled = !skipping.ready;
    }
    mute.setAttribute("aria-pressed", String(video.muted));
    mute.textContent = video.muted ? "Sound on" : "Mute";
  }

  on(video, "waiting", waitForFrames);
  on(video, "playing", () => {
    clearTimeout(waitTimer);
    send(events.started());
  });
  on(video, "timeupdate", () => {
    render();
    send(events.reached(video.currentTime, duration()));
    fireTracking(progressDue(ad.progress, video.currentTime, sentProgress), {
      contentPlayhead: content.currentTime,
      mediaPlayhead: video.currentTime,
    });
  });
  on(video, "ended", () => finish("complete", events.ended()));
  on(video, "error", () => fail(MEDIA_FAILED));
  on(video, "pause", () => {
    clearTimeout(waitTimer); // paused by the viewer: not a stall
    if (!video.ended && !finished) send(events.paused());
  });
  let wasMuted = video.muted;
  on(video, "volumechange", () => {
    if (video.muted && !wasMuted) send(events.muted());
    wasMuted = video.muted;
    render();
  });
  on(video, "click", () => {
    if (video.paused) {
      video.play().catch(() => {});
      return;
    }
    if (!ad.clickThrough) return;
    window.open(ad.clickThrough, "_blank", "noopener");
    send(events.clicked());
    video.pause();
  });
  on(skip, "click", () => {
    if (!skip.disabled) finish("skip", events.skipped());
  });
  on(mute, "click", () => {
    video.muted = !video.muted;
  });

  waitForFrames();
  video.volume = content.volume;
  video.muted = wasMuted = content.muted;
  video.src = ad.mediaUrl;
  panel.hidden = false;
  render();
  video.play().catch((error) => {
    if (error.name !== "NotAllowedError" || finished) return;
    // No sound without a gesture (the browser's autoplay rule): the ad plays muted, as the
    // browser allows, rather than hold the content up; the viewer can turn the sound on.
    video.muted = wasMuted = true;
    video.play().catch(() => finish("refused", []));
  });
  return ended;
}
