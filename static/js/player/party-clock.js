// The watch party's clock sync (docs/watch-party.md, "Clock sync"): NTP-style samples from
// ping/pong, the offset of the least-delayed ones, and server times turned into local ones.
// Pure functions, no socket and no DOM: the party client sends the pings and keeps samples.

/** How many of the lowest-delay samples the offset is taken from. */
export const BEST_SAMPLES = 3;
/** How many samples are kept (the oldest go first): the network changes over a film. */
export const KEPT_SAMPLES = 16;

/**
 * One ping's sample: `t0` the local clock when the ping left, `server` the server's clock in
 * the pong, `t1` the local clock when the pong arrived (all ms). The server's clock is
 * assumed read halfway through the round trip. Null for a pong that makes no sense (arrived
 * before it left, or a number missing).
 */
export function sample(t0, server, t1) {
  if (![t0, server, t1].every(Number.isFinite) || t1 < t0) return null;
  const rtt = t1 - t0;
  return { rtt, offset: server + rtt / 2 - t1 };
}

/** The samples kept after adding `next`: at most `KEPT_SAMPLES`, the newest last. */
export function keep(samples, next) {
  if (next === null) return samples;
  return [...samples, next].slice(-KEPT_SAMPLES);
}

/**
 * The server clock's offset from the local one (server = local + offset), the median of the
 * `BEST_SAMPLES` samples with the lowest round trip: queueing only ever adds delay, so the
 * fastest round trips are the most symmetric. Null before the first sample.
 */
export function clockOffset(samples) {
  if (!samples.length) return null;
  const best = [...samples].sort((a, b) => a.rtt - b.rtt).slice(0, BEST_SAMPLES);
  const offsets = best.map((s) => s.offset).sort((a, b) => a - b);
  const middle = Math.floor(offsets.length / 2);
  return offsets.length % 2 ? offsets[middle] : (offsets[middle - 1] + offsets[middle]) / 2;
}

/** A server time (a command's `at`) on the local clock. */
export function localTime(serverMs, offset) {
  return serverMs - offset;
}

/**
 * Where the room's video is at local time `nowMs`: a `state` or `command` says `position`
 * (seconds) at server time `at`; while playing it moves on at `rate`.
 */
export function roomPosition(room, nowMs, offset) {
  if (room.status !== "playing") return room.position;
  const elapsed = (nowMs + offset - room.at) / 1000;
  return Math.max(0, room.position + elapsed * (room.rate || 1));
}
