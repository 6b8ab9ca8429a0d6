// The player: signed source, resume, progress saves, link renewal, subtitles, shortcuts.
// Native <video> controls do the drawing; this adds what a streaming site needs around them.
(() => {
  "use strict";

  const configNode = document.getElementById("player-config");
  const video = document.getElementById("player-video");
  if (!configNode || !video) return;

  const config = JSON.parse(configNode.textContent);
  const root = document.getElementById("player");
  const message = document.getElementById("player-message");
  const messageText = message.querySelector(".player-message-text");
  const osd = document.getElementById("player-osd");
  const toolbar = document.getElementById("player-toolbar");
  const subtitlePicker = document.getElementById("player-subtitles");
  const speedPicker = document.getElementById("player-speed");
  const pipButton = toolbar.querySelector('[data-action="pip"]');

  const SAVE_EVERY_MS = 10000;
  const SLOW_AFTER_MS = 15000;
  const RETRY_RENEWAL_S = 30;
  const SEEK_STEP_S = 10;
  const MAX_TIMEOUT_MS = 2 ** 31 - 1; // setTimeout's delay is a signed 32-bit number

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
  });

  speedPicker.addEventListener("change", () => {
    video.playbackRate = Number(speedPicker.value) || 1;
  });
  video.addEventListener("ratechange", () => {
    const known = Array.from(speedPicker.options).some((o) => Number(o.value) === video.playbackRate);
    if (known) speedPicker.value = String(video.playbackRate);
  });

  if (document.pictureInPictureEnabled && !video.disablePictureInPicture) {
    pipButton.hidden = false;
    pipButton.addEventListener("click", () => {
      const request = document.pictureInPictureElement
        ? document.exitPictureInPicture()
        : video.requestPictureInPicture();
      request.catch(() => flash("Picture in picture is not available"));
    });
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
  toolbar.querySelector('[data-action="fullscreen"]').addEventListener("click", toggleFullscreen);

  // --- keyboard shortcuts -----------------------------------------------------------------

  function flash(text) {
    osd.textContent = text;
    osd.classList.add("visible");
    clearTimeout(osdTimer);
    osdTimer = setTimeout(() => osd.classList.remove("visible"), 900);
  }

  function seekBy(seconds) {
    const end = Number.isFinite(video.duration) ? video.duration : Infinity;
    video.currentTime = Math.max(0, Math.min(video.currentTime + seconds, end));
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
  };

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    // Keys typed into a form control or pressed on a link or button keep their own meaning.
    if (target !== video && target.closest && target.closest("input, textarea, select, button, a, summary, [contenteditable]")) {
      return;
    }
    const action = SHORTCUTS[event.key.toLowerCase()];
    if (!action) return;
    event.preventDefault(); // also keeps the native controls from acting on the same key
    action();
  });

  // --- start ------------------------------------------------------------------------------

  video.controls = true;
  toolbar.hidden = false;
  load(config.src, config.resumeAt);
  scheduleRenewal(config.renewIn);
  const initial = shownTrack();
  if (initial >= 0) {
    lastTrack = initial;
    subtitlePicker.value = String(initial);
  }
  // Autoplay after the viewer pressed Play on the title page; browsers may refuse it (no
  // gesture), and then the viewer presses play.
  video.play().catch(() => {});

  // A handle for tests and for debugging from the console.
  window.shadowvaultPlayer = { video, renew, save: () => save("pause") };
})();
