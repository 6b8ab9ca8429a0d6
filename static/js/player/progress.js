// Saving the viewer's place: every few seconds while playing, on pause, and as the page goes
// away (sendBeacon), so the title page and the next visit can resume there.

const SAVE_EVERY_MS = 10000;

/** `state.pendingSeek` set means a new source is still loading: its currentTime says nothing. */
export function watchProgress({ video, config, state }) {
  let started = false; // playback really began: before that, currentTime says nothing
  let lastSaved = null;
  let lastSaveAt = 0;

  // `how`: "tick" (every few seconds while playing), "pause" or "leave" (the page goes away).
  function save(how) {
    if (!started || state.pendingSeek !== null) return;
    const position = video.currentTime;
    if (!Number.isFinite(position)) return;
    if (how === "tick" && lastSaved !== null && Math.abs(position - lastSaved) < 0.5) return;
    lastSaved = position;
    lastSaveAt = Date.now();
    const body = new URLSearchParams({
      csrfmiddlewaretoken: config.csrfToken,
      position: position.toFixed(2),
    });
    if (Number.isFinite(video.duration)) body.set("duration", video.duration.toFixed(2));
    // sendBeacon survives the page going away but cannot set headers: the CSRF token rides
    // in the form body, where Django's CSRF middleware looks for it.
    if (how === "leave" && navigator.sendBeacon && navigator.sendBeacon(config.progressUrl, body)) {
      return;
    }
    fetch(config.progressUrl, { method: "POST", body, credentials: "same-origin", keepalive: true })
      .then((response) => {
        if (!response.ok) lastSaved = null;
      })
      .catch(() => {
        lastSaved = null; // offline for a moment: the next save sends it again
      });
  }

  video.addEventListener("playing", () => {
    started = true;
  });
  video.addEventListener("timeupdate", () => {
    if (!video.paused && Date.now() - lastSaveAt >= SAVE_EVERY_MS) save("tick");
  });
  video.addEventListener("pause", () => save("pause"));
  window.addEventListener("pagehide", () => save("leave"));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") save("leave");
  });

  return { save };
}
