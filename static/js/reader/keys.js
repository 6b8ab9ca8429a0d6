// The keyboard: arrows in the reading direction, Space and Shift+Space, PageUp/PageDown,
// Home/End and F (static/js/reader/direction.js says what each does in each mode). Keys
// typed into the settings panel's controls, links and buttons keep their own meaning.

import { keyAction } from "./direction.js";

function keepsKey(target, key) {
  if (!target || !target.closest) return false;
  if (target.closest(".reader-settings")) return true;
  // The bars' buttons and links keep Space and Enter only, so the arrows work after a click.
  if (target.closest(".reader-bar") && target.matches("button, a")) return key === " " || key === "Enter";
  return Boolean(target.closest("input, textarea, select, button, a, summary, [contenteditable]"));
}

export function watchKeys({ mode, act }) {
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (keepsKey(event.target, event.key)) return;
    const action = keyAction(event.key, mode(), event.shiftKey);
    if (!action) return;
    event.preventDefault();
    act(action);
  });
}
