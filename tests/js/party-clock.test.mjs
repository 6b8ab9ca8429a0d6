import assert from "node:assert/strict";
import { test } from "node:test";

import {
  BEST_SAMPLES,
  KEPT_SAMPLES,
  clockOffset,
  keep,
  localTime,
  roomPosition,
  sample,
} from "../../static/js/player/party-clock.js";

test("a sample reads the server's clock halfway through the round trip", () => {
  // The server is 5000 ms ahead; 40 ms each way.
  assert.deepEqual(sample(1000, 6040, 1080), { rtt: 80, offset: 5000 });
});

test("a pong that arrived before its ping left, or lacks a number, is no sample", () => {
  assert.equal(sample(1000, 6000, 999), null);
  assert.equal(sample(1000, NaN, 1080), null);
  assert.equal(sample(undefined, 6000, 1080), null);
});

test("only the newest samples are kept", () => {
  let samples = [];
  for (let n = 0; n < KEPT_SAMPLES + 5; n += 1) samples = keep(samples, { rtt: n, offset: n });
  assert.equal(samples.length, KEPT_SAMPLES);
  assert.equal(samples.at(-1).rtt, KEPT_SAMPLES + 4);
  assert.equal(keep(samples, null), samples);
});

test("the offset comes from the lowest-delay samples, not the queued ones", () => {
  // True offset 5000. Fast samples are symmetric; slow ones were queued one way only.
  const samples = [
    sample(0, 5010, 20),
    sample(100, 5400, 900),
    sample(1000, 6012, 1024),
    sample(2000, 7300, 2700),
    sample(3000, 8009, 3018),
  ];
  assert.equal(BEST_SAMPLES, 3);
  assert.equal(clockOffset(samples), 5000);
  assert.equal(clockOffset([]), null);
});

test("a command's server time becomes a local time, and back", () => {
  assert.equal(localTime(10_300, 5000), 5300);
});

test("a playing room moves on from its position at its server time; a paused one stays", () => {
  const playing = { status: "playing", position: 60, at: 10_000, rate: 1 };
  assert.equal(roomPosition(playing, 7000, 5000), 62); // local 7000 = server 12000
  assert.equal(roomPosition({ ...playing, rate: 2 }, 7000, 5000), 64);
  assert.equal(roomPosition({ ...playing, status: "paused" }, 7000, 5000), 60);
  assert.equal(roomPosition({ ...playing, status: "waiting" }, 7000, 5000), 60);
  assert.equal(roomPosition({ ...playing, position: 0 }, 0, 5000), 0); // before `at`: not below 0
});
