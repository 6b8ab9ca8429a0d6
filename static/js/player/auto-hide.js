// Showing and hiding the controls: they fade after a moment of playing untouched, and stay
// while paused, while dragged, under a mouse, or while the keyboard is in them. A click on
// the picture plays or pauses; a tap shows the controls first, or hides them again, as on
// the phone players people know.

const HIDE_CONTROLS_MS = 2500;

/** `state.dragPointer` (seek-bar.js) keeps the controls up while the playhead is dragged. */
export function createAutoHide({ video, root, controls, state, hidePreview, togglePlay, toggleFullscreen }) {
  let hideTimer = null;
  let hoveringControls = false;
  let lastPointer = "mouse";

  function show() {
    root.classList.remove("player-idle");
    scheduleHide();
  }

  function scheduleHide() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, HIDE_CONTROLS_MS);
  }

  function hide() {
    const active = document.activeElement;
    const keyboardInside = controls.contains(active) && active.matches(":focus-visible");
    if (video.paused || video.ended || state.dragPointer !== null || hoveringControls || keyboardInside) return;
    root.classList.add("player-idle");
    hidePreview();
  }

  root.addEventListener("pointerdown", (event) => {
    lastPointer = event.pointerType || "mouse";
  }, true);
  root.addEventListener("pointermove", (event) => {
    if (event.pointerType === "mouse") show();
  });
  root.addEventListener("pointerleave", (event) => {
    if (event.pointerType === "mouse" && !video.paused) hide();
  });
  // :hover sticks to whatever a finger last touched, so only a mouse counts as hovering.
  controls.addEventListener("pointerenter", (event) => {
    hoveringControls = event.pointerType === "mouse";
  });
  controls.addEventListener("pointerleave", () => {
    hoveringControls = false;
  });
  controls.addEventListener("focusin", show);
  video.addEventListener("play", scheduleHide);
  video.addEventListener("pause", show);

  video.addEventListener("click", () => {
    if (lastPointer === "mouse") {
      togglePlay();
      show();
    } else if (root.classList.contains("player-idle")) {
      show();
    } else if (!video.paused) {
      clearTimeout(hideTimer);
      hide();
    } else {
      togglePlay();
    }
  });
  video.addEventListener("dblclick", () => {
    if (lastPointer === "mouse") toggleFullscreen();
  });

  return { show, scheduleHide };
}
