// The page slider: a native range input (keyboard and screen readers know it), running
// right to left when the chapter reads that way, with the page's thumbnail (the 200 px
// image) above it while it moves; letting go opens that page.

export function createSlider({ input, preview, count, goToPage }) {
  const picture = preview.querySelector("img");
  const label = preview.querySelector("span");
  let pages = [];

  function place() {
    const value = Number(input.value);
    const share = pages.length > 1 ? (value - 1) / (pages.length - 1) : 0;
    const rtl = input.dir === "rtl";
    preview.style.left = `${(rtl ? 1 - share : share) * 100}%`;
    const page = pages[value - 1];
    if (page) {
      picture.src = page.thumbnail;
      picture.width = 100;
      picture.height = Math.round((100 * page.height) / Math.max(page.width, 1));
    }
    label.textContent = `${value}`;
  }

  input.addEventListener("input", () => {
    preview.hidden = false;
    place();
  });
  input.addEventListener("change", () => {
    preview.hidden = true;
    goToPage(Number(input.value) - 1);
  });
  input.addEventListener("blur", () => {
    preview.hidden = true;
  });

  return {
    load(manifest, rtl) {
      pages = manifest.pages;
      input.max = String(Math.max(pages.length, 1));
      input.dir = rtl ? "rtl" : "ltr";
    },
    show(page) {
      input.value = String(page + 1);
      input.setAttribute("aria-valuetext", `Page ${page + 1} of ${pages.length}`);
      count.textContent = `${page + 1} / ${pages.length}`;
    },
  };
}
