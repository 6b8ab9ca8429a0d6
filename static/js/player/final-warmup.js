// Moving a playing title from its progressive rendition to the final file without a pause.
// Loading the file in the player's own element costs the round trips to its index and to the
// bytes at the playhead, and the sound stops meanwhile (0.44 s for the bench's 1080p source
// 80 ms from the gateway; 0.19 s with what follows, 0.08 s on a keyframe next to it). So a muted element of its own, never in the page, opens the file a
// few seconds ahead of the playhead first: Chromium keeps a media URL's bytes for every
// element of the page, and when the playhead gets there the player's element swaps to that
// link and finds the index and those seconds already read. The second is a keyframe where
// the caller knows where they are (the final encode forces one at every segment start): a
// seek there decodes one picture, where a seek between two makes the decoder run from the
// one before (a second and more of 4K).

const LEAD_S = 3; // how far ahead of the playhead the file is opened
const MAX_AIMS = 3; // the playhead passed the second before the file was ready there: aim again
const GIVE_UP_MS = 15000; // a file that never gets ready ahead: swap anyway (a still covers it)
const RELEASE_MS = 5000; // the warm element's bytes stay until the player's element has them

// A hair past the keyframe: its picture covers [t, t + one frame), and a seek a rounding
// error before it would start from the keyframe before.
const PAST_KEYFRAME_S = 0.02;

/**
 * Opens `src` ahead of `video`'s playhead and calls `swap(at)` once: when the playhead reaches
 * the second the file is ready at (`at`, on a multiple of `keyframeEvery` seconds when that
 * is given); `swap(null)` at once when the viewer pauses or seeks, or the rendition waits for
 * data (a swap then adds no pause of its own), or when the file fails or is slow.
 * Returns a function that cancels it without a swap.
 */
export function warmFinal(video, src, swap, keyframeEvery = 0) {
  const warm = document.createElement("video");
  warm.muted = true;
  warm.preload = "auto";
  let target = null;
  let aims = 0;
  let finished = false;
  const giveUp = setTimeout(() => finish(true), GIVE_UP_MS);
  const now = () => finish(true);
  const viewerActs = ["pause", "seeking", "waiting", "emptied", "ended"];

  function finish(doSwap, at = null) {
    if (finished) return;
    finished = true;
    clearTimeout(giveUp);
    for (const name of viewerActs) video.removeEventListener(name, now);
    setTimeout(() => {
      warm.removeAttribute("src");
      warm.load();
    }, RELEASE_MS);
    if (doSwap) swap(at);
  }

  function aim() {
    aims += 1;
    target = onKeyframe(video.currentTime + LEAD_S);
    if (aims > MAX_AIMS || !(target < warm.duration - LEAD_S)) return finish(true);
    warm.currentTime = target;
  }

  function readyAhead() {
    if (finished || warm.seeking || warm.readyState < HTMLMediaElement.HAVE_FUTURE_DATA) return;
    if (target === null || Math.abs(warm.currentTime - target) > 0.5) return;
    if (video.currentTime >= target - 0.1) return aim(); // too late for this second
    waitForPlayhead();
  }

  // Each painted frame where the browser has requestVideoFrameCallback, else timeupdate's
  // quarter seconds (a swap a little past the second still finds its bytes read).
  function waitForPlayhead() {
    const reached = () => video.currentTime >= target - 0.05;
    if (video.requestVideoFrameCallback) {
      const look = () => {
        if (finished) return;
        if (reached()) finish(true, target);
        else video.requestVideoFrameCallback(look);
      };
      video.requestVideoFrameCallback(look);
      return;
    }
    const onTime = () => {
      if (!reached() && !finished) return;
      video.removeEventListener("timeupdate", onTime);
      finish(true, Math.max(target, video.currentTime));
    };
    video.addEventListener("timeupdate", onTime);
  }

  function onKeyframe(seconds) {
    if (!(keyframeEvery > 0)) return seconds;
    return Math.ceil(seconds / keyframeEvery) * keyframeEvery + PAST_KEYFRAME_S;
  }

  warm.addEventListener("loadedmetadata", aim, { once: true });
  warm.addEventListener("canplay", readyAhead);
  warm.addEventListener("seeked", readyAhead);
  warm.addEventListener("error", now);
  for (const name of viewerActs) video.addEventListener(name, now);
  warm.src = src;
  return () => finish(false);
}
