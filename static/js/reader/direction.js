// What keys, taps and swipes mean in each reading mode: pure functions, no DOM.
// Actions: "next"/"prev" turn the page; "forward"/"back" scroll a screen first when the page
// is taller than it, then turn; "scroll-down"/"scroll-up" scroll a little; "first", "last",
// "fullscreen", "menu" (show or hide the bars), or null for keys the reader leaves alone.

const SWIPE_PX = 50;

/** The action of `key` (KeyboardEvent.key) in `mode`; `shift` for Shift+Space. */
export function keyAction(key, mode, shift = false) {
  const rtl = mode === "rtl";
  const strip = mode === "webtoon";
  switch (key) {
    case "ArrowRight":
      return rtl ? "prev" : "next";
    case "ArrowLeft":
      return rtl ? "next" : "prev";
    case "ArrowDown":
      return mode === "vertical" ? "forward" : "scroll-down";
    case "ArrowUp":
      return mode === "vertical" ? "back" : "scroll-up";
    case " ":
    case "Spacebar":
      return shift ? "back" : "forward";
    case "PageDown":
      return strip ? "forward" : "next";
    case "PageUp":
      return strip ? "back" : "prev";
    case "Home":
      return "first";
    case "End":
      return "last";
    case "f":
    case "F":
      return "fullscreen";
    default:
      return null;
  }
}

/** A tap at `x` across a stage `width` wide: the outer thirds turn (the left one forward when
 * reading right to left), the middle shows or hides the bars. In the webtoon strip the
 * thirds scroll a screen. */
export function tapAction(x, width, mode) {
  const third = width / 3;
  if (x >= third && x <= width - third) return "menu";
  const left = x < third;
  if (mode === "webtoon") return left ? "back" : "forward";
  if (mode === "rtl") return left ? "next" : "prev";
  return left ? "prev" : "next";
}

/** A swipe of (dx, dy) pixels: against the reading direction turns forward (a finger moving
 * left in left-to-right reading, right in right-to-left, up in vertical). The webtoon strip
 * scrolls natively: no swipe there. */
export function swipeAction(dx, dy, mode) {
  if (mode === "webtoon") return null;
  if (mode === "vertical") {
    if (Math.abs(dy) < SWIPE_PX || Math.abs(dy) < Math.abs(dx)) return null;
    return dy < 0 ? "next" : "prev";
  }
  if (Math.abs(dx) < SWIPE_PX || Math.abs(dx) < Math.abs(dy) * 1.2) return null;
  const forward = mode === "rtl" ? dx > 0 : dx < 0;
  return forward ? "next" : "prev";
}
