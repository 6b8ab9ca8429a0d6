// Where a fragmented MP4 segment's media time starts, read from its boxes (ISO/IEC 14496-12):
// each track's timescale from the init segment (moov/trak: tkhd's track_ID, mdia/mdhd's
// timescale) and each fragment's first decode time (moof/traf: tfhd's track_ID, tfdt's
// baseMediaDecodeTime). Pure functions over ArrayBuffers, no DOM.
//
// Why: ffmpeg's mp4 muxer starts every run's timeline at zero and writes a start shifted with
// -output_ts_offset as an empty edit in the init segment, which Media Source Extensions
// ignore; so a run started at 4:00 would land at 0:00 unless the player moves it there
// (SourceBuffer.timestampOffset).

const CONTAINERS = new Set(["moov", "trak", "mdia", "moof", "traf"]);

// Each box in [from, to) as {type, start (of its body), end}, descending into containers.
function* boxes(view, from = 0, to = view.byteLength) {
  let at = from;
  while (at + 8 <= to) {
    let size = view.getUint32(at);
    const type = String.fromCharCode(...new Uint8Array(view.buffer, view.byteOffset + at + 4, 4));
    let header = 8;
    if (size === 1) {
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header || at + size > to) return; // a damaged box: read no further
    yield { type, start: at + header, end: at + size };
    if (CONTAINERS.has(type)) yield* boxes(view, at + header, at + size);
    at += size;
  }
}

// A full box's field after version and flags: 32 bits in version 0, `wide` bits in version 1.
function field(view, box, offsetV0, offsetV1, wide = 32) {
  const version = view.getUint8(box.start);
  const at = box.start + 4 + (version === 1 ? offsetV1 : offsetV0);
  return version === 1 && wide === 64 ? Number(view.getBigUint64(at)) : view.getUint32(at);
}

/** Each track's timescale by track_ID, from an init segment. */
export function trackTimescales(init) {
  const view = new DataView(init);
  const scales = new Map();
  let track = null;
  for (const box of boxes(view)) {
    if (box.type === "tkhd") track = field(view, box, 8, 16); // after creation, modification
    if (box.type === "mdhd" && track !== null) scales.set(track, field(view, box, 8, 16));
  }
  return scales;
}

/** Each track's first decode time (in its timescale) by track_ID, from a media segment. */
export function fragmentStarts(segment) {
  const view = new DataView(segment);
  const starts = new Map();
  let track = null;
  for (const box of boxes(view)) {
    if (box.type === "tfhd") track = view.getUint32(box.start + 4);
    if (box.type === "tfdt" && track !== null && !starts.has(track)) starts.set(track, field(view, box, 0, 0, 64));
  }
  return starts;
}

/** Where the segment's media starts, in seconds: its earliest track. Null if unreadable. */
export function mediaStart(init, segment) {
  const scales = trackTimescales(init);
  const times = [];
  for (const [track, time] of fragmentStarts(segment)) {
    if (scales.get(track) > 0) times.push(time / scales.get(track));
  }
  return times.length ? Math.min(...times) : null;
}

/**
 * The timestampOffset that puts a segment listed at `listedStart` there, from where its own
 * media starts: 0 for segments already on the film's timeline (an encoder's priming leaves a
 * few hundredths of a second), else the whole shift of its run.
 */
export function timestampOffset(listedStart, ownStart) {
  if (ownStart === null) return 0;
  const shift = listedStart - ownStart;
  return Math.abs(shift) < 0.5 ? 0 : shift;
}
