// Planning for the progressive player (progressive.js): which segment to fetch next, what the
// seek bar shows as encoded, whether a place still waits for its encoder, what to evict. Pure
// functions over progressive.json's answer (issue 19's contract, docs in notes/progressive.md)
// and the video's buffered ranges as [start, end] pairs; no DOM, no fetch.
//
// Segments are numbered by time: segment n covers [n * segmentSeconds, (n + 1) * segmentSeconds),
// so the list can have gaps (an encoder started further on) that fill in later. The answer
// lists only the segments near the asked position (with their signed links) and every
// encoded part of the film as `ranges`.

/** Keep this much buffered ahead of the playhead (seconds); fetch nothing further. */
export const AHEAD_S = 45;
/** Evict what lies further behind the playhead than this. */
export const BEHIND_S = 30;
/** Behind the playhead when the browser says its buffer is full (QuotaExceededError). */
export const BEHIND_WHEN_FULL_S = 4;
/** Buffered data this far past the playhead is left over from before a seek back: evicted. */
export const FAR_AHEAD_S = 120;
/** While the playhead waits for a gap to fill, or is about to, ask again at least this often:
 * an encoder barely faster than real time stores the next segment just in time, and a 2 s
 * poll made the viewer wait for the news (bench/progressive.py: 1-2 s at every segment). */
export const GAP_POLL_S = 0.5;
/** Less than this buffered ahead of the playhead while the rendition grows: about to wait. */
export const LOW_AHEAD_S = 6;

/** progressive.json's answer with its segments as objects, found by number. */
export function readPlaylist(answer) {
  const segmentSeconds = answer.segmentSeconds > 0 ? answer.segmentSeconds : 4;
  const duration = answer.duration > 0 ? answer.duration : 0;
  const segments = (answer.segments || [])
    .map(([number, start, length, init, url]) => ({ number, start, duration: length, init: String(init), url }))
    .sort((a, b) => a.number - b.number);
  return {
    state: answer.state,
    ranges: Array.isArray(answer.ranges) ? answer.ranges : encodedRanges(segments),
    duration,
    segmentSeconds,
    segmentCount: answer.segmentCount > 0 ? answer.segmentCount : Math.ceil(duration / segmentSeconds),
    mime: answer.mime || "",
    inits: answer.inits || {},
    segments,
    byNumber: new Map(segments.map((segment) => [segment.number, segment])),
    message: answer.message || "",
    finalSrc: (answer.final && answer.final.src) || null,
    pollIn: answer.pollIn > 0 ? answer.pollIn : 2,
  };
}

/** The `at=` a poll reports: a finite, non-negative number of seconds, to 0.1 s. */
export function atParam(seconds) {
  const at = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
  return (Math.round(at * 10) / 10).toFixed(1);
}

/** The number of the segment that holds `time`. */
export function segmentNumberAt(time, segmentSeconds) {
  // A hair of slack: 7.9999999 (float arithmetic on 8) belongs to segment 2, not 1.
  return Math.max(0, Math.floor(time / segmentSeconds + 1e-6));
}

/** Whether the video holds `segment`: its middle lies in a buffered range (audio and video
 * frames rarely end exactly on the segment's edges, so the edges say nothing). */
export function isBuffered(segment, buffered) {
  const middle = segment.start + segment.duration / 2;
  return buffered.some(([start, end]) => start <= middle && middle < end);
}

/**
 * What the loader does next, from the playhead on: `{action: "append", segment}` (the first
 * segment within AHEAD_S the video lacks), `{action: "list", number, start}` (that segment is
 * encoded but not listed: ask for the list around the playhead), `{action: "wait", number,
 * start}` (it is not encoded yet: poll), `{action: "idle"}` (enough is buffered), or
 * `{action: "end"}` (everything up to the last segment is buffered: the stream can end).
 */
export function planNext(playlist, playhead, buffered, ahead = AHEAD_S) {
  const { segmentSeconds, segmentCount, byNumber } = playlist;
  const first = segmentNumberAt(Math.max(0, playhead), segmentSeconds);
  for (let number = first; number < segmentCount; number += 1) {
    const start = number * segmentSeconds;
    if (number > first && start >= playhead + ahead) return { action: "idle" };
    const segment = byNumber.get(number);
    if (!segment) {
      const encoded = inRanges(playlist.ranges, start + segmentSeconds / 2);
      return { action: encoded ? "list" : "wait", number, start };
    }
    if (!isBuffered(segment, buffered)) return { action: "append", segment };
  }
  return first < segmentCount ? { action: "end" } : { action: "idle" };
}

function inRanges(ranges, time) {
  return ranges.some(([start, end]) => start <= time && time < end);
}

/** Whether playback is held up by a missing segment (not merely the encoder being near). */
export function stalledOnGap(plan, playhead) {
  return plan.action === "wait" && plan.start - playhead < 0.5;
}

/** Whether `time` falls in a part of the film that has no segment yet. */
export function inGap(playlist, time) {
  if (time >= playlist.duration) return false;
  const number = segmentNumberAt(Math.max(0, time), playlist.segmentSeconds);
  const middle = (number + 0.5) * playlist.segmentSeconds;
  return !playlist.byNumber.has(number) && !inRanges(playlist.ranges, middle);
}

// Segments of different runs meet with a hole of a few hundredths of a second in one track: the
// final encode (B-frames) cuts its audio at the keyframe's decode time, a fast encoder at its
// presentation time. The element stalls at such a hole; the loader steps over it.
export const MAX_HOLE_S = 0.3;

/**
 * Where a stalled playhead should go to get past a small hole in `buffered`: just inside the
 * next range when it starts within MAX_HOLE_S, else null (playing on, or a real gap to wait on).
 */
export function pastHole(buffered, playhead) {
  if (buffered.some(([start, end]) => start <= playhead && playhead < end - 0.05)) return null;
  const next = buffered.find(([start]) => start > playhead && start - playhead <= MAX_HOLE_S);
  return next ? next[0] + 0.01 : null;
}

/** Whether `segment` needs its run's init segment appended first (another encoder's run). */
export function needsInit(segment, lastInit) {
  return segment.init !== lastInit;
}

/** The encoded parts of the film, for the seek bar: neighbouring segments as one [start, end]. */
export function encodedRanges(segments) {
  const ranges = [];
  for (const { start, duration } of segments) {
    const last = ranges[ranges.length - 1];
    // A tenth of a second of slack: a run's segment lengths are rounded to frames.
    if (last && start <= last[1] + 0.1) last[1] = Math.max(last[1], start + duration);
    else ranges.push([start, start + duration]);
  }
  return ranges;
}

/**
 * The [start, end] ranges to remove from the buffer: everything ending more than `behind`
 * before the playhead (cut at a segment edge, so a segment is never half removed), and what
 * lies beyond `farAhead` past it (left over from before a seek back).
 */
export function evictions(buffered, playhead, segmentSeconds, behind = BEHIND_S, farAhead = FAR_AHEAD_S) {
  const keepFrom = Math.floor(Math.max(0, playhead - behind) / segmentSeconds) * segmentSeconds;
  const keepTo = playhead + farAhead;
  const removals = [];
  for (const [start, end] of buffered) {
    if (start < keepFrom) removals.push([start, Math.min(end, keepFrom)]);
    if (end > keepTo) removals.push([Math.max(start, keepTo), end]);
  }
  return removals.filter(([start, end]) => end - start > 0.01);
}

/** Seconds until the next poll: the server's figure, sooner while the playhead waits on a
 * gap or has less than LOW_AHEAD_S buffered while the rendition still grows. */
export function pollDelay(playlist, waitingOnGap, aheadSeconds = Infinity) {
  const low = playlist.state === "encoding" && aheadSeconds < LOW_AHEAD_S;
  return waitingOnGap || low ? Math.min(playlist.pollIn, GAP_POLL_S) : playlist.pollIn;
}

/** Seconds buffered from `at` on without a break (0 when `at` is not buffered). */
export function bufferedAhead(buffered, at) {
  const holding = buffered.find(([start, end]) => start <= at + 0.05 && at < end);
  return holding ? holding[1] - at : 0;
}
