// What the player tells the viewer: the message over the picture (loading trouble, never an
// endless spinner), the slow-storage notice, and the short on-screen notes ("+10 s").

const SLOW_AFTER_MS = 15000;
const FLASH_MS = 900;

const ERRORS = {
  2: "The connection to the video broke off.",
  3: "This video file is damaged or in a format this browser cannot decode.",
  4: "This video could not be loaded: the file may be missing or its storage unreachable.",
};

/** The message box (`#player-message`) and the on-screen display (`#player-osd`). */
export function createMessages({ message, osd }) {
  const messageText = message.querySelector(".player-message-text");
  const retryButton = message.querySelector('[data-action="retry"]');
  let slowTimer = null;
  let osdTimer = null;

  // A soft message (slow storage) goes away by itself; a fatal one offers Try again.
  function show(text, fatal) {
    messageText.textContent = text;
    message.classList.toggle("player-message-soft", !fatal);
    message.classList.remove("player-message-wait");
    retryButton.hidden = !fatal;
    message.hidden = false;
  }

  // A soft message with a spinner, while the picture waits on something that will come (a
  // part of a title still being encoded); the slow-storage notice would be wrong then.
  function wait(text) {
    clearTimeout(slowTimer);
    if (!message.hidden && message.classList.contains("player-message-wait") && messageText.textContent === text) {
      return;
    }
    show(text, false);
    message.classList.add("player-message-wait");
  }

  function hide() {
    message.hidden = true;
  }

  // The wait is over; any other message stays.
  function endWait() {
    if (message.classList.contains("player-message-wait")) hide();
  }

  function startSlowTimer() {
    clearTimeout(slowTimer);
    slowTimer = setTimeout(() => {
      if (!message.hidden && message.classList.contains("player-message-wait")) return; // said why
      show("Still loading… the video's storage is slow to answer. Hang on a moment.", false);
    }, SLOW_AFTER_MS);
  }

  function stopSlowTimer() {
    clearTimeout(slowTimer);
  }

  function clearSlow() {
    clearTimeout(slowTimer);
    if (!message.hidden && message.classList.contains("player-message-soft")) hide();
  }

  function flash(text) {
    osd.textContent = text;
    osd.classList.add("visible");
    clearTimeout(osdTimer);
    osdTimer = setTimeout(() => osd.classList.remove("visible"), FLASH_MS);
  }

  return { show, wait, endWait, hide, startSlowTimer, stopSlowTimer, clearSlow, flash, retryButton };
}

/**
 * Loading errors: an expired link or a short outage gets one fresh link (`renew`) before
 * the viewer sees a fatal message; Try again asks for another.
 */
export function watchErrors({ video, messages, renew }) {
  let recovering = false; // one fresh link is tried after an error before giving up

  video.addEventListener("error", () => {
    const error = video.error;
    if (!error || error.code === 1) return; // 1: the viewer or a new source aborted the load
    messages.stopSlowTimer();
    if (!recovering) {
      recovering = true;
      renew().catch(() => messages.show(ERRORS[error.code] || ERRORS[4], true));
      return;
    }
    messages.show(`${ERRORS[error.code] || ERRORS[4]} Try again in a few minutes.`, true);
  });
  video.addEventListener("waiting", messages.startSlowTimer);
  video.addEventListener("canplay", () => {
    messages.clearSlow();
    recovering = false;
  });
  video.addEventListener("playing", () => {
    messages.clearSlow();
    recovering = false;
    messages.hide();
  });
  messages.retryButton.addEventListener("click", () => {
    messages.hide();
    recovering = true;
    renew().catch(() => messages.show(ERRORS[4], true));
  });
}
