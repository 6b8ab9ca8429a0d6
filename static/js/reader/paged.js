// The paged modes (left to right, right to left, vertical): one view on screen at a time,
// a page or a spread, and after the last one the chapter's end card. The next few views'
// images are made ahead (detached <img> elements load all the same), with the same srcset and
// sizes as when shown, so the browser has the very image it will need when the page turns.
// Paging back from the first view goes to the previous chapter (onBackward), which opens at
// its last page, as Komga and Kavita do.

import { endCard } from "./end-card.js";
import { lastPageOf, lastViewOfPage, screenOrder, viewOfPage, viewsFor } from "./layout.js";
import { drawnWidth, sizesFor, srcsetText } from "./sources.js";

const AHEAD = 3; // views made ahead of the one shown
const BEHIND = 1;

export function createPaged({ stage, onPage, onContinue, onBackward }) {
  let manifest = null;
  let settings = null;
  let views = [];
  let at = 0;
  let made = new Map(); // view index -> its element, made ahead or shown

  const box = () => ({ width: stage.clientWidth, height: stage.clientHeight });

  function partElement(part, perView) {
    const page = manifest.pages[part.page];
    const partWidth = part.half ? page.width / 2 : page.width;
    const width = drawnWidth(partWidth, page.height, settings.fit, box(), perView);
    const height = (width * page.height) / partWidth;
    const holder = document.createElement("div");
    holder.className = part.half ? `reader-part reader-half-${part.half}` : "reader-part";
    holder.style.width = `${width}px`;
    holder.style.height = `${height}px`;
    const image = document.createElement("img");
    const imageWidth = part.half ? width * 2 : width;
    image.width = page.width;
    image.height = page.height;
    image.style.width = `${imageWidth}px`;
    image.style.height = `${height}px`;
    image.alt = `Page ${page.index + 1}${part.half ? ` (${part.half} half)` : ""}`;
    image.draggable = false;
    image.decoding = "async";
    image.dataset.index = String(page.index);
    // sizes before srcset: the browser chooses as soon as srcset is set.
    image.sizes = sizesFor(imageWidth);
    image.srcset = srcsetText(page.srcset);
    image.src = page.src;
    holder.append(image);
    return holder;
  }

  function viewElement(index) {
    if (made.has(index)) return made.get(index);
    let element;
    if (index >= views.length) {
      element = endCard(manifest, onContinue);
    } else {
      const view = views[index];
      element = document.createElement("div");
      element.className = "reader-view";
      const spread = document.createElement("div");
      spread.className = "reader-spread";
      for (const part of screenOrder(view, settings.mode === "rtl")) {
        spread.append(partElement(part, view.length));
      }
      element.append(spread);
    }
    made.set(index, element);
    if (index !== at) {
      // Made ahead: fetched and decoded now, so the turn only has to paint it.
      for (const image of element.querySelectorAll("img")) image.decode().catch(() => {});
    }
    return element;
  }

  function makeAhead() {
    for (const index of made.keys()) {
      if (index < at - BEHIND || index > at + AHEAD) made.delete(index);
    }
    for (let index = at + 1; index <= Math.min(at + AHEAD, views.length); index += 1) viewElement(index);
    if (at > 0) viewElement(at - 1);
  }

  function show() {
    stage.replaceChildren(viewElement(at));
    stage.scrollTo(0, 0);
    const atEnd = at >= views.length;
    const page = atEnd ? manifest.pages.length - 1 : lastPageOf(views[at]);
    onPage(Math.max(page, 0), { fraction: 0, atEnd });
    makeAhead();
  }

  function goToView(index) {
    const last = views.length; // the end card
    const target = Math.max(0, Math.min(index, last));
    if (target === at && stage.firstChild) return false;
    at = target;
    show();
    return true;
  }

  // Room left to scroll in the reading axis: Space and PageDown scroll a tall page first.
  function roomAhead() {
    return stage.scrollHeight - stage.clientHeight - stage.scrollTop > 2;
  }

  return {
    // `fraction` 1: the end of `startPage` (its second half, when split), paging back.
    open(nextManifest, nextSettings, startPage, fraction = null) {
      manifest = nextManifest;
      settings = nextSettings;
      views = viewsFor(manifest.pages, settings);
      made = new Map();
      const find = fraction === 1 ? lastViewOfPage : viewOfPage;
      const found = find(views, startPage || 0);
      at = found < 0 ? 0 : found;
      show();
    },
    relayout() {
      made = new Map();
      if (manifest) show();
    },
    goToPage(page) {
      goToView(viewOfPage(views, page));
    },
    next() {
      if (at >= views.length) onContinue();
      else goToView(at + 1);
    },
    prev() {
      if (at === 0) onBackward();
      else goToView(at - 1);
    },
    forward() {
      if (roomAhead()) stage.scrollBy({ top: stage.clientHeight * 0.9 });
      else this.next();
    },
    back() {
      if (stage.scrollTop > 2) stage.scrollBy({ top: -stage.clientHeight * 0.9 });
      else this.prev();
    },
    first() {
      goToView(0);
    },
    last() {
      goToView(views.length - 1);
    },
    shownElement() {
      return stage.firstElementChild;
    },
    close() {
      made = new Map();
    },
  };
}
