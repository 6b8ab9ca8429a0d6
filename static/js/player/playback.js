// The bar's buttons other than the seek bar and subtitles: play, mute and volume, speed
// (with the toolbar's speed picker), picture in picture, full screen.

/** `buttons` holds the bar's buttons by their data-action; `flash` reports what failed. */
export function createPlayback({ video, root, buttons, volumeRange, speedPicker, flash }) {
  function togglePlay() {
    if (video.paused || video.ended) video.play().catch(() => {});
    else video.pause();
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen().catch(() => {});
    } else if (root.requestFullscreen) {
      root.requestFullscreen().catch(() => flash("Full screen is not available"));
    } else if (video.webkitEnterFullscreen) {
      video.webkitEnterFullscreen(); // iOS Safari: only the video element goes full screen
    }
  }

  function renderPlayState() {
    const playing = !video.paused && !video.ended;
    root.classList.toggle("player-playing", playing);
    buttons.play.setAttribute("aria-label", playing ? "Pause" : "Play");
  }

  function renderVolume() {
    const silent = video.muted || video.volume === 0;
    root.classList.toggle("player-muted", silent);
    buttons.mute.setAttribute("aria-label", silent ? "Unmute" : "Mute");
    volumeRange.value = String(silent ? 0 : video.volume);
    volumeRange.setAttribute("aria-valuetext", `${Math.round((silent ? 0 : video.volume) * 100)}%`);
  }

  speedPicker.addEventListener("change", () => {
    video.playbackRate = Number(speedPicker.value) || 1;
  });
  video.addEventListener("ratechange", () => {
    const known = Array.from(speedPicker.options).some((o) => Number(o.value) === video.playbackRate);
    if (known) speedPicker.value = String(video.playbackRate);
    const rate = video.playbackRate;
    buttons.speed.textContent = `${rate}×`;
    buttons.speed.setAttribute("aria-label", `Speed: ${rate === 1 ? "Normal" : `${rate}×`}`);
  });
  // The bar's speed button steps through the picker's speeds (one tap on a phone, no menu).
  buttons.speed.addEventListener("click", () => {
    const speeds = Array.from(speedPicker.options, (o) => Number(o.value));
    const faster = speeds.find((speed) => speed > video.playbackRate + 0.001);
    video.playbackRate = faster || speeds[0];
    flash(`Speed ${video.playbackRate}×`);
  });

  if (document.pictureInPictureEnabled && !video.disablePictureInPicture) {
    const pipButton = buttons.pip;
    pipButton.hidden = false;
    pipButton.addEventListener("click", () => {
      const request = document.pictureInPictureElement
        ? document.exitPictureInPicture()
        : video.requestPictureInPicture();
      request.catch(() => flash("Picture in picture is not available"));
    });
    const pipState = () => pipButton.setAttribute("aria-pressed", String(document.pictureInPictureElement === video));
    video.addEventListener("enterpictureinpicture", pipState);
    video.addEventListener("leavepictureinpicture", pipState);
  }

  buttons.fullscreen.addEventListener("click", toggleFullscreen);
  document.addEventListener("fullscreenchange", () => {
    const full = document.fullscreenElement === root;
    root.classList.toggle("player-fullscreen", full);
    buttons.fullscreen.setAttribute("aria-label", full ? "Exit full screen" : "Full screen");
  });

  for (const name of ["play", "pause", "ended", "emptied"]) {
    video.addEventListener(name, renderPlayState);
  }
  video.addEventListener("volumechange", renderVolume);
  buttons.play.addEventListener("click", togglePlay);
  buttons.mute.addEventListener("click", () => {
    if (video.muted || video.volume === 0) {
      video.muted = false;
      if (video.volume === 0) video.volume = 0.5; // unmuting to silence would look broken
    } else {
      video.muted = true;
    }
  });
  volumeRange.addEventListener("input", () => {
    const volume = Number(volumeRange.value);
    video.volume = volume;
    video.muted = volume === 0;
  });

  return { togglePlay, toggleFullscreen, renderPlayState, renderVolume };
}
