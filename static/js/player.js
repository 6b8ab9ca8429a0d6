// The player: signed source, resume, progress saves, link renewal, subtitles, shortcuts, its
// own control bar (seek previews from the sprite sheet, buffered ranges, auto-hide, touch).
// The countdown to the next episode is player-next-episode.js. Without JavaScript the page
// says the player needs it.
(() => {
  "use strict";

  const configNode = document.getElementById("player-config");
  const video = document.getElementById("player-video");
  if (!configNode || !video) return;

  const config = JSON.parse(configNode.textContent);
  const nextEpisode = window.shadowvaultNextEpisode; // player-next-episode.js, when loaded
  const root = document.getElementById("player");
  const message = document.getElementById("player-message");
  const messageText = message.querySelector(".player-message-text");
  const osd = document.getElementById("player-osd");
  const toolbar = document.getElementById("player-toolbar");
  const subtitlePicker = document.getElementById("player-subtitles");
  const speedPicker = document.getElementById("player-speed");
  const controls = document.getElementById("player-controls");
  const seekBar = document.getElementById("player-seek");
  const preview = document.getElementById("player-preview");
  const button = (action) => controls.querySelector(`[data-action="${action}"]`);
  const playButton = button("play");
  const muteButton = button("mute");
  const captionsButton = button("captions");
  const speedButton = button("speed");
  const pipButton = button("pip");
  const fullscreenButton = button("fullscreen");
  const volumeRange = controls.querySelector(".player-volume-range");

  const SAVE_EVERY_MS = 10000;
  const SLOW_AFTER_MS = 15000;
  const RETRY_RENEWAL_S = 30;
  const SEEK_STEP_S = 10;
  const MAX_TIMEOUT_MS = 2 ** 31 - 1; // setTimeout's delay is a signed 32-bit number
  const HIDE_CONTROLS_MS = 2500;

  let pendingSeek = null; // where to put the playhead once the (new) source has metadata
  let started = false; // playback really began: before that, currentTime says nothing
  let lastSaved = null;
  let lastSaveAt = 0;
  let recovering = false; // one fresh link is tried after an error before giving up
  let renewTimer = null;
  let renewDueAt = 0;
  let slowTimer = null;
  let osdTimer = null;
  let lastTrack = 0;
  let spriteLink = config.sprite || null; // signed: replaced on every renewal
  let previewCues = []; // parsed thumbnails track, empty until (and unless) it loads
  let previewsLoaded = false;

  // --- source, resume and link renewal -------------------------------------------------

  function load(src, at) {
    pendingSeek = at > 0 ? at : null;
    delete root.dataset.ready;
    video.src = src;
    startSlowTimer();
  }

  function swapSource(src) {
    // Keep the place and the play state: the element reloads from the new link and goes on.
    const at = pendingSeek !== null ? pendingSeek : video.currentTime;
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
    spriteLink = fresh.sprite || null;
    if (!previewsLoaded) loadPreviews(fresh.thumbnails);
    scheduleRenewal(fresh.renewIn);
    return fresh;
  }

  video.addEventListener("loadedmetadata", () => {
    clearSlow();
    if (pendingSeek !== null) {
      const at = pendingSeek;
      pendingSeek = null;
      if (!Number.isFinite(video.duration) || at < video.duration) video.currentTime = at;
    }
    root.dataset.ready = "true"; // metadata in and the playhead where it belongs
  });

  // --- saving progress -----------------------------------------------------------------

  // `how`: "tick" (every few seconds while playing), "pause" or "leave" (the page goes away).
  function save(how) {
    if (!started || pendingSeek !== null) return;
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

  video.addEventListener("timeupdate", () => {
    if (!video.paused && Date.now() - lastSaveAt >= SAVE_EVERY_MS) save("tick");
  });
  video.addEventListener("pause", () => save("pause"));
  window.addEventListener("pagehide", () => save("leave"));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      save("leave");
    } else if (renewDueAt && Date.now() >= renewDueAt) {
      // Timers sleep in background tabs: catch up on a renewal that came due meanwhile.
      renew().catch(() => scheduleRenewal(RETRY_RENEWAL_S));
    }
  });

  // --- loading trouble: a message, never an endless spinner ----------------------------

  const ERRORS = {
    2: "The connection to the video broke off.",
    3: "This video file is damaged or in a format this browser cannot decode.",
    4: "This video could not be loaded: the file may be missing or its storage unreachable.",
  };

  function showMessage(text, fatal) {
    messageText.textContent = text;
    message.classList.toggle("player-message-soft", !fatal);
    message.querySelector('[data-action="retry"]').hidden = !fatal;
    message.hidden = false;
  }

  function hideMessage() {
    message.hidden = true;
  }

  function startSlowTimer() {
    clearTimeout(slowTimer);
    slowTimer = setTimeout(() => {
      showMessage("Still loading… the video's storage is slow to answer. Hang on a moment.", false);
    }, SLOW_AFTER_MS);
  }

  function clearSlow() {
    clearTimeout(slowTimer);
    if (!message.hidden && message.classList.contains("player-message-soft")) hideMessage();
  }

  function onError() {
    const error = video.error;
    if (!error || error.code === 1) return; // 1: the viewer or a new source aborted the load
    clearTimeout(slowTimer);
    if (!recovering) {
      // An expired link or a short outage: try once with a fresh link before giving up.
      recovering = true;
      renew().catch(() => showMessage(ERRORS[error.code] || ERRORS[4], true));
      return;
    }
    showMessage(`${ERRORS[error.code] || ERRORS[4]} Try again in a few minutes.`, true);
  }

  video.addEventListener("error", onError);
  video.addEventListener("waiting", startSlowTimer);
  video.addEventListener("canplay", () => {
    clearSlow();
    recovering = false;
  });
  video.addEventListener("playing", () => {
    started = true;
    clearSlow();
    recovering = false;
    hideMessage();
  });
  message.querySelector('[data-action="retry"]').addEventListener("click", () => {
    hideMessage();
    recovering = true;
    renew().catch(() => showMessage(ERRORS[4], true));
  });

  // --- subtitles, speed, picture in picture, full screen --------------------------------

  function subtitleTracks() {
    return Array.from(video.textTracks).filter((t) => t.kind === "subtitles" || t.kind === "captions");
  }

  function showTrack(index) {
    subtitleTracks().forEach((track, i) => {
      track.mode = i === index ? "showing" : "disabled";
    });
    if (index >= 0) lastTrack = index;
    subtitlePicker.value = index >= 0 ? String(index) : "";
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

  subtitlePicker.addEventListener("change", () => {
    showTrack(subtitlePicker.value === "" ? -1 : Number(subtitlePicker.value));
  });
  video.textTracks.addEventListener("change", () => {
    const index = shownTrack();
    subtitlePicker.value = index >= 0 ? String(index) : "";
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

  speedPicker.addEventListener("change", () => {
    video.playbackRate = Number(speedPicker.value) || 1;
  });
  video.addEventListener("ratechange", () => {
    const known = Array.from(speedPicker.options).some((o) => Number(o.value) === video.playbackRate);
    if (known) speedPicker.value = String(video.playbackRate);
    const rate = video.playbackRate;
    speedButton.textContent = `${rate}×`;
    speedButton.setAttribute("aria-label", `Speed: ${rate === 1 ? "Normal" : `${rate}×`}`);
  });
  // The bar's speed button steps through the picker's speeds (one tap on a phone, no menu).
  speedButton.addEventListener("click", () => {
    const speeds = Array.from(speedPicker.options, (o) => Number(o.value));
    const faster = speeds.find((speed) => speed > video.playbackRate + 0.001);
    video.playbackRate = faster || speeds[0];
    flash(`Speed ${video.playbackRate}×`);
  });

  if (document.pictureInPictureEnabled && !video.disablePictureInPicture) {
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

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen().catch(() => {});
    } else if (root.requestFullscreen) {
      root.requestFullscreen().catch(() => flash("Full screen is not available"));
    } else if (video.webkitEnterFullscreen) {
      video.webkitEnterFullscreen(); // iOS Safari: only the video element goes full screen
    }
  }
  fullscreenButton.addEventListener("click", toggleFullscreen);
  document.addEventListener("fullscreenchange", () => {
    const full = document.fullscreenElement === root;
    root.classList.toggle("player-fullscreen", full);
    fullscreenButton.setAttribute("aria-label", full ? "Exit full screen" : "Full screen");
  });

  // --- the control bar: play, seek with previews, time, volume --------------------------

  function knownDuration() {
    if (Number.isFinite(video.duration) && video.duration > 0) return video.duration;
    return config.duration > 0 ? config.duration : 0;
  }

  // Where the playhead is, or is about to be once the new source has its metadata.
  function position() {
    return pendingSeek !== null ? pendingSeek : video.currentTime;
  }

  function seekTo(seconds) {
    const end = knownDuration() || Infinity;
    const target = Math.max(0, Math.min(seconds, end));
    if (pendingSeek !== null) pendingSeek = target;
    else video.currentTime = target;
    renderProgress();
  }

  function formatTime(seconds) {
    const total = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor(total / 60) % 60;
    const rest = String(total % 60).padStart(2, "0");
    return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
  }

  // Screen readers read "1:05" as a ratio or a clock; aria-valuetext says it in words.
  function spokenTime(seconds) {
    const total = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
    const parts = [
      [Math.floor(total / 3600), "hour"],
      [Math.floor(total / 60) % 60, "minute"],
      [total % 60, "second"],
    ].filter(([count], i, all) => count || (i === all.length - 1 && total === 0));
    return parts.map(([count, unit]) => `${count} ${unit}${count === 1 ? "" : "s"}`).join(" ");
  }

  const played = seekBar.querySelector(".player-seek-played");
  const thumb = seekBar.querySelector(".player-seek-thumb");
  const bufferedRail = seekBar.querySelector(".player-seek-buffered");
  const currentText = controls.querySelector('[data-time="current"]');
  const durationText = controls.querySelector('[data-time="duration"]');
  let scrubbing = null; // the fraction under a dragging finger or mouse, until it lets go

  function renderProgress() {
    const duration = knownDuration();
    const at = scrubbing !== null ? scrubbing * duration : position();
    const fraction = duration ? Math.max(0, Math.min(at / duration, 1)) : 0;
    played.style.width = `${fraction * 100}%`;
    thumb.style.left = `${fraction * 100}%`;
    currentText.textContent = formatTime(at);
    durationText.textContent = formatTime(duration);
    seekBar.setAttribute("aria-valuemax", String(Math.round(duration)));
    seekBar.setAttribute("aria-valuenow", String(Math.round(Math.min(at, duration))));
    seekBar.setAttribute("aria-valuetext", `${spokenTime(at)} of ${spokenTime(duration)}`);
  }

  function renderBuffered() {
    const duration = knownDuration();
    const ranges = video.buffered;
    const count = duration ? ranges.length : 0;
    while (bufferedRail.children.length > count) bufferedRail.lastElementChild.remove();
    for (let i = 0; i < count; i += 1) {
      const span = bufferedRail.children[i] || bufferedRail.appendChild(document.createElement("span"));
      const start = Math.min(ranges.start(i) / duration, 1);
      span.style.left = `${start * 100}%`;
      span.style.width = `${Math.max(0, Math.min(ranges.end(i) / duration, 1) - start) * 100}%`;
    }
  }

  function renderPlayState() {
    const playing = !video.paused && !video.ended;
    root.classList.toggle("player-playing", playing);
    playButton.setAttribute("aria-label", playing ? "Pause" : "Play");
  }

  function renderVolume() {
    const silent = video.muted || video.volume === 0;
    root.classList.toggle("player-muted", silent);
    muteButton.setAttribute("aria-label", silent ? "Unmute" : "Mute");
    volumeRange.value = String(silent ? 0 : video.volume);
    volumeRange.setAttribute("aria-valuetext", `${Math.round((silent ? 0 : video.volume) * 100)}%`);
  }

  for (const name of ["timeupdate", "seeking", "seeked", "durationchange", "loadedmetadata", "emptied"]) {
    video.addEventListener(name, renderProgress);
  }
  for (const name of ["progress", "durationchange", "loadedmetadata", "emptied"]) {
    video.addEventListener(name, renderBuffered);
  }
  for (const name of ["play", "pause", "ended", "emptied"]) {
    video.addEventListener(name, renderPlayState);
  }
  video.addEventListener("volumechange", renderVolume);

  playButton.addEventListener("click", togglePlay);
  muteButton.addEventListener("click", () => {
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

  // Keyboard on the seek bar: the WAI-ARIA slider pattern (arrows, Page Up/Down, Home, End).
  seekBar.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const steps = {
      ArrowLeft: -SEEK_STEP_S,
      ArrowDown: -SEEK_STEP_S,
      ArrowRight: SEEK_STEP_S,
      ArrowUp: SEEK_STEP_S,
      PageDown: -6 * SEEK_STEP_S,
      PageUp: 6 * SEEK_STEP_S,
    };
    if (Object.hasOwn(steps, event.key)) seekTo(position() + steps[event.key]);
    else if (event.key === "Home") seekTo(0);
    else if (event.key === "End") seekTo(knownDuration());
    else return;
    event.preventDefault(); // the page's own arrow shortcuts would seek a second time
    showControls();
  });

  // Pointer on the seek bar: a mouse hovering shows the preview; pressing (mouse, finger or
  // pen) drags the playhead and seeks where it is let go, so a drag fetches once, not per move.
  let dragPointer = null;

  function fractionAt(event) {
    const rect = seekBar.getBoundingClientRect();
    return rect.width ? Math.max(0, Math.min((event.clientX - rect.left) / rect.width, 1)) : 0;
  }

  function scrub(fraction) {
    scrubbing = fraction;
    renderProgress();
    showPreview(fraction);
  }

  function endDrag(event, commit) {
    if (dragPointer !== event.pointerId) return;
    dragPointer = null;
    root.classList.remove("player-scrubbing");
    const fraction = scrubbing;
    scrubbing = null;
    if (commit && fraction !== null) seekTo(fraction * knownDuration());
    if (event.pointerType !== "mouse") hidePreview();
    renderProgress();
    scheduleHide();
  }

  seekBar.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse" && event.button !== 0) return;
    dragPointer = event.pointerId;
    seekBar.setPointerCapture(event.pointerId);
    root.classList.add("player-scrubbing");
    showControls();
    scrub(fractionAt(event));
  });
  seekBar.addEventListener("pointermove", (event) => {
    if (dragPointer === event.pointerId) scrub(fractionAt(event));
    else if (event.pointerType === "mouse") showPreview(fractionAt(event));
  });
  seekBar.addEventListener("pointerup", (event) => endDrag(event, true));
  seekBar.addEventListener("pointercancel", (event) => endDrag(event, false));
  seekBar.addEventListener("pointerleave", () => {
    if (dragPointer === null) hidePreview();
  });

  // --- seek previews: a tile of the sprite sheet and the time, above the seek bar ----------

  const previewImage = preview.querySelector(".player-preview-image");
  const previewTime = preview.querySelector(".player-preview-time");
  const parser = window.shadowvaultThumbnails;

  async function loadPreviews(link) {
    if (!link || !spriteLink || !parser) return;
    try {
      const response = await fetch(link, { credentials: "same-origin" });
      if (!response.ok) return; // an expired link: the next renewal brings a fresh one
      previewCues = parser.parse(await response.text());
      previewsLoaded = true;
      // Fetch the sheet now, so the first hover shows a picture rather than an empty frame.
      if (previewCues.length) new Image().src = spriteLink;
    } catch {
      // Offline or a damaged track: the seek bar shows times without pictures.
    }
  }

  function showPreview(fraction) {
    const duration = knownDuration();
    if (!duration) return hidePreview();
    const time = fraction * duration;
    previewTime.textContent = formatTime(time);
    const tile = spriteLink ? parser && parser.at(previewCues, time) : null;
    if (tile) {
      // The track names the sheet by its bare file name; links are signed, so the sheet's
      // own signed link stands in for it (a relative URL would miss the signature).
      const image = `url("${spriteLink.replace(/["\\\n]/g, encodeURIComponent)}")`;
      if (previewImage.style.backgroundImage !== image) previewImage.style.backgroundImage = image;
      previewImage.style.width = `${tile.w}px`;
      previewImage.style.height = `${tile.h}px`;
      previewImage.style.backgroundPosition = `-${tile.x}px -${tile.y}px`;
    }
    previewImage.hidden = !tile;
    preview.hidden = false;
    // Centred over the pointer, but never past either end of the bar.
    const width = seekBar.clientWidth;
    const left = Math.max(0, Math.min(fraction * width - preview.offsetWidth / 2, width - preview.offsetWidth));
    preview.style.transform = `translateX(${Math.round(left)}px)`;
  }

  function hidePreview() {
    preview.hidden = true;
  }

  // --- showing and hiding the controls ------------------------------------------------------

  let hideTimer = null;
  let hoveringControls = false;
  let lastPointer = "mouse";

  function showControls() {
    root.classList.remove("player-idle");
    scheduleHide();
  }

  function scheduleHide() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hideControls, HIDE_CONTROLS_MS);
  }

  function hideControls() {
    const active = document.activeElement;
    const keyboardInside = controls.contains(active) && active.matches(":focus-visible");
    if (video.paused || video.ended || dragPointer !== null || hoveringControls || keyboardInside) return;
    root.classList.add("player-idle");
    hidePreview();
  }

  root.addEventListener("pointerdown", (event) => {
    lastPointer = event.pointerType || "mouse";
  }, true);
  root.addEventListener("pointermove", (event) => {
    if (event.pointerType === "mouse") showControls();
  });
  root.addEventListener("pointerleave", (event) => {
    if (event.pointerType === "mouse" && !video.paused) hideControls();
  });
  // :hover sticks to whatever a finger last touched, so only a mouse counts as hovering.
  controls.addEventListener("pointerenter", (event) => {
    hoveringControls = event.pointerType === "mouse";
  });
  controls.addEventListener("pointerleave", () => {
    hoveringControls = false;
  });
  controls.addEventListener("focusin", showControls);
  video.addEventListener("play", scheduleHide);
  video.addEventListener("pause", showControls);

  // A click on the picture plays or pauses; a tap shows the controls first, or hides them
  // again, as on the phone players people know.
  video.addEventListener("click", () => {
    if (lastPointer === "mouse") {
      togglePlay();
      showControls();
    } else if (root.classList.contains("player-idle")) {
      showControls();
    } else if (!video.paused) {
      clearTimeout(hideTimer);
      hideControls();
    } else {
      togglePlay();
    }
  });
  video.addEventListener("dblclick", () => {
    if (lastPointer === "mouse") toggleFullscreen();
  });

  // --- keyboard shortcuts -----------------------------------------------------------------

  function flash(text) {
    osd.textContent = text;
    osd.classList.add("visible");
    clearTimeout(osdTimer);
    osdTimer = setTimeout(() => osd.classList.remove("visible"), 900);
  }

  function seekBy(seconds) {
    seekTo(position() + seconds);
    flash(seconds > 0 ? `+${seconds} s` : `−${-seconds} s`);
  }

  function togglePlay() {
    if (video.paused || video.ended) video.play().catch(() => {});
    else video.pause();
  }

  const SHORTCUTS = {
    " ": togglePlay,
    k: togglePlay,
    arrowleft: () => seekBy(-SEEK_STEP_S),
    arrowright: () => seekBy(SEEK_STEP_S),
    arrowup: () => {
      video.volume = Math.min(1, video.volume + 0.1);
      flash(`Volume ${Math.round(video.volume * 100)}%`);
    },
    arrowdown: () => {
      video.volume = Math.max(0, video.volume - 0.1);
      flash(`Volume ${Math.round(video.volume * 100)}%`);
    },
    f: toggleFullscreen,
    m: () => {
      video.muted = !video.muted;
      flash(video.muted ? "Muted" : "Sound on");
    },
    c: toggleCaptions,
    escape: () => nextEpisode && nextEpisode.cancel(),
  };

  // Keys typed into a form control or pressed on a link or button keep their own meaning;
  // the bar's own buttons keep only Space and Enter, so shortcuts work after clicking one.
  function keepsKey(target, key) {
    if (target === video || !target.closest) return false;
    if (target.closest(".player-bar") && target.tagName === "BUTTON") return key === " " || key === "enter";
    return Boolean(target.closest("input, textarea, select, button, a, summary, [contenteditable]"));
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.toLowerCase();
    const action = SHORTCUTS[key];
    if (!action || keepsKey(event.target, key)) return;
    if (key === "escape" && !(nextEpisode && nextEpisode.offered())) return; // not ours to take
    event.preventDefault();
    action();
    if (key !== "escape") showControls();
  });

  // --- start ------------------------------------------------------------------------------

  // Our controls replace the browser's (which stay for iOS's own full-screen player).
  video.controls = false;
  controls.hidden = false;
  root.classList.add("player-custom");
  measureControls();
  toolbar.hidden = false;
  load(config.src, config.resumeAt);
  scheduleRenewal(config.renewIn);
  loadPreviews(config.thumbnails);
  const initial = shownTrack();
  if (initial >= 0) {
    lastTrack = initial;
    subtitlePicker.value = String(initial);
  }
  captionsButton.setAttribute("aria-pressed", String(initial >= 0));
  renderProgress();
  renderPlayState();
  renderVolume();
  // Autoplay after the viewer pressed Play on the title page (or the previous episode's page,
  // whose countdown brought them here); browsers may refuse it (no gesture), and then the
  // viewer presses play.
  video.play().catch(() => {});

  // A handle for tests and for debugging from the console.
  window.shadowvaultPlayer = { video, renew, save: () => save("pause") };
})();
