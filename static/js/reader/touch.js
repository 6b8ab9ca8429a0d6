// Pointer gestures on the paged reader's stage (touch-action: none there, so every touch
// comes to us): a tap on the outer thirds turns the page, on the middle shows or hides the
// bars; a swipe turns; a one-finger drag scrolls a page taller than the screen; two fingers
// pinch-zoom around their midpoint; a double tap in the middle zooms in there, and any
// double tap while zoomed zooms back out. Zoomed, one finger pans instead of turning.
// The webtoon strip scrolls and pinches natively and uses `click` for its thirds.

import { swipeAction, tapAction } from "./direction.js";

const TAP_PX = 10;
const TAP_MS = 350;
const DOUBLE_TAP_MS = 280;
const MAX_ZOOM = 4;
const DOUBLE_TAP_ZOOM = 2.5;

export function watchTouch({ stage, mode, act, target }) {
  const pointers = new Map();
  let gesture = null; // {x0, y0, t0, pinched, scrolled, lastY}
  let pinch = null;
  let zoom = { scale: 1, x: 0, y: 0 };
  let lastTap = null; // {t, x, y}
  let menuTimer = 0;
  let enabled = true;

  // A zoomed view may not be dragged past its edges: it always covers the stage it filled.
  function clamp(element) {
    const width = element.offsetWidth;
    const height = element.offsetHeight;
    zoom.x = Math.min(0, Math.max(zoom.x, width - width * zoom.scale));
    zoom.y = Math.min(0, Math.max(zoom.y, height - height * zoom.scale));
  }

  function apply() {
    const element = target();
    if (!element) return;
    clamp(element);
    element.style.transformOrigin = "0 0";
    element.style.transform =
      zoom.scale === 1 ? "" : `translate(${zoom.x}px, ${zoom.y}px) scale(${zoom.scale})`;
    stage.classList.toggle("reader-zoomed", zoom.scale > 1);
  }

  function zoomAt(scale, x, y) {
    const next = Math.min(Math.max(scale, 1), MAX_ZOOM);
    // Keep the point under (x, y) where it is: t' = p - (p - t) * s'/s.
    zoom = {
      scale: next,
      x: next === 1 ? 0 : x - ((x - zoom.x) * next) / zoom.scale,
      y: next === 1 ? 0 : y - ((y - zoom.y) * next) / zoom.scale,
    };
    apply();
  }

  function local(event) {
    const rect = stage.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  function distance() {
    const [a, b] = [...pointers.values()];
    return Math.hypot(a.x - b.x, a.y - b.y);
  }

  function midpoint() {
    const [a, b] = [...pointers.values()];
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  }

  function onDown(event) {
    if (!enabled || event.button !== 0 || event.target.closest("button, a, input")) return;
    const point = local(event);
    pointers.set(event.pointerId, point);
    stage.setPointerCapture(event.pointerId);
    if (pointers.size === 1) {
      gesture = { x0: point.x, y0: point.y, t0: event.timeStamp, pinched: false, scrolled: false, last: point };
    } else if (pointers.size === 2) {
      pinch = { distance: distance(), scale: zoom.scale };
      if (gesture) gesture.pinched = true;
    }
  }

  function onMove(event) {
    if (!pointers.has(event.pointerId)) return;
    const point = local(event);
    const before = pointers.get(event.pointerId);
    pointers.set(event.pointerId, point);
    if (pointers.size === 2 && pinch) {
      const middle = midpoint();
      zoomAt((pinch.scale * distance()) / Math.max(pinch.distance, 1), middle.x, middle.y);
      return;
    }
    if (!gesture || pointers.size !== 1) return;
    if (zoom.scale > 1) {
      zoom.x += point.x - before.x;
      zoom.y += point.y - before.y;
      apply();
    } else if (event.pointerType !== "mouse") {
      const dx = point.x - gesture.x0;
      const dy = point.y - gesture.y0;
      // A mostly vertical drag scrolls a page taller than the screen (not in vertical mode,
      // where it is a swipe).
      if (mode() !== "vertical" && Math.abs(dy) > TAP_PX && Math.abs(dy) > Math.abs(dx)) {
        const room = stage.scrollHeight > stage.clientHeight + 2;
        if (room) {
          gesture.scrolled = true;
          stage.scrollTop -= point.y - before.y;
        }
      }
    }
  }

  function onUp(event) {
    if (!pointers.has(event.pointerId)) return;
    const point = local(event);
    pointers.delete(event.pointerId);
    if (pointers.size > 0) return; // the rest of a pinch
    pinch = null;
    const done = gesture;
    gesture = null;
    if (!done || done.pinched || event.type === "pointercancel") return;
    const dx = point.x - done.x0;
    const dy = point.y - done.y0;
    const tapped = Math.hypot(dx, dy) < TAP_PX && event.timeStamp - done.t0 < TAP_MS;
    if (tapped) {
      onTap(point, event.timeStamp);
    } else if (zoom.scale === 1 && !done.scrolled) {
      const action = swipeAction(dx, dy, mode());
      if (action) act(action);
    }
  }

  function onTap(point, time) {
    const double = lastTap && time - lastTap.t < DOUBLE_TAP_MS && Math.hypot(point.x - lastTap.x, point.y - lastTap.y) < 40;
    lastTap = double ? null : { t: time, x: point.x, y: point.y };
    const action = tapAction(point.x, stage.clientWidth, mode());
    if (double && (zoom.scale > 1 || action === "menu")) {
      window.clearTimeout(menuTimer);
      if (zoom.scale > 1) zoomAt(1, point.x, point.y);
      else zoomAt(DOUBLE_TAP_ZOOM, point.x, point.y);
      return;
    }
    if (zoom.scale > 1) return; // zoomed: a single tap does nothing but wait for a double
    if (action === "menu") {
      // Wait a moment: a second tap makes it a double tap (zoom), not the bars twice.
      window.clearTimeout(menuTimer);
      menuTimer = window.setTimeout(() => act("menu"), DOUBLE_TAP_MS);
    } else {
      act(action);
    }
  }

  stage.addEventListener("pointerdown", onDown);
  stage.addEventListener("pointermove", onMove);
  stage.addEventListener("pointerup", onUp);
  stage.addEventListener("pointercancel", onUp);

  return {
    reset() {
      // The view shown now may be shown again later (views are kept a while): unzoom it.
      if (zoom.scale !== 1) zoomAt(1, 0, 0);
    },
    zoomed: () => zoom.scale > 1,
    setEnabled(on) {
      enabled = on;
      pointers.clear();
      gesture = null;
      stage.classList.toggle("reader-gestures", on);
    },
  };
}
