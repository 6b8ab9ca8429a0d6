import assert from "node:assert/strict";
import { test } from "node:test";

import {
  AHEAD_S,
  atParam,
  encodedRanges,
  evictions,
  inGap,
  isBuffered,
  needsInit,
  pastHole,
  planNext,
  bufferedAhead,
  pollDelay,
  readPlaylist,
  segmentNumberAt,
  stalledOnGap,
} from "../../static/js/player/progressive-plan.js";

// A 600 s film in 4 s segments; `numbers` are the segments encoded so far (run "17" from 0,
// run "40" from wherever a seek started an encoder).
function playlist(numbers, extra = {}) {
  return readPlaylist({
    state: "encoding",
    duration: 600,
    segmentSeconds: 4,
    segmentCount: 150,
    mime: 'video/mp4; codecs="avc1.64001f,mp4a.40.2"',
    inits: { 17: "/media/17/init.mp4", 40: "/media/40/init.mp4" },
    segments: numbers.map((n) => [n, n * 4, 4, n < 50 ? 17 : 40, `/media/seg-${n}.m4s`]),
    encoding: [],
    message: "",
    final: null,
    pollIn: 2,
    ...extra,
  });
}

const range = (from, to) => Array.from({ length: to - from }, (_, i) => from + i);

test("the answer's segment tuples become objects found by number, init ids as strings", () => {
  const list = playlist([0, 1, 60]);
  assert.deepEqual(list.byNumber.get(60), {
    number: 60,
    start: 240,
    duration: 4,
    init: "40",
    url: "/media/seg-60.m4s",
  });
  assert.equal(list.segmentCount, 150);
  assert.equal(list.finalSrc, null);
  assert.equal(list.pollIn, 2);
});

test("a replaced rendition names the final file; a missing count follows from the duration", () => {
  const list = readPlaylist({ state: "replaced", duration: 10, segmentSeconds: 4, final: { src: "/f.mp4" } });
  assert.equal(list.finalSrc, "/f.mp4");
  assert.equal(list.segmentCount, 3);
  assert.deepEqual(list.segments, []);
});

test("at= is the position to a tenth of a second, never negative or not a number", () => {
  assert.equal(atParam(12.345), "12.3");
  assert.equal(atParam(12.36), "12.4");
  assert.equal(atParam(0), "0.0");
  assert.equal(atParam(-3), "0.0");
  assert.equal(atParam(NaN), "0.0");
  assert.equal(atParam(Infinity), "0.0");
});

test("a time belongs to the segment whose span holds it, edges to the later one", () => {
  assert.equal(segmentNumberAt(0, 4), 0);
  assert.equal(segmentNumberAt(3.99, 4), 0);
  assert.equal(segmentNumberAt(4, 4), 1);
  assert.equal(segmentNumberAt(0.1 * 80, 4), 2); // 8.000000000000002
  assert.equal(segmentNumberAt(7.9999999999, 4), 2);
});

test("a segment counts as buffered when its middle is, whatever its ragged edges", () => {
  const segment = { start: 4, duration: 4 };
  assert.equal(isBuffered(segment, [[4.02, 7.98]]), true);
  assert.equal(isBuffered(segment, [[0, 5]]), false);
  assert.equal(isBuffered(segment, []), false);
});

test("from the start the loader fetches segment 0, then the next one missing", () => {
  const list = playlist(range(0, 20));
  assert.equal(planNext(list, 0, []).segment.number, 0);
  assert.equal(planNext(list, 0, [[0, 12]]).segment.number, 3);
});

test("the loader starts at the playhead's own segment, not at the start", () => {
  const list = playlist(range(0, 20));
  assert.equal(planNext(list, 37.5, []).segment.number, 9);
});

test("with enough buffered ahead the loader rests", () => {
  const list = playlist(range(0, 150));
  assert.deepEqual(planNext(list, 10, [[0, 10 + AHEAD_S + 4]]), { action: "idle" });
  assert.equal(planNext(list, 10, [[0, 40]]).segment.number, 10);
});

test("a segment not encoded yet means wait and poll", () => {
  const list = playlist(range(0, 5));
  assert.deepEqual(planNext(list, 10, [[0, 20]]), { action: "wait", number: 5, start: 20 });
});

test("a seek into a gap waits on the segment the target lies in", () => {
  const list = playlist(range(0, 10));
  const plan = planNext(list, 250, [[0, 40]]);
  assert.deepEqual(plan, { action: "wait", number: 62, start: 248 });
  assert.equal(stalledOnGap(plan, 250), true);
});

test("waiting on the encoder well ahead of the playhead is no stall", () => {
  const list = playlist(range(0, 10));
  assert.equal(stalledOnGap(planNext(list, 10, [[0, 40]]), 10), false);
  assert.equal(stalledOnGap(planNext(list, 39.9, [[0, 40]]), 39.9), true);
  assert.equal(stalledOnGap({ action: "idle" }, 0), false);
});

test("once the gap fills the loader fetches there, behind a new run's init", () => {
  const list = playlist([...range(0, 10), ...range(62, 70)]);
  const plan = planNext(list, 250, [[0, 40]]);
  assert.equal(plan.segment.number, 62);
  assert.equal(needsInit(plan.segment, "17"), true);
  assert.equal(needsInit(plan.segment, "40"), false);
  assert.equal(needsInit(list.byNumber.get(0), null), true);
});

test("everything buffered to the last segment ends the stream", () => {
  const list = playlist(range(145, 150));
  assert.deepEqual(planNext(list, 581, [[580, 600]]), { action: "end" });
  assert.deepEqual(planNext(list, 600, [[580, 600]]), { action: "idle" });
});

test("the seek bar's encoded parts join neighbouring segments and keep gaps apart", () => {
  const list = playlist([0, 1, 2, 10, 11, 149]);
  assert.deepEqual(encodedRanges(list.segments), [
    [0, 12],
    [40, 48],
    [596, 600],
  ]);
  assert.deepEqual(encodedRanges([]), []);
});

test("segments a frame short still join", () => {
  const segments = [
    { start: 0, duration: 3.96 },
    { start: 4, duration: 4 },
  ];
  assert.deepEqual(encodedRanges(segments), [[0, 8]]);
});

test("a place with no segment is a gap; the encoded parts and the end are not", () => {
  const list = playlist([...range(0, 10), 62]);
  assert.equal(inGap(list, 20), false);
  assert.equal(inGap(list, 100), true);
  assert.equal(inGap(list, 249), false);
  assert.equal(inGap(list, 600), false);
});

test("what lies far behind the playhead is evicted, cut at a segment edge", () => {
  assert.deepEqual(evictions([[0, 100]], 90, 4), [[0, 60]]);
  assert.deepEqual(evictions([[0, 100]], 91, 4), [[0, 60]]);
  assert.deepEqual(evictions([[0, 100]], 20, 4), []);
});

test("what is left far ahead after a seek back is evicted too", () => {
  assert.deepEqual(evictions([[0, 20], [300, 340]], 10, 4), [[300, 340]]);
});

test("a full buffer keeps only a few seconds behind", () => {
  assert.deepEqual(evictions([[0, 100]], 90, 4, 4), [[0, 84]]);
});

test("polls come at the server's pace, sooner while the viewer waits on a gap", () => {
  const list = playlist([], { pollIn: 5 });
  assert.equal(pollDelay(list, false), 5);
  assert.equal(pollDelay(list, true), 0.5);
});

test("polls come sooner when little is buffered ahead while the list grows", () => {
  const list = playlist([], { pollIn: 2 });
  assert.equal(pollDelay(list, false, 20), 2);
  assert.equal(pollDelay(list, false, 3), 0.5);
  const done = playlist([], { pollIn: 30, state: "finished" });
  assert.equal(pollDelay(done, false, 3), 30, "a finished list grows no more");
});

test("what is buffered ahead counts the range holding the playhead only", () => {
  assert.equal(bufferedAhead([[0, 8], [20, 40]], 5), 3);
  assert.equal(bufferedAhead([[0, 8], [20, 40]], 10), 0);
  assert.equal(bufferedAhead([[0, 8]], 8), 0);
  assert.equal(bufferedAhead([], 0), 0);
});

test("the seek bar's parts come from the answer's ranges when it lists only a window", () => {
  const list = playlist(range(0, 5), { ranges: [[0, 100], [240, 260]] });
  assert.deepEqual(list.ranges, [[0, 100], [240, 260]]);
  assert.deepEqual(playlist(range(0, 3)).ranges, [[0, 12]]);
});

test("an encoded segment outside the listed window asks for the list, it does not wait", () => {
  const list = playlist(range(0, 5), { ranges: [[0, 100]] });
  assert.deepEqual(planNext(list, 30, [[0, 20]]), { action: "list", number: 7, start: 28 });
  assert.equal(stalledOnGap(planNext(list, 30, [[0, 20]]), 30), false);
  assert.deepEqual(planNext(list, 110, []), { action: "wait", number: 27, start: 108 });
});

test("a place encoded but not listed is no gap", () => {
  const list = playlist(range(0, 5), { ranges: [[0, 100]] });
  assert.equal(inGap(list, 50), false);
  assert.equal(inGap(list, 150), true);
});

test("a stalled playhead steps over a small hole between two runs, never over a real gap", () => {
  // The final encode's audio ends at 3.948, a fast encoder's next segment starts at 4.0.
  assert.ok(Math.abs(pastHole([[0, 3.948], [4, 8]], 3.947) - 4.01) < 1e-9);
  assert.equal(pastHole([[0, 3.948], [4, 8]], 2), null); // playing on inside a range
  assert.equal(pastHole([[0, 3.948], [8, 12]], 3.947), null); // a missing segment: wait
  assert.equal(pastHole([[0, 3.948]], 3.947), null); // nothing after it
});
