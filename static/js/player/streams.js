// Concurrent streams (docs/franchise.md, "Concurrent streams"): where the site counts them,
// the player starts a stream session before it gets its links, beats every `beatEvery`
// seconds while it plays (and on play and seek), and says so when the start is refused
// (the devices already playing, each with "Stop that one") or when another device stopped
// this one. Without counting (`config.streams` is null) none of this runs.

const STORAGE_KEY = "shadowvault-stream"; // this tab's last session: a reload takes its place

function sinceText(session) {
  return `${session.device} · ${session.title} · ${session.since}`;
}

/**
 * `panel` is #player-streams; `onStarted(answer)` gets the start's answer (session and the
 * signed links) each time a start is let in.
 */
export function createStreams({ video, config, panel, onStarted }) {
  const text = panel.querySelector(".player-message-text");
  const list = panel.querySelector(".player-streams-list");
  const retryButton = panel.querySelector('[data-action="streams-retry"]');
  let session = null; // { session, beatUrl, stopUrl, beatEvery }
  let beatTimer = null;
  let lastBeatAt = 0;
  let restarting = null;

  const headers = () => ({ "X-CSRFToken": config.csrfToken, "Content-Type": "application/json" });

  function remembered() {
    try {
      return sessionStorage.getItem(STORAGE_KEY) || "";
    } catch {
      return ""; // storage refused (private mode): a reload waits for the old session's TTL
    }
  }

  function remember(id) {
    try {
      if (id) sessionStorage.setItem(STORAGE_KEY, id);
      else sessionStorage.removeItem(STORAGE_KEY);
    } catch {
      /* see remembered() */
    }
  }

  function show(message, sessions) {
    text.textContent = message;
    list.replaceChildren(...sessions.map(item));
    list.hidden = sessions.length === 0;
    panel.hidden = false;
    const first = panel.querySelector("button");
    if (first) first.focus();
  }

  function item(other) {
    const row = document.createElement("li");
    const label = document.createElement("span");
    label.textContent = sinceText(other);
    const stop = document.createElement("button");
    stop.type = "button";
    stop.className = "button button-small";
    stop.textContent = "Stop that one";
    stop.setAttribute("aria-label", `Stop that one: ${sinceText(other)}`);
    stop.addEventListener("click", async () => {
      stop.disabled = true;
      const response = await fetch(other.stopUrl, {
        method: "POST",
        headers: headers(),
        credentials: "same-origin",
      }).catch(() => null);
      // 404: it ended meanwhile, which frees the slot just as well.
      if (response && (response.ok || response.status === 404)) start().then(resume);
      else stop.disabled = false;
    });
    row.append(label, " ", stop);
    return row;
  }

  /** Asks to play here; resolves with the answer once let in (the panel says why not). */
  async function start() {
    const response = await fetch(config.streams.startUrl, {
      method: "POST",
      headers: headers(),
      credentials: "same-origin",
      body: JSON.stringify({ replaces: (session && session.session) || remembered() }),
    }).catch(() => null);
    if (!response) {
      show("The site could not be reached. Check the connection and try again.", []);
      return null;
    }
    const answer = await response.json().catch(() => ({}));
    if (response.status === 409) {
      stopBeating();
      show(answer.detail || "Too many streams are playing.", answer.sessions || []);
      return null;
    }
    if (!response.ok) {
      show(answer.detail || "This video cannot start right now. Try again in a moment.", []);
      return null;
    }
    panel.hidden = true;
    session = answer;
    remember(answer.session);
    lastBeatAt = Date.now();
    onStarted(answer);
    return answer;
  }

  function resume(answer) {
    if (answer) video.play().catch(() => {});
  }

  function stopped(message) {
    stopBeating();
    session = null;
    remember("");
    video.pause();
    show(message, []);
  }

  async function beat() {
    if (!session || !session.beatUrl) return;
    lastBeatAt = Date.now();
    const response = await fetch(session.beatUrl, {
      method: "POST",
      headers: headers(),
      credentials: "same-origin",
    }).catch(() => null);
    if (!response || response.ok) return; // offline for a moment: the next beat tries again
    const answer = await response.json().catch(() => ({}));
    if (response.status === 409 && answer.stopped) stopped(answer.stopped);
    else if (response.status === 404) restart(); // silent past its TTL (a long pause)
  }

  // The session ended while the picture was paused: start again in its place.
  function restart() {
    restarting = restarting || start().finally(() => (restarting = null));
    return restarting.then((answer) => {
      if (!answer) video.pause();
    });
  }

  function stopBeating() {
    clearInterval(beatTimer);
    beatTimer = null;
  }

  function beatWhilePlaying() {
    if (!session || !session.beatUrl) return;
    if (Date.now() - lastBeatAt > 5000) beat();
    if (!beatTimer) beatTimer = setInterval(beat, session.beatEvery * 1000);
  }

  video.addEventListener("playing", beatWhilePlaying);
  video.addEventListener("seeked", () => !video.paused && beat());
  video.addEventListener("pause", stopBeating);
  retryButton.addEventListener("click", () => start().then(resume));
  // The tab goes away: its stream stops counting now rather than after the TTL. A page kept
  // in the back-forward cache starts again when it comes back.
  window.addEventListener("pagehide", () => {
    if (!session || !session.stopUrl || !navigator.sendBeacon) return;
    navigator.sendBeacon(session.stopUrl, new URLSearchParams({ csrfmiddlewaretoken: config.csrfToken }));
    session = null;
    remember("");
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) start().then(resume);
  });

  return { start };
}
