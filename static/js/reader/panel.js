// The settings panel: radio groups and checkboxes (labelled, reachable by keyboard), opened
// from the top bar; a change applies at once and is kept for the series. Escape or the close
// button shuts it and gives focus back to the button that opened it.

export function createPanel({ panel, opener, form, note, onChange, onReset }) {
  function open() {
    panel.hidden = false;
    opener.setAttribute("aria-expanded", "true");
    const checked = form.querySelector("input:checked") || form.querySelector("input");
    if (checked) checked.focus();
  }

  function close() {
    if (panel.hidden) return;
    panel.hidden = true;
    opener.setAttribute("aria-expanded", "false");
    opener.focus();
  }

  opener.addEventListener("click", () => (panel.hidden ? open() : close()));
  panel.querySelector('[data-action="close-settings"]').addEventListener("click", close);
  panel.querySelector('[data-action="reset-settings"]').addEventListener("click", onReset);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  form.addEventListener("change", (event) => {
    const input = event.target;
    onChange({ [input.name]: input.type === "checkbox" ? input.checked : input.value });
  });

  return {
    show(settings, message) {
      for (const input of form.elements) {
        if (!input.name) continue;
        if (input.type === "checkbox") input.checked = Boolean(settings[input.name]);
        else input.checked = settings[input.name] === input.value;
      }
      const paged = settings.mode === "ltr" || settings.mode === "rtl";
      for (const set of form.querySelectorAll("[data-paged-only]")) set.disabled = !paged;
      note.textContent = message;
    },
    isOpen: () => !panel.hidden,
    close,
  };
}
