// Subtitles: the toolbar's picker, the bar's captions button (and C), and the cues drawn
// clear of the control bar.

/** The subtitle picker, the captions button and the cue box; `flash` says what C did. */
export function createTracks({ video, root, controls, picker, captionsButton, flash }) {
  let lastTrack = 0;

  function subtitleTracks() {
    return Array.from(video.textTracks).filter((t) => t.kind === "subtitles" || t.kind === "captions");
  }

  function showTrack(index) {
    subtitleTracks().forEach((track, i) => {
      track.mode = i === index ? "showing" : "disabled";
    });
    if (index >= 0) lastTrack = index;
    picker.value = index >= 0 ? String(index) : "";
  }

  function shownTrack() {
    return subtitleTracks().findIndex((track) => track.mode === "showing");
  }

  function toggleCaptions() {
    const tracks = subtitleTracks();
    if (!tracks.length) return flash("No subtitles for this video");
    if (shownTrack() >= 0) {
      showTrack(-1);
      flash("Subtitles off");
    } else {
      showTrack(Math.min(lastTrack, tracks.length - 1));
      flash(`Subtitles: ${tracks[lastTrack].label || tracks[lastTrack].language}`);
    }
  }

  picker.addEventListener("change", () => {
    showTrack(picker.value === "" ? -1 : Number(picker.value));
  });
  video.textTracks.addEventListener("change", () => {
    const index = shownTrack();
    picker.value = index >= 0 ? String(index) : "";
    captionsButton.setAttribute("aria-pressed", String(index >= 0));
  });
  captionsButton.addEventListener("click", toggleCaptions);

  // The browser draws cues on the picture's bottom edge, under our control bar (which is
  // an overlay, so nothing makes room for it), and CSS cannot move them (`video::cue` takes
  // colours and fonts only). So the showing track's active cues are drawn here instead, in
  // a box that sits above the controls while they show and keeps a margin from the edge
  // when they hide (player.css); the browser's own drawing is hidden by CSS. iOS's native
  // full-screen player, which our page does not reach, still draws its own.
  const cueBox = document.createElement("div");
  cueBox.className = "player-cues";
  cueBox.hidden = true;
  root.insertBefore(cueBox, controls);

  function cueLine(cue) {
    const line = document.createElement("span");
    line.className = "player-cue";
    // getCueAsHTML gives the WebVTT parser's fragment (bold, italics, voices): never markup
    // of the file's own, so nothing in a subtitle file can run here.
    line.append(cue.getCueAsHTML ? cue.getCueAsHTML() : document.createTextNode(cue.text));
    return line;
  }

  function drawCues() {
    const track = subtitleTracks().find((t) => t.mode === "showing");
    const cues = track && track.activeCues ? Array.from(track.activeCues) : [];
    cueBox.replaceChildren(...cues.map(cueLine));
    cueBox.hidden = cues.length === 0;
  }

  function watchTrack(track) {
    track.addEventListener("cuechange", drawCues);
  }

  subtitleTracks().forEach(watchTrack);
  video.textTracks.addEventListener("addtrack", (event) => watchTrack(event.track));
  video.textTracks.addEventListener("change", drawCues);
  // The box's lift while the controls show is their height, which changes with the width.
  const measureControls = () => root.style.setProperty("--player-controls-height", `${controls.offsetHeight}px`);
  if (window.ResizeObserver) new ResizeObserver(measureControls).observe(controls);

  // The picker and the button follow a track the page marked `default`.
  function start() {
    const initial = shownTrack();
    if (initial >= 0) {
      lastTrack = initial;
      picker.value = String(initial);
    }
    captionsButton.setAttribute("aria-pressed", String(initial >= 0));
  }

  return { toggleCaptions, measureControls, start };
}
