// Keyboard shortcuts on the whole page: Space/K, arrows, F, M, C, and Esc for the next
// episode's countdown.

import { SEEK_STEP_S } from "./seek-fraction.js";

// Keys typed into a form control or pressed on a link or button keep their own meaning;
// the bar's own buttons keep only Space and Enter, so shortcuts work after clicking one.
function keepsKey(target, key, video) {
  if (target === video || !target.closest) return false;
  if (target.closest(".player-bar") && target.tagName === "BUTTON") return key === " " || key === "enter";
  return Boolean(target.closest("input, textarea, select, button, a, summary, [contenteditable]"));
}

/**
 * `player` gathers what the keys do: togglePlay, toggleFullscreen, toggleCaptions, seekTo,
 * position, flash, showControls; `nextEpisode` is next-episode.js's handle, or null.
 */
export function watchShortcuts({ video, player, nextEpisode }) {
  function seekBy(seconds) {
    player.seekTo(player.position() + seconds);
    player.flash(seconds > 0 ? `+${seconds} s` : `−${-seconds} s`);
  }

  function volumeBy(change) {
    video.volume = Math.max(0, Math.min(1, video.volume + change));
    player.flash(`Volume ${Math.round(video.volume * 100)}%`);
  }

  const SHORTCUTS = {
    " ": player.togglePlay,
    k: player.togglePlay,
    arrowleft: () => seekBy(-SEEK_STEP_S),
    arrowright: () => seekBy(SEEK_STEP_S),
    arrowup: () => volumeBy(0.1),
    arrowdown: () => volumeBy(-0.1),
    f: player.toggleFullscreen,
    m: () => {
      video.muted = !video.muted;
      player.flash(video.muted ? "Muted" : "Sound on");
    },
    c: player.toggleCaptions,
    escape: () => nextEpisode && nextEpisode.cancel(),
  };

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.toLowerCase();
    const action = SHORTCUTS[key];
    if (!action || keepsKey(event.target, key, video)) return;
    if (key === "escape" && !(nextEpisode && nextEpisode.offered())) return; // not ours to take
    event.preventDefault();
    action();
    if (key !== "escape") player.showControls();
  });
}
