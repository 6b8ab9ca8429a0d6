// The webtoon strip: every page one under the other with no gap, each <img> holding its box
// from the start (width and height attributes give the aspect ratio before a byte arrives),
// so pages loading lazily above or below never move what is being read. The place is the
// page crossing the upper third of the screen (the reading line) and how far down it is,
// kept on reload.
//
// The strip reads on into the next chapter: as the end nears the reader appends the next
// chapter's pages below (append(), after a thin divider naming it), and onPage names the
// chapter under the reading line, so the URL, title, slider and progress follow it. Only the
// chapter being read, KEEP_BEHIND before it and the one appended after stay in the page:
// chapters further up are dropped, the scroll moved up by their height so nothing on screen
// moves.

import { endCard } from "./end-card.js";
import { sizesFor, srcsetText } from "./sources.js";

const NARROW_STRIP_PX = 720; // "screen" and "height" fits: a column, not a wall of pixels
export const KEEP_BEHIND = 1; // chapters kept above the one being read

/** How many chapters to drop from the top of the strip when the reader is in the chapter at
 * `current` (0-based among those in the strip): all but `keepBehind` above it. */
export function chaptersToDrop(current, keepBehind = KEEP_BEHIND) {
  return Math.max(0, current - keepBehind);
}

export function createStrip({ stage, onPage, onContinue, keepBehind = KEEP_BEHIND }) {
  let settings = null;
  let strip = null;
  let chapters = []; // {manifest, divider, images}, top to bottom
  let images = []; // every page in the strip, top to bottom
  const chapterOf = new Map(); // image -> its chapter
  let card = null;
  let current = -1; // index in `images`
  let reported = "";
  let ticking = false;

  const lastChapter = () => chapters[chapters.length - 1];
  const currentChapter = () => chapterOf.get(images[current]) || chapters[0];

  function stripWidth() {
    const width = stage.clientWidth;
    if (settings.fit === "width") return width;
    if (settings.fit === "original") {
      const widths = chapters.flatMap((chapter) => chapter.manifest.pages.map((p) => p.width));
      return Math.max(...widths, 1);
    }
    return Math.min(width, NARROW_STRIP_PX);
  }

  function pageImage(page, width) {
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
  }

  // A new strip width (the first chapter, a wider page in "original", a resize): every
  // image's sizes follow, so the browser picks the image for the width drawn.
  function setWidth() {
    const width = stripWidth();
    strip.style.setProperty("--strip-width", `${width}px`);
    for (const image of images) image.sizes = sizesFor(width);
  }

  // A chapter's pages (after a divider naming it, below another chapter) before the end card.
  function addChapter(manifest) {
    const chapter = { manifest, divider: null, images: [] };
    chapters.push(chapter);
    const width = stripWidth();
    chapter.images = manifest.pages.map((page) => pageImage(page, width));
    for (const image of chapter.images) chapterOf.set(image, chapter);
    images = images.concat(chapter.images);
    if (chapters.length > 1) {
      chapter.divider = document.createElement("p");
      chapter.divider.className = "reader-strip-divider";
      chapter.divider.textContent = manifest.chapter.label;
      strip.append(chapter.divider);
    }
    if (card) card.remove();
    card = endCard(manifest, onContinue);
    strip.append(...chapter.images, card);
    setWidth();
  }

  // Chapters far above the reading line leave the page; the scroll moves up by what they
  // took, so the page being read stays where it is on screen. Only once what is kept starts
  // above the screen's top: else the scroll would have to go below 0, and the page would jump.
  function dropAbove() {
    const count = chaptersToDrop(chapters.indexOf(currentChapter()), keepBehind);
    if (!count) return;
    const kept = chapters[count];
    const first = kept.divider || kept.images[0];
    const before = first.offsetTop;
    if (before > stage.scrollTop) return;
    const scrolled = stage.scrollTop - before; // read before removing: the browser clamps it
    const reading = images[current];
    for (const chapter of chapters.slice(0, count)) {
      if (chapter.divider) chapter.divider.remove();
      for (const image of chapter.images) {
        image.remove();
        chapterOf.delete(image);
      }
    }
    chapters = chapters.slice(count);
    images = chapters.flatMap((chapter) => chapter.images);
    current = images.indexOf(reading);
    stage.scrollTop = first.offsetTop + scrolled;
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
    const place = `${index} ${fraction.toFixed(3)} ${atEnd} ${images.length}`;
    if (place === reported) return; // a layout change that moved nothing
    current = index;
    reported = place;
    onPage(Number(image.dataset.index), { fraction, atEnd, manifest: chapterOf.get(image).manifest });
    dropAbove();
  }

  function onScroll() {
    if (!ticking) {
      ticking = true;
      window.requestAnimationFrame(measure);
    }
  }

  // To the top of `index` (in `images`), or with `fraction` to where the reading line was.
  function scrollToImage(index, fraction = null) {
    const image = images[Math.max(0, Math.min(index, images.length - 1))];
    if (image && fraction === null) stage.scrollTop = image.offsetTop;
    else if (image) stage.scrollTop = image.offsetTop + fraction * image.offsetHeight - stage.clientHeight / 3;
    measure();
  }

  // A page of the chapter under the reading line (the slider's and Home/End's pages).
  function scrollToPage(page, fraction = null) {
    const own = currentChapter().images;
    const image = own[Math.max(0, Math.min(page, own.length - 1))];
    scrollToImage(images.indexOf(image), fraction);
  }

  const atBottom = () => stage.scrollHeight - stage.clientHeight - stage.scrollTop <= 2;

  return {
    open(manifest, nextSettings, startPage, fraction = null) {
      stage.removeEventListener("scroll", onScroll);
      reported = "";
      current = -1;
      settings = nextSettings;
      chapters = [];
      images = [];
      chapterOf.clear();
      card = null;
      strip = document.createElement("div");
      strip.className = "reader-strip";
      stage.replaceChildren(strip);
      addChapter(manifest);
      stage.addEventListener("scroll", onScroll, { passive: true });
      scrollToImage(startPage || 0, fraction);
    },
    /** The chapter after the last one in the strip, appended below it; any other is ignored
     * (a late answer, or one already there). */
    append(manifest) {
      const last = lastChapter();
      if (!last || !last.manifest.next || last.manifest.next.id !== manifest.chapter.id) return;
      addChapter(manifest);
      reported = ""; // the end card moved down: atEnd is news
      onScroll();
    },
    relayout() {
      // A new width: new sizes, the same place (the page and how far down it).
      if (!images.length) return;
      const image = images[current];
      const line = stage.scrollTop + stage.clientHeight / 3;
      const fraction = Math.max(0, (line - image.offsetTop) / image.offsetHeight);
      setWidth();
      scrollToImage(current, fraction);
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
        scrollToImage(current + 1);
      }
    },
    prev() {
      scrollToImage(current - 1);
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
      scrollToPage(Infinity);
    },
    shownElement() {
      return null;
    },
    close() {
      stage.removeEventListener("scroll", onScroll);
      chapters = [];
      images = [];
      chapterOf.clear();
    },
  };
}
