// Which image a page needs at the size it is drawn: pure functions, no DOM. The manifest
// gives each page a srcset of signed links at the widths made ({url, width}, narrowest
// first, the original last); the <img> gets that srcset and a `sizes` of the width it is
// drawn at in CSS pixels, and the browser takes the narrowest image covering it at the
// screen's devicePixelRatio. `pickSource` makes the same choice for code that needs one URL.

/** The srcset attribute for the manifest's candidates. */
export function srcsetText(candidates) {
  return candidates.map((candidate) => `${candidate.url} ${candidate.width}w`).join(", ");
}

/** The width in CSS pixels a part `partWidth` x `partHeight` is drawn at under `fit`, in a
 * `box` ({width, height}) shared by `perView` parts side by side.
 * screen: whole in the box; width: the box's width; height: the box's height (may be wider
 * than the box); original: one image pixel per CSS pixel. */
export function drawnWidth(partWidth, partHeight, fit, box, perView = 1) {
  const across = box.width / perView;
  const tall = partHeight > 0 ? (box.height * partWidth) / partHeight : across;
  switch (fit) {
    case "width":
      return across;
    case "height":
      return tall;
    case "original":
      return partWidth;
    default:
      return Math.min(across, tall);
  }
}

/** The candidate a browser at `dpr` needs to draw an image `cssWidth` wide: the narrowest at
 * least that many device pixels wide, else the widest there is. */
export function pickSource(candidates, cssWidth, dpr = 1) {
  if (!candidates.length) return null;
  const needed = cssWidth * (Number.isFinite(dpr) && dpr > 0 ? dpr : 1);
  const sorted = [...candidates].sort((a, b) => a.width - b.width);
  return sorted.find((candidate) => candidate.width >= needed) || sorted[sorted.length - 1];
}

/** The `sizes` attribute for an image drawn `cssWidth` wide. */
export function sizesFor(cssWidth) {
  return `${Math.max(1, Math.round(cssWidth))}px`;
}
