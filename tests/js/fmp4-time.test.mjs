import assert from "node:assert/strict";
import { test } from "node:test";

import {
  fragmentStarts,
  mediaStart,
  timestampOffset,
  trackTimescales,
} from "../../static/js/player/fmp4-time.js";

// A box: 32-bit size, four-letter type, body (bytes or nested boxes).
function box(type, ...parts) {
  const body = parts.flatMap((part) => Array.from(part));
  const size = 8 + body.length;
  return Uint8Array.from([size >>> 24, (size >>> 16) & 255, (size >>> 8) & 255, size & 255, ...Buffer.from(type), ...body]);
}
const u32 = (n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const u64 = (n) => [...u32(Math.floor(n / 2 ** 32)), ...u32(n % 2 ** 32)];
const fullBox = (version, ...fields) => Uint8Array.from([version, 0, 0, 0, ...fields.flat()]);
const bytes = (...parts) => Uint8Array.from(parts.flatMap((part) => Array.from(part))).buffer;

function trak(id, timescale, version = 0) {
  const times = version === 1 ? [u64(0), u64(0)] : [u32(0), u32(0)];
  return box(
    "trak",
    box("tkhd", fullBox(version, ...times, u32(id), u32(0))),
    box("mdia", box("mdhd", fullBox(version, ...times, u32(timescale), u32(0))), box("hdlr", u32(0))),
  );
}

function traf(id, decodeTime, version = 1) {
  return box(
    "traf",
    box("tfhd", fullBox(0, u32(id))),
    box("tfdt", fullBox(version, version === 1 ? u64(decodeTime) : u32(decodeTime))),
    box("trun", u32(0)),
  );
}

// ffmpeg's init: video track 1 at 12800 per second, audio track 2 at 44100.
const init = bytes(box("ftyp", u32(0)), box("moov", box("mvhd", u32(0)), trak(1, 12800), trak(2, 44100, 1)));

test("an init segment gives each track's timescale, whichever box version", () => {
  assert.deepEqual(trackTimescales(init), new Map([[1, 12800], [2, 44100]]));
});

test("a media segment gives each track's first decode time, 32 or 64 bits", () => {
  const segment = bytes(box("styp", u32(0)), box("moof", box("mfhd", u32(0)), traf(1, 51200), traf(2, 178176, 0)), box("mdat"));
  assert.deepEqual(fragmentStarts(segment), new Map([[1, 51200], [2, 178176]]));
});

test("the segment's media starts at its earliest track, in seconds", () => {
  const segment = bytes(box("moof", traf(1, 51200), traf(2, 178176)));
  assert.equal(mediaStart(init, segment), 4); // audio starts 0.04 s later (AAC priming)
});

test("decode times past 32 bits are read whole", () => {
  const segment = bytes(box("moof", traf(1, 2 ** 33)));
  assert.equal(mediaStart(init, segment), 2 ** 33 / 12800);
});

test("unreadable bytes give no start rather than a wrong one", () => {
  assert.equal(mediaStart(init, bytes(box("mdat", u32(1)))), null);
  assert.equal(mediaStart(init, new ArrayBuffer(3)), null);
  const damaged = bytes(Uint8Array.from([0, 0, 1, 0, ...Buffer.from("moof")]));
  assert.equal(mediaStart(init, damaged), null);
  assert.equal(mediaStart(new ArrayBuffer(0), bytes(box("moof", traf(1, 0)))), null);
});

test("a run whose timeline starts at zero is moved to where it is listed", () => {
  assert.equal(timestampOffset(28, 4), 24); // ffmpeg's run from 24 s, its second segment
  assert.equal(timestampOffset(240, 0), 240);
});

test("a segment already on the film's timeline stays, priming and all", () => {
  assert.equal(timestampOffset(8, 8.023), 0);
  assert.equal(timestampOffset(8, 8), 0);
  assert.equal(timestampOffset(8, null), 0);
});
