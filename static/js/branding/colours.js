// The branding preview's colour rules, the same as console/branding/contrast.py (WCAG 2.2
// relative luminance and contrast ratio; 4.5:1 for text). Pure: tested in node.

export const TEXT_MINIMUM = 4.5;
export const WHITE = "#ffffff";
// site.css --bg: the page behind text drawn in the second colour.
export const PAGE_BACKGROUND = "#07070b";

// "#RRGGBB" or "rrggbb" as "#rrggbb"; null for anything else (as the form's clean_hex).
export function normaliseHex(value) {
  const found = /^#?([0-9a-fA-F]{6})$/.exec(String(value ?? "").trim());
  return found ? `#${found[1].toLowerCase()}` : null;
}

// sRGB to linear light, with the sRGB standard's 0.04045 that WCAG 2.2 names.
function channel(value) {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrast(one, other) {
  const [light, dark] = [luminance(one), luminance(other)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}

// Rounded down, so a ratio just under the minimum never reads as meeting it.
export function shownRatio(ratio) {
  return `${(Math.floor(ratio * 10) / 10).toFixed(1)}:1`;
}

export function contrastWarnings(accent, accent2) {
  const warnings = [];
  const onAccent = contrast(WHITE, accent);
  if (onAccent < TEXT_MINIMUM) {
    warnings.push(
      `White text on the first colour (buttons) has a contrast of ${shownRatio(onAccent)}; ` +
        `${TEXT_MINIMUM}:1 reads well. A darker colour helps.`,
    );
  }
  const onPage = contrast(accent2, PAGE_BACKGROUND);
  if (onPage < TEXT_MINIMUM) {
    warnings.push(
      `Text in the second colour on the dark page has a contrast of ${shownRatio(onPage)}; ` +
        `${TEXT_MINIMUM}:1 reads well. A lighter colour helps.`,
    );
  }
  return warnings;
}
