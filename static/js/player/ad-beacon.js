// Firing an ad's tracking URLs: ours (ads/tracking.py) and the ad network's. VAST trackers are
// pixels read with GET, so each is a fetch in no-cors mode (the answer is opaque and never
// read) with keepalive, which lets it finish when the page is left mid-ad; where fetch throws
// at once (keepalive's quota is full), navigator.sendBeacon sends it instead. Failures are
// not the viewer's business: nothing is retried or shown.

import { fillMacros } from "./ad-macros.js";

/** Fire every URL of `urls` with its macros filled from `values` (ad-macros.js). */
export function fireTracking(urls, values = {}) {
  for (const url of urls || []) {
    const filled = fillMacros(url, values);
    try {
      fetch(filled, { mode: "no-cors", keepalive: true, cache: "no-store" }).catch(() => {});
    } catch (error) {
      if (navigator.sendBeacon) navigator.sendBeacon(filled);
    }
  }
}
