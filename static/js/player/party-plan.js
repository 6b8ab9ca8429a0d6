// The watch party client's decisions, pure (no socket, no DOM, no clock of its own):
// how to correct drift, how long to wait before reconnecting, and what a room message
// means for the room the client keeps. party-sync.js does the I/O around them.

/** Drift under this (seconds) is left alone: no eye sees it, and every fix costs a little. */
export const DRIFT_IGNORED = 0.04;
/** A rate nudge stops once the video is this close (seconds) to where the room is. */
export const NUDGE_TARGET = 0.02;
/** Past this (seconds) a nudge would take too long (20 s at 5 %): seek instead. */
export const DRIFT_SEEK = 1;
/** How much faster or slower a nudged video plays: 5 % is not heard as a pitch change. */
export const NUDGE = 0.05;

/**
 * What to do about `drift` (the video's time minus the room's, in seconds) while playing at
 * the room's `rate`. `nudging`: whether a nudge is already on (it runs until NUDGE_TARGET,
 * so a video does not hover at the edge of DRIFT_IGNORED). Returns
 * `{action: "none" | "nudge" | "seek", rate, forMs}`: the playbackRate to set and, for a
 * nudge, how long it takes to close the gap at that rate.
 */
export function correction(drift, rate = 1, nudging = false) {
  const size = Math.abs(drift);
  const settled = nudging ? size <= NUDGE_TARGET : size < DRIFT_IGNORED;
  if (!Number.isFinite(drift) || settled) return { action: "none", rate, forMs: 0 };
  if (size > DRIFT_SEEK) return { action: "seek", rate, forMs: 0 };
  // Ahead plays slower, behind faster; the gap closes at NUDGE * rate seconds per second.
  const nudged = rate * (drift > 0 ? 1 - NUDGE : 1 + NUDGE);
  return { action: "nudge", rate: nudged, forMs: Math.round((size / (NUDGE * rate)) * 1000) };
}

/** Milliseconds to wait before reconnect attempt number `attempt` (0 first): doubling from
 * half a second to 15 s, with up to a quarter more at random (`random` in [0, 1)) so a
 * whole party whose network blinked does not come back in one instant. */
export function reconnectDelay(attempt, random = 0) {
  const base = Math.min(15000, 500 * 2 ** Math.max(0, attempt));
  return Math.round(base * (1 + 0.25 * random));
}

/** Close codes after which coming back cannot help (parties.consumer.CLOSE_CODES). */
const FINAL_CLOSES = { 4401: "Sign in again to rejoin the party.", 4403: "You cannot join this party.", 4404: "This party is no longer open.", 4410: "The host ended the party." };

/** Why the socket will not be reopened after a close with `code`, or null to reconnect. */
export function finalClose(code) {
  return FINAL_CLOSES[code] || null;
}

/**
 * The room the client keeps ({status, position, at, rate}) after a `state` or `command`
 * message, or `room` unchanged for any other. A seek command puts the room in "waiting"
 * as the server does; play and pause carry the room's new status.
 */
export function nextRoom(room, message) {
  const rate = Number.isFinite(message.rate) ? message.rate : 1;
  if (message.type === "state") {
    return { status: message.status, position: message.position, at: message.at, rate };
  }
  if (message.type !== "command") return room;
  const status = { play: "playing", pause: "paused", seek: "waiting" }[message.action];
  if (!status) return room;
  return { status, position: message.position, at: message.at, rate };
}

/** Members by id from a `state` message's list: {name, buffering}. */
export function membersFrom(list) {
  const members = new Map();
  for (const member of Array.isArray(list) ? list : []) {
    members.set(member.id, { name: member.name, buffering: Boolean(member.buffering) });
  }
  return members;
}

/** The panel's line about who the room waits for: "" when nobody is buffering. */
export function bufferingLine(members) {
  const names = [...members.values()].filter((m) => m.buffering).map((m) => m.name);
  if (!names.length) return "";
  return `${names.join(", ")} ${names.length === 1 ? "is" : "are"} buffering…`;
}

/** Whether a seek the viewer made (to `to` seconds) is a real one, not the player putting
 * the playhead back near where the room already is (a link renewal, a resume). */
export function isViewerSeek(to, expected) {
  return Number.isFinite(to) && Math.abs(to - expected) > DRIFT_SEEK / 2;
}
