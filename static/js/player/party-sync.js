// The watch party's sync client (docs/watch-party.md, "The player"): the socket to the
// room, clock sync by pings, acting on the room's commands at their server time, the
// viewer's own play/pause/seek sent as commands, buffering reports, drift correction and
// reconnecting. The decisions are party-plan.js's and party-clock.js's (pure, tested).

import { clockOffset, keep, localTime, roomPosition, sample } from "./party-clock.js";
import { createPartyPanel } from "./party-panel.js";
import {
  DRIFT_IGNORED,
  bufferingLine,
  correction,
  finalClose,
  isViewerSeek,
  membersFrom,
  nextRoom,
  reconnectDelay,
} from "./party-plan.js";

const BURST_PINGS = 8; // at (re)join: enough samples for a good offset at once
const BURST_GAP_MS = 120;
const PING_EVERY_MS = 4000; // then a few a minute, as the network changes
const DRIFT_EVERY_MS = 1000;
const OWN_SEEK_TOLERANCE = 0.05; // seconds: a `seeking` this close to our own target is ours
const ONLY_HOST = "Only the host controls playback in this party.";

/**
 * Starts the client. `party`: the page's `player_config.party.party` ({socketPath,
 * mayControl, ...}); `section`: the page's `.watch-party` section; `state`: the player's
 * shared state (its `pendingSeek` says a source is still loading); `flash`: the on-screen note.
 */
export function createPartySync({ video, state, party, section, flash }) {
  let socket = null;
  let attempts = 0; // reconnects since the last open socket
  let samples = [];
  let offset = null; // server clock = local clock + offset (ms)
  let room = null; // {status, position, at, rate}, as the server last said
  let members = new Map();
  let wantPlaying = false; // what this client last asked of the video
  let ownSeekTo = null; // where this client last put the playhead
  let loading = false; // the room waits for this member's "ready"
  let buffering = false; // "buffering" sent, "ready" not yet
  let nudging = false;
  let actTimer = null;
  let pingTimers = [];
  let nudgeTimer = null;
  let over = false; // the party ended or refused us: no more reconnects

  const panel = createPartyPanel(section, { onChat: (text) => send({ type: "chat", text }) });
  const now = () => Date.now();
  const clock = () => offset ?? 0;
  const metadataIn = () => video.readyState >= 1 && state.pendingSeek === null;
  const expected = () => (room ? roomPosition(room, now(), clock()) : video.currentTime);

  function send(message) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  function setTime(seconds) {
    if (Math.abs(video.currentTime - seconds) < DRIFT_IGNORED) return;
    ownSeekTo = seconds;
    video.currentTime = seconds;
  }

  function playVideo() {
    wantPlaying = true;
    if (!video.paused) return;
    video.play().catch((error) => {
      // No gesture on this page yet: browsers allow a muted start, and the party goes on.
      if (error && error.name === "NotAllowedError" && !video.muted && wantPlaying) {
        video.muted = true;
        flash("Sound is off: tap the volume to turn it on.");
        video.play().catch(() => {});
      }
    });
  }

  function pauseVideo() {
    wantPlaying = false;
    if (!video.paused) video.pause();
  }

  function resetRate() {
    nudging = false;
    clearTimeout(nudgeTimer);
    if (room) video.playbackRate = room.rate || 1;
  }

  // The room's state on this video: now, or at the command's time when that is ahead.
  function apply() {
    clearTimeout(actTimer);
    if (!room || !metadataIn()) return; // loadedmetadata calls again
    resetRate();
    const delay = localTime(room.at, clock()) - now();
    if (room.status === "playing") {
      if (delay > 0) {
        pauseVideo();
        setTime(room.position); // load the place now, start on time
        actTimer = setTimeout(() => {
          setTime(expected());
          playVideo();
        }, delay);
      } else {
        setTime(expected());
        playVideo();
      }
    } else if (room.status === "paused" && delay > 0) {
      actTimer = setTimeout(() => {
        pauseVideo();
        setTime(room.position);
      }, delay);
    } else {
      pauseVideo();
      setTime(room.position);
    }
    checkLoaded();
  }

  // After a seek (or a state) the room waits for this member: "ready" once it can play.
  function checkLoaded(lenient = false) {
    if (!loading || video.seeking || !metadataIn()) return;
    if (video.readyState < (lenient ? 2 : 3)) return;
    loading = false;
    send({ type: "ready" });
  }

  function renderMembers() {
    panel.members([...members.values()].map((m) => m.name));
    panel.buffering(bufferingLine(members));
  }

  function onMessage(message) {
    switch (message.type) {
      case "pong":
        samples = keep(samples, sample(message.t0, message.server, now()));
        offset = clockOffset(samples) ?? offset;
        break;
      case "state":
        // Until the first pong, the state's own clock reading is a fair first guess.
        if (offset === null && Number.isFinite(message.server)) offset = message.server - now();
        room = nextRoom(room, message);
        members = membersFrom(message.members);
        renderMembers();
        loading = true;
        apply();
        break;
      case "command":
        room = nextRoom(room, message);
        if (message.action === "seek") loading = true;
        if (message.by && message.action !== "play") {
          panel.note(`${message.by.name} ${message.action === "seek" ? "jumped" : "paused"}.`);
        }
        apply();
        break;
      case "waiting":
        panel.status(`Waiting for ${message.for.join(", ")}…`);
        break;
      case "buffering":
      case "ready": {
        const member = members.get(message.member.id);
        if (member) member.buffering = message.type === "buffering";
        renderMembers();
        break;
      }
      case "presence":
        if (message.event === "joined") members.set(message.member.id, { name: message.member.name, buffering: false });
        else members.delete(message.member.id);
        panel.note(`${message.member.name} ${message.event === "joined" ? "joined" : "left"}.`);
        renderMembers();
        break;
      case "chat":
        panel.chat(message.member.name, message.text);
        break;
      case "error":
        flash(message.message);
        panel.note(message.message);
        break;
      case "ended":
        over = true;
        pauseVideo();
        panel.status(finalClose(4410));
        break;
    }
    if (message.type === "command" || message.type === "state") panel.status("In sync with the party.");
  }

  function ping() {
    send({ type: "ping", t0: now() });
  }

  function stopPings() {
    pingTimers.forEach(clearTimeout);
    pingTimers.forEach(clearInterval);
    pingTimers = [];
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(`${scheme}//${window.location.host}${party.socketPath}`);
    socket.addEventListener("open", () => {
      attempts = 0;
      for (let i = 0; i < BURST_PINGS; i++) pingTimers.push(setTimeout(ping, i * BURST_GAP_MS));
      pingTimers.push(setInterval(ping, PING_EVERY_MS));
    });
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (message && typeof message === "object") onMessage(message);
    });
    socket.addEventListener("close", (event) => {
      stopPings();
      const final = finalClose(event.code);
      if (final || over) {
        over = true;
        panel.status(final || finalClose(4410));
        return;
      }
      // The room outlives the socket: the server sends its state again on reconnect.
      panel.status("Connection lost; reconnecting…");
      setTimeout(connect, reconnectDelay(attempts++, Math.random()));
    });
  }

  // The viewer's own play, pause and seek: asked of the room, not done here. The video is
  // put back as the room has it; the room's command moves it (everyone's) a moment later.
  video.addEventListener("play", () => {
    if (wantPlaying || over) return;
    if (room && room.status === "playing") {
      wantPlaying = true; // the room plays anyway (say, after the browser paused us)
      return;
    }
    pauseVideo();
    if (party.mayControl) send({ type: "play" });
    else flash(ONLY_HOST);
  });
  video.addEventListener("pause", () => {
    if (!wantPlaying || video.ended || over) return;
    playVideo();
    if (party.mayControl) send({ type: "pause" });
    else flash(ONLY_HOST);
  });
  video.addEventListener("seeking", () => {
    const to = video.currentTime;
    if (ownSeekTo !== null && Math.abs(to - ownSeekTo) < OWN_SEEK_TOLERANCE) {
      ownSeekTo = null;
      return;
    }
    if (!room || over || state.pendingSeek !== null || !isViewerSeek(to, expected())) return;
    if (party.mayControl) {
      send({ type: "seek", position: Math.max(0, to) });
    } else {
      flash(ONLY_HOST);
      setTime(expected());
    }
  });
  // A stall mid-play holds the whole room until this member has caught up.
  video.addEventListener("waiting", () => {
    if (loading || buffering || video.seeking || !room || room.status !== "playing") return;
    buffering = send({ type: "buffering" });
  });
  const caughtUp = () => {
    if (buffering && video.readyState >= 3) {
      buffering = false;
      send({ type: "ready" });
    }
    checkLoaded();
  };
  for (const kind of ["canplay", "canplaythrough", "playing", "seeked", "loadeddata"]) {
    video.addEventListener(kind, caughtUp);
  }
  // A new source (the first, or a renewed link) starts where the room is.
  video.addEventListener("loadedmetadata", () => {
    loading = true;
    apply();
  });

  // Drift: once a second, the video against where the room is now.
  setInterval(() => {
    checkLoaded(true);
    if (!room || room.status !== "playing" || loading || video.seeking || !metadataIn()) return;
    if (video.paused || localTime(room.at, clock()) > now()) return;
    const fix = correction(video.currentTime - expected(), room.rate || 1, nudging);
    if (fix.action === "none") {
      if (nudging) resetRate();
    } else if (fix.action === "nudge") {
      nudging = true;
      video.playbackRate = fix.rate;
      clearTimeout(nudgeTimer);
      // Back to the room's rate once the gap should be closed; the next check confirms.
      nudgeTimer = setTimeout(() => (video.playbackRate = room.rate || 1), Math.min(fix.forMs, DRIFT_EVERY_MS));
    } else {
      resetRate();
      setTime(expected());
    }
  }, DRIFT_EVERY_MS);

  connect();
  return {
    room: () => room,
    offset: () => offset,
    connected: () => Boolean(socket && socket.readyState === WebSocket.OPEN),
  };
}
