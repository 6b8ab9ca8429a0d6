import assert from "node:assert/strict";
import { test } from "node:test";

import { parse, parseTimestamp, tileAt } from "../../static/js/player/thumbnails-vtt.js";

const TRACK = [
  "WEBVTT",
  "",
  "00:00.000 --> 00:05.000",
  "sheet.jpg#xywh=0,0,160,90",
  "",
  "1",
  "00:05.000 --> 00:10.000",
  "sheet.jpg#xywh=160,0,160,90",
  "",
  "00:10.000 --> 00:15.000",
  "sheet.jpg#xywh=pixel:320,0,160,90",
  "",
].join("\n");

test("timestamps read with and without hours, and with SRT's comma", () => {
  assert.equal(parseTimestamp("00:05.000"), 5);
  assert.equal(parseTimestamp("01:02:03.500"), 3723.5);
  assert.equal(parseTimestamp("100:00:00.000"), 360000);
  assert.equal(parseTimestamp("00:01,25"), 1.25);
  assert.equal(parseTimestamp(" 00:01.5 "), 1.5);
});

test("malformed timestamps are null", () => {
  for (const text of ["", "5", "00:05", "00:60.000", "60:00.000", "00:05.0000", "a:b.c", "-00:01.000"]) {
    assert.equal(parseTimestamp(text), null, text);
  }
});

test("a track reads into sorted cues with their tiles", () => {
  const cues = parse(TRACK);

  assert.equal(cues.length, 3);
  assert.deepEqual(cues[0], { start: 0, end: 5, image: "sheet.jpg", x: 0, y: 0, w: 160, h: 90 });
  assert.deepEqual(cues[2], { start: 10, end: 15, image: "sheet.jpg", x: 320, y: 0, w: 160, h: 90 });
});

test("CRLF and CR line ends and a byte-order mark read the same as LF", () => {
  assert.deepEqual(parse(`\uFEFF${TRACK.replace(/\n/g, "\r\n")}`), parse(TRACK));
  assert.deepEqual(parse(TRACK.replace(/\n/g, "\r")), parse(TRACK));
});

test("cues out of order come back sorted by start", () => {
  const shuffled = [
    "WEBVTT",
    "",
    "00:10.000 --> 00:15.000",
    "s.jpg#xywh=2,0,1,1",
    "",
    "00:00.000 --> 00:05.000",
    "s.jpg#xywh=0,0,1,1",
  ].join("\n");

  assert.deepEqual(parse(shuffled).map((cue) => cue.x), [0, 2]);
});

test("a cue without a #xywh fragment, or with a percent or empty tile, is skipped", () => {
  const track = [
    "WEBVTT",
    "",
    "00:00.000 --> 00:05.000",
    "sheet.jpg",
    "",
    "00:05.000 --> 00:10.000",
    "sheet.jpg#xywh=percent:0,0,50,50",
    "",
    "00:10.000 --> 00:15.000",
    "sheet.jpg#xywh=0,0,0,90",
    "",
    "00:15.000 --> 00:20.000",
    "",
    "00:20.000 --> 00:25.000",
    "sheet.jpg#xywh=1,2,3,4",
  ].join("\n");

  assert.deepEqual(parse(track), [{ start: 20, end: 25, image: "sheet.jpg", x: 1, y: 2, w: 3, h: 4 }]);
});

test("cues with bad timings are skipped, the rest kept", () => {
  const track = [
    "WEBVTT",
    "",
    "00:05.000 --> 00:05.000",
    "s.jpg#xywh=0,0,1,1",
    "",
    "00:09.000 --> 00:08.000",
    "s.jpg#xywh=0,0,1,1",
    "",
    "00:xx.000 --> 00:08.000",
    "s.jpg#xywh=0,0,1,1",
    "",
    "00:01.000 -->",
    "s.jpg#xywh=0,0,1,1",
    "",
    "00:01.000 --> 00:02.000 line:90%",
    "s.jpg#xywh=7,0,1,1",
  ].join("\n");

  assert.deepEqual(parse(track).map((cue) => [cue.start, cue.end, cue.x]), [[1, 2, 7]]);
});

test("NOTE and STYLE blocks are not cues", () => {
  const track = "WEBVTT\n\nNOTE made by hand\n\nSTYLE\n::cue { color: red }\n\n00:00.000 --> 00:01.000\ns.jpg#xywh=0,0,1,1\n";
  assert.equal(parse(track).length, 1);
});

test("text without the WEBVTT signature, or not text at all, gives no cues", () => {
  for (const text of ["", "WEBVTTX\n\n00:00.000 --> 00:01.000\ns.jpg#xywh=0,0,1,1", "<html>", null, undefined, 42]) {
    assert.deepEqual(parse(text), [], String(text));
  }
});

test("the tile at a time is the cue showing then, or the last one before a gap", () => {
  const cues = parse(TRACK);

  assert.equal(tileAt(cues, 0).x, 0);
  assert.equal(tileAt(cues, 4.999).x, 0);
  assert.equal(tileAt(cues, 5).x, 160);
  assert.equal(tileAt(cues, 14).x, 320);
  assert.equal(tileAt(cues, 500).x, 320); // past the end: the last tile
  assert.equal(tileAt(cues, -3).x, 0); // before the first: the first tile
});

test("no cues, or a time that is not a number, give no tile", () => {
  assert.equal(tileAt([], 3), null);
  assert.equal(tileAt(null, 3), null);
  assert.equal(tileAt(parse(TRACK), NaN), null);
  assert.equal(tileAt(parse(TRACK), Infinity), null);
});
