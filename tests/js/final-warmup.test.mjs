// The warm-up before the final file (static/js/player/final-warmup.js) with stand-in media
// elements: EventTargets with the few properties it reads, driven the way Chromium's fire
// their events (loadedmetadata, then seeking/seeked and canplay once data is there).
import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";

const HAVE_CURRENT_DATA = 2;
const HAVE_FUTURE_DATA = 3;

class FakeVideo extends EventTarget {
  constructor() {
    super();
    this.currentTime = 0;
    this.duration = Number.NaN;
    this.readyState = 0;
    this.seeking = false;
    this.src = "";
    this.frameCallbacks = [];
  }
  fire(name) {
    this.dispatchEvent(new Event(name));
  }
  removeAttribute(name) {
    if (name === "src") this.src = "";
  }
  load() {}
  requestVideoFrameCallback(callback) {
    this.frameCallbacks.push(callback);
  }
  /** The playhead moves to `at` and a frame is painted there. */
  paint(at) {
    this.currentTime = at;
    const callbacks = this.frameCallbacks.splice(0);
    for (const callback of callbacks) callback();
  }
}

let made;
let warmFinal;

beforeEach(async () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  made = [];
  globalThis.HTMLMediaElement = { HAVE_CURRENT_DATA, HAVE_FUTURE_DATA };
  globalThis.document = {
    createElement: () => {
      const video = new FakeVideo();
      made.push(video);
      return video;
    },
  };
  ({ warmFinal } = await import("../../static/js/player/final-warmup.js"));
});

afterEach(() => {
  mock.timers.reset();
  delete globalThis.document;
  delete globalThis.HTMLMediaElement;
});

/** The warm element has its index (a film of `duration` s) and seeks where it was told. */
function metadataIn(warm, duration = 600) {
  warm.duration = duration;
  warm.readyState = 1;
  warm.fire("loadedmetadata");
}

/** The warm element has data at its place. */
function readyThere(warm) {
  warm.seeking = false;
  warm.readyState = HAVE_FUTURE_DATA;
  warm.fire("seeked");
  warm.fire("canplay");
}

test("opens the file 3 s ahead, muted, and swaps when the playhead gets there", () => {
  const video = new FakeVideo();
  video.currentTime = 40;
  let swaps = 0;
  let swapped;
  warmFinal(video, "/media/1/film.mp4", (at) => {
    swaps++;
    swapped = at;
  });
  const [warm] = made;
  assert.equal(warm.src, "/media/1/film.mp4");
  assert.equal(warm.muted, true);
  metadataIn(warm);
  assert.equal(warm.currentTime, 43);
  readyThere(warm);
  video.paint(41);
  video.paint(42.9);
  assert.equal(swaps, 0, "not before the second the file is ready at");
  video.paint(42.97);
  assert.equal(swaps, 1);
  assert.equal(swapped, 43);
  video.paint(44);
  video.fire("pause");
  assert.equal(swaps, 1, "once only");
});

test("a pause, a seek or a wait of the rendition swaps at once, at the playhead", () => {
  for (const act of ["pause", "seeking", "waiting"]) {
    const video = new FakeVideo();
    const swaps = [];
    warmFinal(video, "/media/1/film.mp4", (at) => swaps.push(at));
    metadataIn(made.at(-1));
    video.fire(act);
    assert.deepEqual(swaps, [null], act);
  }
});

test("with the final encode's keyframe spacing, the second is a keyframe's (a hair past it)", () => {
  const video = new FakeVideo();
  video.currentTime = 41.3;
  const swaps = [];
  warmFinal(video, "/media/1/film.mp4", (at) => swaps.push(at), 4);
  const [warm] = made;
  metadataIn(warm);
  assert.equal(warm.currentTime, 48.02); // 44.3 s rounded up to the next multiple of 4
  readyThere(warm);
  video.paint(47.9);
  assert.deepEqual(swaps, []);
  video.paint(47.98);
  assert.deepEqual(swaps, [48.02]);
});

test("a playhead that passed the second first aims again, and swaps after three tries", () => {
  const video = new FakeVideo();
  video.currentTime = 10;
  let swaps = 0;
  warmFinal(video, "/media/1/film.mp4", () => swaps++);
  const [warm] = made;
  metadataIn(warm);
  for (const start of [10, 14, 18]) {
    assert.equal(warm.currentTime, start + 3);
    video.currentTime = start + 4; // the file was slower than the playhead
    readyThere(warm);
  }
  assert.equal(swaps, 1);
});

test("a file near its end, a file that fails, and a cancel", () => {
  const nearEnd = new FakeVideo();
  nearEnd.currentTime = 596;
  let swaps = 0;
  warmFinal(nearEnd, "/media/1/film.mp4", () => swaps++);
  metadataIn(made.at(-1), 600);
  assert.equal(swaps, 1, "no second ahead to wait for: swap now");

  const failing = new FakeVideo();
  warmFinal(failing, "/media/1/film.mp4", () => swaps++);
  made.at(-1).fire("error");
  assert.equal(swaps, 2);

  const cancelled = new FakeVideo();
  const cancel = warmFinal(cancelled, "/media/1/film.mp4", () => swaps++);
  cancel();
  cancelled.fire("pause");
  assert.equal(swaps, 2, "a cancelled warm-up never swaps");
});

test("a file not ready ahead within 15 s swaps anyway", () => {
  const video = new FakeVideo();
  let swaps = 0;
  warmFinal(video, "/media/1/film.mp4", () => swaps++);
  metadataIn(made.at(-1));
  mock.timers.tick(14999);
  assert.equal(swaps, 0);
  mock.timers.tick(1);
  assert.equal(swaps, 1);
});
