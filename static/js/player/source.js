// The video's signed source: loading it at the resume point, and renewing its link (and the
// subtitle links) before it expires, keeping the place and the play state across the swap.

const RETRY_RENEWAL_S = 30;
const MAX_TIMEOUT_MS = 2 ** 31 - 1; // setTimeout's delay is a signed 32-bit number

/**
 * `state.pendingSeek` is where the playhead goes once the (new) source has metadata; the
 * seek bar and progress saving read it too. `onRenewed(fresh)` hears every renewed answer.
 */
export function createSource({ video, root, config, state, messages, onRenewed }) {
  let renewTimer = null;
  let renewDueAt = 0;

  function load(src, at) {
    state.pendingSeek = at > 0 ? at : null;
    delete root.dataset.ready;
    video.src = src;
    messages.startSlowTimer();
  }

  function swapSource(src) {
    // Keep the place and the play state: the element reloads from the new link and goes on.
    const at = state.pendingSeek !== null ? state.pendingSeek : video.currentTime;
    const wasPlaying = !video.paused && !video.ended;
    load(src, at);
    if (wasPlaying) video.play().catch(() => {});
  }

  function updateTracks(links) {
    for (const track of video.querySelectorAll("track")) {
      const fresh = links[track.dataset.subtitleId];
      // A loaded track keeps its cues; one not fetched yet (or failed) needs the new link.
      if (fresh && (track.readyState === 0 || track.readyState === 3)) track.src = fresh;
    }
  }

  function scheduleRenewal(seconds) {
    clearTimeout(renewTimer);
    renewDueAt = Date.now() + seconds * 1000;
    renewTimer = setTimeout(() => {
      if (Date.now() >= renewDueAt) renew().catch(() => scheduleRenewal(RETRY_RENEWAL_S));
      else scheduleRenewal((renewDueAt - Date.now()) / 1000);
    }, Math.min(seconds * 1000, MAX_TIMEOUT_MS));
  }

  async function renew() {
    const response = await fetch(config.linkUrl, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(`link renewal answered ${response.status}`);
    const fresh = await response.json();
    swapSource(fresh.src);
    updateTracks(fresh.subtitles || {});
    onRenewed(fresh);
    scheduleRenewal(fresh.renewIn);
    return fresh;
  }

  video.addEventListener("loadedmetadata", () => {
    messages.clearSlow();
    if (state.pendingSeek !== null) {
      const at = state.pendingSeek;
      state.pendingSeek = null;
      if (!Number.isFinite(video.duration) || at < video.duration) video.currentTime = at;
    }
    root.dataset.ready = "true"; // metadata in and the playhead where it belongs
  });
  document.addEventListener("visibilitychange", () => {
    // Timers sleep in background tabs: catch up on a renewal that came due meanwhile.
    if (document.visibilityState !== "hidden" && renewDueAt && Date.now() >= renewDueAt) {
      renew().catch(() => scheduleRenewal(RETRY_RENEWAL_S));
    }
  });

  return { load, renew, scheduleRenewal };
}
