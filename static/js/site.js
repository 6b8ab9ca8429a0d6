// Small progressive enhancements; every page works without JavaScript.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("site-nav");
  if (!toggle || !nav) return;
  toggle.addEventListener("click", () => {
    const open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && nav.classList.contains("open")) {
      nav.classList.remove("open");
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }
  });
});

// Offline support: the service worker (served at /sw.js, see shadowvault/web_app.py) keeps
// the site's shell and shows an offline page when the network is gone. It is an extra: where
// it cannot register (an old browser, storage blocked, a private window) nothing changes,
// so a failure is dropped quietly rather than reported to the console.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    try {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
    } catch {
      // Firefox throws on touching navigator.serviceWorker when site data is blocked.
    }
  });
}
