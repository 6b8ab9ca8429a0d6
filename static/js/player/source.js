// The video's signed source: loading it at the resume point, and renewing its link (and the
// subtitle links) before it expires, keeping the place and the play state across the swap.
// A title still being transcoded has no file yet: it plays its progressive rendition
// (progressive.js) until the final file is stored, then moves to that file in place.

import { warmFinal } from "./final-warmup.js";
import { createProgressive } from "./progressive.js";
import { coverWithStill, whenPictureShows } from "./still-frame.js";

const RETRY_RENEWAL_S = 30;
const MAX_TIMEOUT_MS = 2 ** 31 - 1; // setTimeout's delay is a signed 32-bit number

// The rendition's HLS playlist (watch-progressive-hls) beside its progressive.json, for a
// browser without Media Source Extensions that plays HLS itself (iOS before 17.1).
function hlsPlaylistOf(url) {
  return url.replace(/progressive\.json(?=$|\?)/, "progressive.m3u8");
}

/**
 * `state.pendingSeek` is where the playhead goes once the (new) source has metadata; the
 * seek bar and progress saving read it too. `onRenewed(fresh)` hears every renewed answer;
 * `onEncoded(ranges)` the encoded parts of a progressive rendition ([] once the file plays),
 * `onBuffered()` every change the progressive loader makes to what is buffered.
 */
export function createSource({ video, root, config, state, messages, onRenewed, onEncoded, onBuffered }) {
  let renewTimer = null;
  let renewDueAt = 0;
  let progressive = null; // the progressive loader, while the title has no final file
  let progressiveUrl = config.progressive || null;
  let warming = null; // cancels the final file's warm-up (final-warmup.js) while one runs

  const position = () => (state.pendingSeek !== null ? state.pendingSeek : video.currentTime);

  function prepare(at) {
    state.pendingSeek = at > 0 ? at : null;
    delete root.dataset.ready;
    messages.startSlowTimer();
  }

  function load(src, at) {
    prepare(at);
    video.src = src;
  }

  function loadProgressive(url, at) {
    prepare(at);
    root.classList.add("player-progressive");
    progressive = createProgressive({
      video,
      url,
      hlsUrl: config.progressiveHls || hlsPlaylistOf(url),
      state,
      messages,
      onPlaylist: onEncoded,
      onBuffered,
      onFinal: moveToFinal,
    });
    progressive.start();
  }

  /** The page's first source: the file, else the progressive rendition. */
  function start() {
    if (config.src) load(config.src, config.resumeAt);
    else if (progressiveUrl) loadProgressive(progressiveUrl, config.resumeAt);
    else messages.show("This video is not ready to play yet. Try again in a few minutes.", true);
  }

  function swapSource(src, at = position()) {
    // Keep the place and the play state: the element reloads from the new link and goes on.
    const wasPlaying = !video.paused && !video.ended;
    load(src, at);
    if (wasPlaying) playWhenReady();
  }

  // play() on a source still loading makes the element wait (a `waiting`, a spinner);
  // playing once it has data at its place goes straight on.
  function playWhenReady() {
    const events = ["canplay", "seeked"];
    const go = () => {
      if (state.pendingSeek !== null || video.seeking) return;
      if (video.readyState < HTMLMediaElement.HAVE_FUTURE_DATA) return;
      for (const name of events) video.removeEventListener(name, go);
      video.play().catch(() => {});
    };
    for (const name of events) video.addEventListener(name, go);
  }

  // From the progressive rendition to the final file at the same place and play state. While
  // it plays, the file is opened ahead first (final-warmup.js); a still of the picture covers
  // the element while it loads the file and seeks.
  function switchToFinal(src) {
    if (video.ended) return switchWhenViewerActs(src);
    if (warming) return;
    if (video.paused) return switchNow(src);
    const keyframeEvery = progressive.segmentSeconds();
    warming = warmFinal(video, src, (at) => {
      warming = null;
      if (progressive) switchNow(src, at);
    }, keyframeEvery);
  }

  // `at`: the second the warm-up read ahead (a keyframe), a hair past the playhead; else here.
  function switchNow(src, at = null) {
    const uncover = coverWithStill(video);
    progressive.stop();
    progressive = null;
    root.classList.remove("player-progressive");
    onEncoded([]);
    messages.hide(); // a gap's wait, or "cannot play while it is prepared": both over
    swapSource(src, at ?? position());
    whenPictureShows(video, () => state.pendingSeek === null, uncover);
  }

  // A rendition played to its end stays there (the next episode's countdown runs, and a file
  // a hair shorter would start again from 0): the file comes with the viewer's next play or
  // seek, at the place that asks for.
  function switchWhenViewerActs(src) {
    progressive.stop();
    const go = () => {
      video.removeEventListener("seeking", go);
      video.removeEventListener("play", go);
      if (progressive) switchNow(src);
    };
    video.addEventListener("seeking", go);
    video.addEventListener("play", go);
  }

  // progressive.json says the final file is stored: a renewal brings its link with the
  // subtitles, sprite and thumbnails; the poll's own link serves if the renewal fails.
  function moveToFinal(src) {
    fetchFresh()
      .then((fresh) => (fresh.src ? apply(fresh) : switchToFinal(src)))
      .catch(() => progressive && switchToFinal(src));
  }

  // A progressive title's renewal: a fresh start after the browser refused the stream,
  // else a poll (fresh segment links).
  function renewProgressive(url) {
    progressiveUrl = url || progressiveUrl;
    if (!video.error) return progressive.refresh();
    if (warming) warming();
    warming = null;
    const at = position();
    progressive.stop();
    loadProgressive(progressiveUrl, at);
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

  async function fetchFresh() {
    const response = await fetch(config.linkUrl, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(`link renewal answered ${response.status}`);
    return response.json();
  }

  function apply(fresh) {
    if (fresh.src && progressive) switchToFinal(fresh.src);
    else if (fresh.src) swapSource(fresh.src);
    else if (progressive) renewProgressive(fresh.progressive);
    else if (fresh.progressive) loadProgressive((progressiveUrl = fresh.progressive), position());
    updateTracks(fresh.subtitles || {});
    onRenewed(fresh);
    scheduleRenewal(fresh.renewIn);
  }

  async function renew() {
    const fresh = await fetchFresh();
    apply(fresh);
    return fresh;
  }

  /** What plays: "progressive" (the rendition being encoded) or "file". */
  function playing() {
    return progressive ? "progressive" : "file";
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

  return { start, load, renew, scheduleRenewal, playing };
}
