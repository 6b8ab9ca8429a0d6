// Playing a title while it is still being transcoded (issue 19): progressive.json lists the
// CMAF segments made so far, and this loader feeds them to the <video> through Media Source
// Extensions, from the playhead on, polling while the list grows. What to fetch, what to
// evict and whether the playhead waits on a gap is decided in progressive-plan.js.
//
// Where MSE cannot play the rendition (an iPhone before iOS 17.1), a browser that plays HLS
// itself gets the rendition's HLS playlist, when the page names one; the poll still runs, for
// the seek bar, the viewer's demand (`at=`) and the move to the final file.

import { mediaStart, timestampOffset } from "./fmp4-time.js";
import {
  BEHIND_WHEN_FULL_S,
  atParam,
  evictions,
  inGap,
  needsInit,
  pastHole,
  planNext,
  bufferedAhead,
  pollDelay,
  readPlaylist,
  stalledOnGap,
} from "./progressive-plan.js";

const HLS_TYPE = "application/vnd.apple.mpegurl";
const RETRY_POLL_S = 5;
const PREPARING = "Preparing this part… (the encoder starts here)";
const UNPLAYABLE =
  "This browser cannot play this video while it is still being prepared. It plays here as soon " +
  "as its full-quality file is ready: try again in a few minutes.";
const FAILED = "This video could not be prepared for playing. Try again in a few minutes.";

/** A segment link that answered 404 or 410: the playlist moved on (final stored, link expired). */
class GoneSegment extends Error {}

/**
 * `url`: progressive.json; `hlsUrl`: its HLS playlist, or null. `state.pendingSeek` stands for
 * the playhead until the video has metadata (source.js applies it). Calls `onPlaylist(ranges)`
 * with the encoded parts after every poll, `onBuffered()` after every append or removal, and
 * `onFinal(src)` once the final file is stored (then it stops polling; the caller stops it).
 */
export function createProgressive({ video, url, hlsUrl, state, messages, onPlaylist, onBuffered, onFinal }) {
  const listeners = new AbortController();
  const initBytes = new Map(); // a run's init segment by id: a few hundred bytes, kept
  const offsets = new Map(); // a run's timestampOffset by its init id (fmp4-time.js)
  let playlist = null;
  let mediaSource = null;
  let sourceBuffer = null;
  let lastInit = null; // the init segment the source buffer parsed last
  let pollTimer = null;
  let polling = null; // the poll in flight, if one is
  let pumping = false;
  let fetching = null; // {segment, abort} of the segment being fetched
  let waiting = false; // the gap message shows
  let failures = 0; // segment fetches in a row that came to nothing
  let listAskedFor = null; // the segment a fresh list was asked for, encoded but unlisted
  let stopped = false;
  let chosen = false; // MSE, native HLS or a message: decided on the first answer
  let reportsPlace = true; // `at=` on polls; a native HLS player's playlist requests say it

  const position = () => (state.pendingSeek !== null ? state.pendingSeek : video.currentTime);
  const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

  /** The first poll; its answer decides how the rendition plays (a failed one is retried). */
  function start() {
    return poll();
  }

  function choosePlayback() {
    chosen = true;
    const MediaSourceType = window.MediaSource || window.ManagedMediaSource;
    if (MediaSourceType && MediaSourceType.isTypeSupported(playlist.mime)) attach(MediaSourceType);
    else if (hlsUrl && video.canPlayType(HLS_TYPE)) playNatively();
    else messages.show(UNPLAYABLE, true);
  }

  // The browser fetches the HLS playlist itself (only its gapless start: an EVENT playlist
  // grows at its end only); the poll keeps the seek bar and the move to the final file.
  function playNatively() {
    reportsPlace = false;
    video.src = hlsUrl;
  }

  function attach(MediaSourceType) {
    mediaSource = new MediaSourceType();
    // Safari's ManagedMediaSource plays only with AirPlay off (or an AirPlay alternative).
    if (window.ManagedMediaSource && mediaSource instanceof window.ManagedMediaSource) {
      video.disableRemotePlayback = true;
    }
    const objectUrl = URL.createObjectURL(mediaSource);
    mediaSource.addEventListener(
      "sourceopen",
      () => {
        URL.revokeObjectURL(objectUrl); // attached: the element holds the MediaSource itself
        if (stopped) return;
        // The whole film's length, so the seek bar spans it before its end is encoded.
        if (playlist.duration > 0) mediaSource.duration = playlist.duration;
        sourceBuffer = mediaSource.addSourceBuffer(playlist.mime);
        // Every segment carries its own (absolute) timestamps: a run that starts at 4:00
        // lands at 4:00, not after what was appended before.
        sourceBuffer.mode = "segments";
        kick();
      },
      { once: true },
    );
    video.src = objectUrl;
  }

  // ---- The playlist --------------------------------------------------------------------

  function poll() {
    if (!polling) polling = pollOnce().finally(() => (polling = null));
    return polling;
  }

  async function pollOnce() {
    clearTimeout(pollTimer);
    const separator = url.includes("?") ? "&" : "?";
    const asked = reportsPlace ? `${url}${separator}at=${atParam(position())}` : url;
    try {
      const response = await fetch(asked, {
        credentials: "same-origin",
        cache: "no-store",
      });
      if (!response.ok) throw new Error(`progressive.json answered ${response.status}`);
      playlist = readPlaylist(await response.json());
    } catch {
      if (!stopped) pollTimer = setTimeout(poll, RETRY_POLL_S * 1000); // offline for a moment
      return;
    }
    if (stopped) return;
    onPlaylist(playlist.ranges);
    if (playlist.finalSrc) return onFinal(playlist.finalSrc);
    if (playlist.state === "failed") return messages.show(FAILED, true);
    if (!chosen) choosePlayback();
    const ahead = sourceBuffer ? bufferedAhead(bufferedRanges(), position()) : Infinity;
    pollTimer = setTimeout(poll, pollDelay(playlist, waiting, ahead) * 1000);
    kick();
  }

  // ---- Feeding the source buffer ---------------------------------------------------------

  function kick() {
    if (!pumping && sourceBuffer && !stopped) pump();
  }

  async function pump() {
    pumping = true;
    try {
      while (!stopped && (await step()));
    } catch (error) {
      // The browser refused a segment: the video's own error event (messages.js) takes it.
      if (!stopped) console.warn("progressive player:", error);
    } finally {
      pumping = false;
    }
  }

  // One thing done (true: plan again at once), or nothing to do until the playhead moves or
  // the playlist grows (false).
  async function step() {
    const at = position();
    await evict(evictions(bufferedRanges(), at, playlist.segmentSeconds));
    const plan = planNext(playlist, at, bufferedRanges());
    showWaiting(stalledOnGap(plan, at));
    if (plan.action === "end" && mediaSource.readyState === "open") mediaSource.endOfStream();
    if (plan.action === "list" && listAskedFor !== plan.number) {
      listAskedFor = plan.number; // once: the next one comes with the regular poll
      await poll();
      return true;
    }
    if (plan.action !== "append") return false;
    try {
      await appendSegment(plan.segment);
      failures = 0;
      listAskedFor = null;
    } catch (error) {
      if (error.name === "QuotaExceededError") return false; // full ahead: wait for the playhead
      if (error.name === "AbortError") return true; // a seek made it needless
      // Anything but a gone link or the network (TypeError, fetch's word for it) is the
      // browser refusing the bytes.
      if (!(error instanceof GoneSegment) && error.name !== "TypeError") throw error;
      failures += 1;
      if (failures > 1) await sleep(Math.min(failures, RETRY_POLL_S)); // no hot loop on a dead link
      await poll();
    }
    return true;
  }

  async function appendSegment(segment) {
    if (needsInit(segment, lastInit)) {
      if (!initBytes.has(segment.init)) initBytes.set(segment.init, await download(playlist.inits[segment.init]));
      // Another run: its parser starts afresh. Without this Chromium dropped most of a fast
      // encoder's segment appended after one of the final encode's (B-frames).
      if (lastInit !== null && mediaSource.readyState === "open") sourceBuffer.abort();
      await append(initBytes.get(segment.init));
      lastInit = segment.init;
    }
    const abort = new AbortController();
    fetching = { segment, abort };
    let bytes;
    try {
      bytes = await download(segment.url, abort.signal);
    } finally {
      fetching = null;
    }
    placeRun(segment, bytes);
    await append(bytes);
  }

  // A run's segments keep their own timeline (from zero, for ffmpeg's); the first one seen
  // says how far the run is moved to sit where the list puts it, and the rest follow.
  function placeRun(segment, bytes) {
    if (!offsets.has(segment.init)) {
      offsets.set(segment.init, timestampOffset(segment.start, mediaStart(initBytes.get(segment.init), bytes)));
    }
    const offset = offsets.get(segment.init);
    if (sourceBuffer.timestampOffset !== offset) sourceBuffer.timestampOffset = offset;
  }

  async function download(link, signal) {
    if (!link) throw new GoneSegment("no link for this segment");
    const response = await fetch(link, { credentials: "same-origin", signal });
    if (response.status === 404 || response.status === 410 || response.status === 403) {
      throw new GoneSegment(`segment answered ${response.status}`);
    }
    if (!response.ok) throw new TypeError(`segment answered ${response.status}`);
    return response.arrayBuffer();
  }

  // The browser may say its buffer is full (QuotaExceededError): make room behind the
  // playhead and try once more.
  async function append(bytes) {
    try {
      await bufferDoes(() => sourceBuffer.appendBuffer(bytes));
    } catch (error) {
      if (error.name !== "QuotaExceededError") throw error;
      await evict(evictions(bufferedRanges(), position(), playlist.segmentSeconds, BEHIND_WHEN_FULL_S));
      await bufferDoes(() => sourceBuffer.appendBuffer(bytes));
    }
    onBuffered();
  }

  async function evict(removals) {
    for (const [start, end] of removals) await bufferDoes(() => sourceBuffer.remove(start, end));
    if (removals.length) onBuffered();
  }

  // One appendBuffer or remove, settled when the source buffer has done it.
  function bufferDoes(operation) {
    return new Promise((resolve, reject) => {
      const done = () => settle(resolve);
      const failed = () => settle(() => reject(new Error("the browser could not use a segment")));
      function settle(how) {
        sourceBuffer.removeEventListener("updateend", done);
        sourceBuffer.removeEventListener("error", failed);
        how();
      }
      sourceBuffer.addEventListener("updateend", done);
      sourceBuffer.addEventListener("error", failed);
      try {
        operation();
      } catch (error) {
        settle(() => reject(error));
      }
    });
  }

  function bufferedRanges() {
    const ranges = sourceBuffer.buffered;
    return Array.from({ length: ranges.length }, (_, i) => [ranges.start(i), ranges.end(i)]);
  }

  // ---- The viewer --------------------------------------------------------------------------

  function showWaiting(now) {
    if (now) messages.wait(playlist.message || PREPARING);
    else if (waiting) messages.endWait();
    if (now && !waiting) poll(); // tell the server at once where the viewer waits
    waiting = now;
  }

  function seeking() {
    if (!playlist) return;
    const target = position();
    // A segment far from the new place is not worth finishing.
    if (fetching && Math.abs(fetching.segment.start - target) > playlist.segmentSeconds * 2) {
      fetching.abort.abort();
    }
    if (inGap(playlist, target)) poll(); // the server starts an encoder there
    kick();
  }

  function stepOverHole() {
    if (!sourceBuffer || video.seeking) return;
    const to = pastHole(bufferedRanges(), video.currentTime);
    if (to !== null) video.currentTime = to;
  }

  video.addEventListener("seeking", seeking, { signal: listeners.signal });
  video.addEventListener("waiting", stepOverHole, { signal: listeners.signal });
  video.addEventListener("timeupdate", kick, { signal: listeners.signal });
  video.addEventListener("play", kick, { signal: listeners.signal });

  /** A poll now: fresh links after a renewal, or the viewer pressed Try again. */
  function refresh() {
    return poll();
  }

  /** Stop polling and fetching; the caller gives the video its next source. */
  function stop() {
    stopped = true;
    clearTimeout(pollTimer);
    listeners.abort();
    if (fetching) fetching.abort.abort();
    if (waiting) messages.endWait();
  }

  /** Seconds between segment starts: the final MP4's keyframes when its encode wrote them. */
  function segmentSeconds() {
    return playlist ? playlist.segmentSeconds : 0;
  }

  return { start, refresh, stop, segmentSeconds };
}
