// Saving the reader's place: after each page turn, once the reader has stayed ~1 s (so
// flicking through the slider sends one request), and with sendBeacon as the page goes away.
// Members' places go to the server (POST /read/<id>/progress/); everyone's also to
// localStorage, which is all an anonymous reader has.

import { keepPlace } from "./storage.js";

const SETTLE_MS = 1000;

export function createProgress({ csrfToken }) {
  let pending = null; // {chapter, page}: not sent yet
  let timer = 0;

  function send(how) {
    window.clearTimeout(timer);
    if (!pending) return;
    const { chapter, page } = pending;
    pending = null;
    if (how === "leave" && navigator.sendBeacon) {
      // sendBeacon cannot set headers: the CSRF token rides in the form, where Django looks.
      const form = new FormData();
      form.set("page", String(page));
      form.set("csrfmiddlewaretoken", csrfToken);
      if (navigator.sendBeacon(chapter.progress, form)) return;
    }
    fetch(chapter.progress, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify({ page }),
      credentials: "same-origin",
      keepalive: true,
    }).catch(() => {
      // Offline for a moment: the next turn sends the place again.
    });
  }

  /** The reader is on `page` (0-based) of `chapter` (the manifest's chapter facts);
   * `fraction`: how far down that page, for the webtoon strip. */
  function shown(chapter, page, fraction, member) {
    keepPlace(chapter.id, page, fraction);
    if (!member) return;
    if (pending && pending.chapter.id !== chapter.id) send("now"); // the last chapter's place
    pending = { chapter, page };
    window.clearTimeout(timer);
    timer = window.setTimeout(() => send("now"), SETTLE_MS);
  }

  window.addEventListener("pagehide", () => send("leave"));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") send("leave");
  });

  return { shown, flush: () => send("now") };
}
