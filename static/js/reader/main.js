// The reader on /read/<chapter>/ (templates/readvault/reader.html): reads its config, picks
// the renderer for the mode (paged.js for left to right, right to left and vertical;
// strip.js for the webtoon strip) and wires the bars, slider, settings, keys, gestures and
// progress to it. At the end of a chapter it reads on into the next one in place: the
// manifest is fetched ahead, the URL changes with history.replaceState, and progress is
// recorded for the new chapter. The webtoon strip appends the next chapter below and follows
// whichever chapter is under its reading line (the one scrolled past counts as read to its
// last page). Paging back from a chapter's first page opens the previous chapter at its last
// page (its button, at its first). Without JavaScript the page lists the pages as images.

import { tapAction } from "./direction.js";
import { createPaged } from "./paged.js";
import { createPanel } from "./panel.js";
import { createProgress } from "./progress.js";
import { settingsFor } from "./settings-rules.js";
import { drawnWidth, sizesFor, srcsetText } from "./sources.js";
import { createSlider } from "./slider.js";
import { choicesFor, keepChoices, placeIn } from "./storage.js";
import { createStrip } from "./strip.js";
import { watchKeys } from "./keys.js";
import { watchTouch } from "./touch.js";

const RENEW_MARGIN_S = 600; // fetch fresh links this long before the manifest's expire

function start() {
  const configNode = document.getElementById("reader-config");
  const root = document.getElementById("reader");
  if (!configNode || !root) return;
  const config = JSON.parse(configNode.textContent);
  const stage = document.getElementById("reader-stage");
  const toast = document.getElementById("reader-toast");
  const buttons = Object.fromEntries(
    [...root.querySelectorAll("[data-action]")].map((button) => [button.dataset.action, button]),
  );

  const state = {
    manifest: null,
    settings: null,
    choices: {}, // the reader's own, for this series
    page: 0,
    loadedAt: 0,
    fraction: 0, // how far down the page (the strip)
    ahead: null, // {url, promise}: the next chapter's manifest, fetched as the end nears
    renderer: null,
    opening: false,
  };

  const progress = createProgress({ csrfToken: config.csrfToken });
  const onPage = (page, { fraction = 0, atEnd = false, manifest = null } = {}) => {
    if (manifest && manifest.chapter.id !== state.manifest.chapter.id) enterChapter(manifest);
    state.page = page;
    state.fraction = fraction;
    slider.show(page);
    if (state.manifest.pages.length) {
      progress.shown(state.manifest.chapter, page, fraction, state.manifest.member);
    }
    if (atEnd || page >= state.manifest.pages.length - 3) {
      const next = fetchNext();
      if (next && state.renderer === strip) next.then((nextManifest) => strip.append(nextManifest), () => {});
    }
    root.classList.toggle("reader-at-end", atEnd);
    renewIfStale();
  };
  const paged = createPaged({
    stage,
    onPage,
    onContinue: () => readOn(),
    onBackward: () => readBack("last"),
  });
  const strip = createStrip({
    stage,
    onPage,
    onContinue: () => readOn(),
    // A test sets it lower to see chapters dropped with the sample's two chapters.
    keepBehind: window.shadowvaultStripKeepBehind,
  });
  const touch = watchTouch({
    stage,
    mode: () => state.settings.mode,
    act: (action) => act(action),
    target: () => paged.shownElement(),
  });
  const slider = createSlider({
    input: document.getElementById("reader-slider"),
    preview: document.getElementById("reader-preview"),
    count: document.getElementById("reader-count"),
    goToPage: (page) => state.renderer.goToPage(page),
  });
  const panel = createPanel({
    panel: document.getElementById("reader-settings"),
    opener: buttons.settings,
    form: document.getElementById("reader-settings-form"),
    note: document.getElementById("reader-settings-note"),
    onChange: (change) => choose(change),
    onReset: () => choose(Object.fromEntries(Object.keys(state.choices).map((key) => [key, null]))),
  });

  function say(message) {
    toast.textContent = message;
    toast.classList.add("visible");
    window.clearTimeout(say.timer);
    say.timer = window.setTimeout(() => toast.classList.remove("visible"), 1800);
  }

  function toggleBars(show) {
    const hidden = show === undefined ? !root.classList.contains("reader-bars-hidden") : !show;
    root.classList.toggle("reader-bars-hidden", hidden && !panel.isOpen());
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else if (root.requestFullscreen) root.requestFullscreen().catch(() => {});
  }

  function act(action) {
    const renderer = state.renderer;
    touch.reset();
    switch (action) {
      case "next":
      case "prev":
      case "forward":
      case "back":
      case "first":
      case "last":
        renderer[action]();
        if (action !== "first" && action !== "last") toggleBars(false);
        break;
      case "scroll-down":
      case "scroll-up":
        stage.scrollBy({ top: (action === "scroll-down" ? 1 : -1) * stage.clientHeight * 0.2 });
        break;
      case "fullscreen":
        toggleFullscreen();
        break;
      case "menu":
        toggleBars();
        break;
    }
  }

  // ---- settings ----------------------------------------------------------------------

  function savedChoices(manifest) {
    return manifest.member ? manifest.settings || {} : choicesFor(manifest.series.id);
  }

  function settingsNote() {
    return state.manifest.member
      ? "Kept for this series on your account."
      : "Kept for this series in this browser; sign in to keep them on your account.";
  }

  function choose(change) {
    const choices = { ...state.choices };
    for (const [key, value] of Object.entries(change)) {
      if (value === null) delete choices[key];
      else choices[key] = value;
    }
    if (change.mode && !("fit" in change)) delete choices.fit; // the new mode's own fit
    state.choices = choices;
    const sent = { ...change };
    if (change.mode && !("fit" in change)) sent.fit = null;
    if (state.manifest.member) {
      fetch(state.manifest.chapter.settings, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrfToken },
        body: JSON.stringify(sent),
        credentials: "same-origin",
      })
        .then((answer) => (answer.ok ? null : answer.json().then((body) => say(body.detail))))
        .catch(() => say("Settings not saved: the site did not answer."));
    } else {
      keepChoices(state.manifest.series.id, choices);
    }
    render(state.page);
  }

  // ---- chapters ----------------------------------------------------------------------

  function render(page, fraction = null) {
    const settings = settingsFor(state.manifest.direction, state.choices);
    state.settings = settings;
    const webtoon = settings.mode === "webtoon";
    if (state.renderer) state.renderer.close();
    state.renderer = webtoon ? strip : paged;
    stage.className = `reader-stage reader-mode-${settings.mode} reader-fit-${settings.fit}`;
    touch.setEnabled(!webtoon);
    touch.reset();
    slider.load(state.manifest, settings.mode === "rtl");
    panel.show(settings, settingsNote());
    state.renderer.open(state.manifest, settings, page, fraction);
  }

  // The bars, the title and the chapter buttons for `manifest`.
  function showChapter(manifest) {
    const { chapter, series } = manifest;
    document.getElementById("reader-chapter").textContent = chapter.label;
    document.title = `${chapter.label} · ${series.title}`;
    buttons["previous-chapter"].disabled = !manifest.previous;
    buttons["next-chapter"].disabled = !manifest.next;
  }

  function open(manifest, page, fraction = null) {
    const sameSeries = state.manifest && state.manifest.series.id === manifest.series.id;
    state.choices = sameSeries ? state.choices : savedChoices(manifest);
    state.manifest = manifest;
    state.loadedAt = Date.now();
    showChapter(manifest);
    render(page, fraction);
  }

  // The strip's reading line crossed into another chapter it holds: the reader follows it.
  // Scrolling on into the next one, the chapter left is recorded as read to its last page
  // (a fast scroll may never have stopped there).
  function enterChapter(manifest) {
    const left = state.manifest;
    if (left.next && left.next.id === manifest.chapter.id && left.pages.length) {
      progress.shown(left.chapter, left.pages.length - 1, 1, left.member);
    }
    state.manifest = manifest;
    showChapter(manifest);
    slider.load(manifest, false);
    window.history.replaceState(null, "", manifest.chapter.url);
  }

  function fetchManifest(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(
      (answer) => {
        if (!answer.ok) throw new Error(`${answer.status}`);
        return answer.json();
      },
    );
  }

  // The next chapter's manifest, fetched once however often asked (a promise), or null after
  // the latest chapter.
  function fetchNext() {
    const next = state.manifest.next;
    if (!next) return null;
    if (!state.ahead || state.ahead.url !== next.manifest) {
      const promise = fetchManifest(next.manifest);
      state.ahead = { url: next.manifest, promise };
      promise.then(warm, () => {
        if (state.ahead && state.ahead.promise === promise) state.ahead = null; // tried again at the next turn
      });
    }
    return state.ahead.promise;
  }

  // The next chapter's first pages, fetched as the end nears, at the size they will be
  // drawn: reading on shows them at once.
  function warm(manifest) {
    const box = { width: stage.clientWidth, height: stage.clientHeight };
    for (const page of manifest.pages.slice(0, 2)) {
      const image = new Image();
      image.sizes = sizesFor(drawnWidth(page.width, page.height, state.settings.fit, box));
      image.srcset = srcsetText(page.srcset);
    }
  }

  function goToChapter(load, facts, page) {
    if (state.opening) return;
    state.opening = true;
    progress.flush();
    load
      .then((manifest) => {
        window.history.replaceState(null, "", facts.url);
        if (page === "last") open(manifest, Math.max(manifest.pages.length - 1, 0), 1);
        else open(manifest, 0);
        say(manifest.chapter.label);
      })
      .catch(() => say("That chapter did not load; try again."))
      .finally(() => {
        state.opening = false;
      });
  }

  function readOn() {
    const next = state.manifest.next;
    if (next) goToChapter(fetchNext(), next, 0);
  }

  // At = "last" when paging back past the first page; the button opens the first page.
  function readBack(at = 0) {
    const previous = state.manifest.previous;
    if (previous) goToChapter(fetchManifest(previous.manifest), previous, at);
  }

  function renewIfStale() {
    const age = (Date.now() - state.loadedAt) / 1000;
    if (age < state.manifest.linksExpireIn - RENEW_MARGIN_S || state.opening) return;
    state.loadedAt = Date.now();
    fetchManifest(state.manifest.chapter.manifest)
      .then((manifest) => {
        state.manifest = { ...manifest, settings: state.manifest.settings };
        render(state.page, state.fraction);
      })
      .catch(() => {
        state.loadedAt = 0; // try again at the next turn
      });
  }

  // ---- wiring ------------------------------------------------------------------------

  buttons.fullscreen.addEventListener("click", toggleFullscreen);
  buttons["next-chapter"].addEventListener("click", readOn);
  buttons["previous-chapter"].addEventListener("click", () => readBack(0));
  stage.addEventListener("click", (event) => {
    // The strip's thirds (the paged modes take taps as pointer gestures).
    if (state.settings.mode !== "webtoon" || event.target.closest("button, a")) return;
    const rect = stage.getBoundingClientRect();
    act(tapAction(event.clientX - rect.left, rect.width, "webtoon"));
  });
  watchKeys({ mode: () => state.settings.mode, act });
  // The bars come back for a mouse near the top or bottom edge, and for keyboard focus.
  root.addEventListener("pointermove", (event) => {
    if (event.pointerType !== "mouse") return;
    const edge = Math.min(event.clientY, window.innerHeight - event.clientY);
    if (edge < 64) toggleBars(true);
  });
  root.addEventListener("focusin", (event) => {
    if (event.target.closest(".reader-bar")) toggleBars(true);
  });
  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(() => state.renderer.relayout(), 150);
  });

  root.hidden = false;
  document.documentElement.classList.add("reader-open");
  const manifest = config.manifest;
  const kept = placeIn(manifest.chapter.id);
  let page = config.startPage;
  let fraction = null; // the top of the page
  if (page === null && kept) page = kept.page;
  if (kept && kept.page === page && !config.askedPage) fraction = kept.fraction || null;
  open(manifest, Math.min(page || 0, Math.max(manifest.pages.length - 1, 0)), fraction);
  stage.focus({ preventScroll: true });

  // A handle for tests and for debugging from the console.
  window.shadowvaultReader = {
    state: () => ({
      chapter: state.manifest.chapter.id,
      page: state.page,
      mode: state.settings.mode,
      settings: state.settings,
    }),
    act,
    choose,
    flush: () => progress.flush(),
  };
}

start();
