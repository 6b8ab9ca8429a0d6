// Seek previews: a tile of the sprite sheet and the time, above the seek bar, read from the
// WebVTT thumbnails track (thumbnails-vtt.js).

import { formatTime } from "./time-format.js";
import { previewOffset } from "./seek-fraction.js";
import { parse, tileAt } from "./thumbnails-vtt.js";

/** `sprite`: the sheet's signed link (or null); `duration()`: the video's known duration. */
export function createPreviews({ preview, seekBar, sprite, duration }) {
  const previewImage = preview.querySelector(".player-preview-image");
  const previewTime = preview.querySelector(".player-preview-time");
  let spriteLink = sprite || null; // signed: replaced on every renewal
  let previewCues = []; // parsed thumbnails track, empty until (and unless) it loads
  let previewsLoaded = false;

  async function load(link) {
    if (!link || !spriteLink) return;
    try {
      const response = await fetch(link, { credentials: "same-origin" });
      if (!response.ok) return; // an expired link: the next renewal brings a fresh one
      previewCues = parse(await response.text());
      previewsLoaded = true;
      // Fetch the sheet now, so the first hover shows a picture rather than an empty frame.
      if (previewCues.length) new Image().src = spriteLink;
    } catch {
      // Offline or a damaged track: the seek bar shows times without pictures.
    }
  }

  // A renewal signs the sheet anew, and brings a fresh track link if the first one failed.
  function renewed(fresh) {
    spriteLink = fresh.sprite || null;
    if (!previewsLoaded) load(fresh.thumbnails);
  }

  function hide() {
    preview.hidden = true;
  }

  function show(fraction) {
    const known = duration();
    if (!known) return hide();
    const time = fraction * known;
    previewTime.textContent = formatTime(time);
    const tile = spriteLink ? tileAt(previewCues, time) : null;
    if (tile) {
      // The track names the sheet by its bare file name; links are signed, so the sheet's
      // own signed link stands in for it (a relative URL would miss the signature).
      const image = `url("${spriteLink.replace(/["\\\n]/g, encodeURIComponent)}")`;
      if (previewImage.style.backgroundImage !== image) previewImage.style.backgroundImage = image;
      previewImage.style.width = `${tile.w}px`;
      previewImage.style.height = `${tile.h}px`;
      previewImage.style.backgroundPosition = `-${tile.x}px -${tile.y}px`;
    }
    previewImage.hidden = !tile;
    preview.hidden = false;
    const left = previewOffset(fraction, seekBar.clientWidth, preview.offsetWidth);
    preview.style.transform = `translateX(${Math.round(left)}px)`;
  }

  return { load, renewed, show, hide };
}
