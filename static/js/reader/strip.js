// The webtoon strip: every page one under the other with no gap, each <img> holding its box
// from the start (width and height attributes give the aspect ratio before a byte arrives),
// so pages loading lazily above or below never move what is being read. The place is the
// page crossing the upper third of the screen and how far down it is, kept on reload.

import { endCard } from "./end-card.js";
import { sizesFor, srcsetText } from "./sources.js";

const NARROW_STRIP_PX = 720; // "screen" and "height" fits: a column, not a wall of pixels

export function createStrip({ stage, onPage, onContinue }) {
  let manifest = null;
  let settings = null;
  let images = [];
  let card = null;
  let current = -1;
  let reported = "";
  let ticking = false;

  function stripWidth(settings) {
    const width = stage.clientWidth;
    if (settings.fit === "width") return width;
    if (settings.fit === "original") return Math.max(...manifest.pages.map((p) => p.width), 1);
    return Math.min(width, NARROW_STRIP_PX);
  }

  function pageAt(y) {
    // The last page whose top is above y (binary search: offsets only grow).
    let low = 0;
    let high = images.length - 1;
    let found = 0;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (images[middle].offsetTop <= y) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }

  function measure() {
    ticking = false;
    if (!images.length) return;
    const line = stage.scrollTop + stage.clientHeight / 3;
    const index = pageAt(line);
    const image = images[index];
    // How far down the page the reading line is: the place a reload comes back to.
    const fraction = Math.min(Math.max((line - image.offsetTop) / image.offsetHeight, 0), 1);
    const atEnd = card.offsetTop < stage.scrollTop + stage.clientHeight * 0.8;
    const place = `${index} ${fraction.toFixed(3)} ${atEnd}`;
    if (place === reported) return; // a layout change that moved nothing
    current = index;
    reported = place;
    onPage(index, { fraction, atEnd });
  }

  function onScroll() {
    if (!ticking) {
      ticking = true;
      window.requestAnimationFrame(measure);
    }
  }

  // To a page's top, or with `fraction` to where the reading line was in it.
  function scrollToPage(page, fraction = null) {
    const image = images[Math.max(0, Math.min(page, images.length - 1))];
    if (image && fraction === null) stage.scrollTop = image.offsetTop;
    else if (image) stage.scrollTop = image.offsetTop + fraction * image.offsetHeight - stage.clientHeight / 3;
    measure();
  }

  const atBottom = () => stage.scrollHeight - stage.clientHeight - stage.scrollTop <= 2;

  return {
    open(nextManifest, nextSettings, startPage, fraction = null) {
      reported = "";
      manifest = nextManifest;
      settings = nextSettings;
      const width = stripWidth(settings);
      const strip = document.createElement("div");
      strip.className = "reader-strip";
      strip.style.setProperty("--strip-width", `${width}px`);
      images = manifest.pages.map((page) => {
        const image = document.createElement("img");
        image.className = "reader-strip-page";
        image.width = page.width;
        image.height = page.height;
        image.alt = `Page ${page.index + 1}`;
        image.loading = "lazy";
        image.decoding = "async";
        image.draggable = false;
        image.dataset.index = String(page.index);
        image.sizes = sizesFor(width);
        image.srcset = srcsetText(page.srcset);
        image.src = page.src;
        return image;
      });
      card = endCard(manifest, onContinue);
      strip.append(...images, card);
      stage.replaceChildren(strip);
      stage.addEventListener("scroll", onScroll, { passive: true });
      scrollToPage(startPage || 0, fraction);
    },
    relayout() {
      // A new width: new sizes, the same place (the page and how far down it).
      if (!images.length) return;
      const image = images[current];
      const line = stage.scrollTop + stage.clientHeight / 3;
      const fraction = Math.max(0, (line - image.offsetTop) / image.offsetHeight);
      stage.removeEventListener("scroll", onScroll);
      this.open(manifest, settings, current, fraction);
    },
    goToPage(page) {
      scrollToPage(page);
    },
    next() {
      if (current >= images.length - 1) {
        if (atBottom() || card.offsetTop <= stage.scrollTop + 2) onContinue();
        else stage.scrollTop = card.offsetTop;
        measure();
      } else {
        scrollToPage(current + 1);
      }
    },
    prev() {
      scrollToPage(current - 1);
    },
    forward() {
      if (atBottom()) onContinue();
      else stage.scrollBy({ top: stage.clientHeight * 0.9 });
    },
    back() {
      stage.scrollBy({ top: -stage.clientHeight * 0.9 });
    },
    first() {
      scrollToPage(0);
    },
    last() {
      scrollToPage(images.length - 1);
    },
    shownElement() {
      return null;
    },
    close() {
      stage.removeEventListener("scroll", onScroll);
      images = [];
    },
  };
}
