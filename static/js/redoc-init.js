// Starts Redoc on /api/docs/ (templates/api/redoc.html) from a static file, so the page
// needs no inline script under the site's Content-Security-Policy.
(() => {
  "use strict";

  // Redoc's sidebar footer always shows Redocly's logo from cdn.redoc.ly: the only asset of
  // the bundle from another origin. An image of another origin gets an empty source instead
  // (no request; the image's error handler then removes it), so the page loads nothing from
  // elsewhere; the footer's plain link to Redocly stays.
  const foreign = (url) => {
    try {
      return new URL(url, document.baseURI).origin !== window.location.origin;
    } catch (error) {
      return false;
    }
  };
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && name === "src" && foreign(String(value))) {
      value = "";
    }
    return setAttribute.call(this, name, value);
  };
  const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    ...src,
    set(value) {
      src.set.call(this, foreign(String(value)) ? "" : value);
    },
  });

  const container = document.getElementById("redoc-container");
  const settings = JSON.parse(document.getElementById("redoc-settings").textContent);
  window.Redoc.init(container.dataset.schemaUrl, settings, container);
})();
