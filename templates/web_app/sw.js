{% autoescape off %}// The site's service worker, served at /sw.js with scope "/" (shadowvault/web_app.py).
// It keeps the shell (the site's CSS and scripts, its icons, the offline page) and nothing
// else. Pages always come from the network, so no one's page (their name, a CSRF token, a
// signed media link) is ever stored; when the network is gone, a page shows the offline page.
"use strict";

// The version changes whenever a shell file does: a deploy installs a new worker, which fills
// a new cache and deletes the old ones.
const CACHE = "shell-{{ version }}";
const SHELL = {{ shell }};
const OFFLINE_URL = {{ offline_url }};
// Left to the browser, never answered from or put in a cache (web_app.PRIVATE_PREFIXES).
const PRIVATE = {{ private }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // cache: "reload" skips the HTTP cache, which may still hold the previous deploy's files.
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  // This origin's caches are this worker's alone: every other one is an older shell.
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

function leftToTheBrowser(request, url) {
  return (
    request.method !== "GET" ||
    request.headers.has("Range") || // media: byte ranges of signed, expiring links
    url.origin !== self.location.origin ||
    PRIVATE.some((prefix) => url.pathname.startsWith(prefix))
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (leftToTheBrowser(request, url)) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(offlinePage));
  } else if (!url.search && SHELL.includes(url.pathname)) {
    event.respondWith(fromShell(request));
  }
});

async function offlinePage() {
  const cache = await caches.open(CACHE);
  return (await cache.match(OFFLINE_URL)) || Response.error();
}

async function fromShell(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}
{% endautoescape %}
