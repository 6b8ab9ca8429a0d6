// The next episode: when an episode ends and the server named a next one it can play
// (config.nextEpisode), a countdown that opens it, with Play now and Cancel. Esc reaches
// `cancel()` through shortcuts.js; everything else here listens to the <video> itself.

const NEXT_AFTER_S = 10;

/** The countdown's handle {cancel, offer, offered}, or null when there is no next episode. */
export function createNextEpisode({ video, panel, status, next, playButton }) {
  if (!panel || !next) return null;
  const seconds = panel.querySelector("[data-seconds]");
  let timer = null;

  function offer() {
    const deadline = Date.now() + NEXT_AFTER_S * 1000;
    seconds.textContent = String(NEXT_AFTER_S);
    panel.hidden = false;
    status.textContent = `Next episode, ${next.label}, starts in ${NEXT_AFTER_S} seconds.`;
    clearInterval(timer);
    // Counted against the clock: timers in a background tab fire late, the deadline holds.
    timer = setInterval(() => {
      const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      seconds.textContent = String(left);
      if (left > 0) return;
      clearInterval(timer);
      window.location.assign(next.url);
    }, 250);
  }

  function cancel() {
    if (panel.hidden) return false;
    clearInterval(timer);
    timer = null;
    panel.hidden = true;
    status.textContent = "Next episode cancelled.";
    return true;
  }

  video.addEventListener("ended", offer);
  // Playing again or seeking back means the viewer stays with this episode.
  video.addEventListener("play", cancel);
  video.addEventListener("seeking", () => {
    if (!video.ended) cancel();
  });
  panel.querySelector('[data-action="next-cancel"]').addEventListener("click", () => {
    cancel();
    // The button that had focus is gone: focus goes back to the bar's play button.
    playButton.focus();
  });

  // `offer`: ad-break.js offers it again after a post-roll, which cancels it while the ad plays.
  return { cancel, offer, offered: () => !panel.hidden };
}
