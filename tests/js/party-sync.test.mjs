import assert from "node:assert/strict";
import { test } from "node:test";

import {
  DRIFT_IGNORED,
  DRIFT_SEEK,
  NUDGE,
  bufferingLine,
  correction,
  finalClose,
  isViewerSeek,
  membersFrom,
  nextRoom,
  reconnectDelay,
} from "../../static/js/player/party-plan.js";

test("drift under 40 ms is left alone", () => {
  assert.equal(correction(0.03).action, "none");
  assert.equal(correction(-0.039).action, "none");
  assert.equal(correction(DRIFT_IGNORED - 0.001, 1).rate, 1);
});

test("a video ahead is slowed, one behind sped up, for as long as the gap takes", () => {
  const ahead = correction(0.2, 1);
  assert.equal(ahead.action, "nudge");
  assert.equal(ahead.rate, 1 - NUDGE);
  assert.equal(ahead.forMs, 4000); // 0.2 s at 0.05 s per second
  const behind = correction(-0.5, 1);
  assert.equal(behind.rate, 1 + NUDGE);
});

test("a nudge goes on until the video is within 20 ms, not just under 40", () => {
  assert.equal(correction(0.03, 1, true).action, "nudge");
  assert.equal(correction(0.015, 1, true).action, "none");
});

test("a nudge scales with the room's rate", () => {
  assert.equal(correction(-0.1, 2).rate, 2 * (1 + NUDGE));
});

test("past a second a seek is quicker than a nudge", () => {
  assert.equal(correction(DRIFT_SEEK + 0.01).action, "seek");
  assert.equal(correction(-30).action, "seek");
  assert.equal(correction(Number.NaN).action, "none");
});

test("reconnects back off from half a second to 15 s, with some spread", () => {
  assert.equal(reconnectDelay(0), 500);
  assert.equal(reconnectDelay(1), 1000);
  assert.equal(reconnectDelay(3), 4000);
  assert.equal(reconnectDelay(20), 15000);
  assert.equal(reconnectDelay(0, 0.99), Math.round(500 * (1 + 0.25 * 0.99)));
});

test("closes the server means for good stop the reconnects; others do not", () => {
  for (const code of [4401, 4403, 4404, 4410]) assert.ok(finalClose(code));
  for (const code of [1000, 1001, 1006, 1011]) assert.equal(finalClose(code), null);
});

test("the room follows state and commands; a seek makes it wait", () => {
  const state = { type: "state", status: "paused", position: 12, at: 1000, rate: 1, server: 1200 };
  let room = nextRoom(null, state);
  assert.deepEqual(room, { status: "paused", position: 12, at: 1000, rate: 1 });
  room = nextRoom(room, { type: "command", action: "play", position: 12, at: 2000, rate: 1 });
  assert.equal(room.status, "playing");
  room = nextRoom(room, { type: "command", action: "seek", position: 60, at: 3000, rate: 1 });
  assert.deepEqual(room, { status: "waiting", position: 60, at: 3000, rate: 1 });
  assert.equal(nextRoom(room, { type: "chat", text: "hi" }), room);
  assert.equal(nextRoom(room, { type: "command", action: "dance" }), room);
});

test("members and who is buffering", () => {
  const members = membersFrom([
    { id: "1", name: "alice", ready: true, buffering: false },
    { id: "2", name: "carol", ready: false, buffering: true },
  ]);
  assert.equal(members.size, 2);
  assert.equal(bufferingLine(members), "carol is buffering…");
  members.get("1").buffering = true;
  assert.equal(bufferingLine(members), "alice, carol are buffering…");
  assert.equal(bufferingLine(membersFrom(null)), "");
});

test("putting the playhead back near the room's place is no viewer seek", () => {
  assert.equal(isViewerSeek(30.2, 30), false);
  assert.equal(isViewerSeek(45, 30), true);
  assert.equal(isViewerSeek(Number.NaN, 30), false);
});
