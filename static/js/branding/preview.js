// The branding page's live preview (templates/console/branding/page.html): the panel takes
// the name, tagline, colours and a newly picked logo as the owner types or picks, and the
// contrast warnings follow. Nothing is sent: the form's Save does that. Without this script
// the page's Preview button renders the same panel on the server.
import { contrastWarnings, normaliseHex } from "./colours.js";

const form = document.querySelector("[data-branding-form]");
const preview = document.querySelector("[data-preview]");
if (form && preview) wire(form, preview);

function wire(form, preview) {
  const field = (name) => form.elements.namedItem(name);
  const saved = {
    name: preview.dataset.savedName,
    accent: preview.style.getPropertyValue("--accent").trim(),
    accent2: preview.style.getPropertyValue("--accent-2").trim(),
    tagline: preview.querySelector("[data-preview-tagline]").textContent,
  };
  const warnings = document.querySelector("[data-preview-warnings]");

  function update() {
    const accent = normaliseHex(field("accent_colour").value) ?? saved.accent;
    const accent2 = normaliseHex(field("accent_colour_2").value) ?? saved.accent2;
    preview.style.setProperty("--accent", accent);
    preview.style.setProperty("--accent-2", accent2);
    for (const name of preview.querySelectorAll("[data-preview-name]")) {
      name.textContent = field("name").value.trim() || saved.name;
    }
    preview.querySelector("[data-preview-tagline]").textContent =
      field("tagline").value.trim() || saved.tagline;
    warnings.replaceChildren(
      ...contrastWarnings(accent, accent2).map((text) => {
        const line = document.createElement("p");
        line.textContent = text;
        return line;
      }),
    );
  }

  wireSwatches(form, update);
  wireLogo(field("logo"), preview);
  form.addEventListener("input", update);
  update();
}

// Each colour's text field gets a picker beside it; either one moves the other.
function wireSwatches(form, update) {
  for (const swatch of form.querySelectorAll("[data-swatch-for]")) {
    const text = document.getElementById(swatch.dataset.swatchFor);
    swatch.hidden = false;
    swatch.addEventListener("input", () => {
      text.value = swatch.value;
      update();
    });
    text.addEventListener("input", () => {
      const hex = normaliseHex(text.value);
      if (hex) swatch.value = hex;
    });
  }
}

// A picked logo shows from the browser's own copy (a blob: URL); the server checks it on save.
function wireLogo(input, preview) {
  const logo = preview.querySelector("[data-preview-logo]");
  const mark = preview.querySelector("[data-preview-mark]");
  let shown = null;
  input?.addEventListener("change", () => {
    const file = input.files?.[0];
    if (!file || !file.type.startsWith("image/") || file.type === "image/svg+xml") return;
    if (shown) URL.revokeObjectURL(shown);
    shown = URL.createObjectURL(file);
    logo.src = shown;
    logo.hidden = false;
    mark.hidden = true;
  });
}
