// Asking the server for one break's ad (ads/views.py, "ad-break"). The content never waits
// on an ad: the whole request, body included, has `timeout` seconds (config.ads.timeout);
// no answer in time, a network error, a status other than 200, a body that is not the JSON
// we expect, or {"ad": null} all answer null, and the player goes on with the content.

import { breakQuery } from "./ad-points.js";

const isUrl = (value) => typeof value === "string" && /^(https?:)?\//i.test(value);
const strings = (list) => (Array.isArray(list) ? list.filter((url) => typeof url === "string") : []);

/** The ad of a break answer, checked and with every list present; null when it is not one. */
export function adFromAnswer(answer) {
  const ad = answer && typeof answer === "object" ? answer.ad : null;
  if (!ad || typeof ad !== "object" || !isUrl(ad.mediaUrl)) return null;
  const duration = Number(ad.duration);
  const skipOffset = ad.skipOffset === null || ad.skipOffset === undefined ? null : Number(ad.skipOffset);
  const tracking = ad.tracking && typeof ad.tracking === "object" ? ad.tracking : {};
  return {
    id: typeof ad.id === "string" ? ad.id : "",
    label: typeof ad.label === "string" && ad.label ? ad.label : "Ad",
    mediaUrl: ad.mediaUrl,
    mediaType: typeof ad.mediaType === "string" ? ad.mediaType : "",
    duration: Number.isFinite(duration) && duration > 0 ? duration : NaN,
    skipOffset: Number.isFinite(skipOffset) && skipOffset >= 0 ? skipOffset : null,
    clickThrough: isUrl(ad.clickThrough) ? ad.clickThrough : null,
    tracking: Object.fromEntries(Object.entries(tracking).map(([event, urls]) => [event, strings(urls)])),
    progress: Array.isArray(ad.progress)
      ? ad.progress.filter((p) => p && Number.isFinite(p.offset) && typeof p.url === "string")
      : [],
  };
}

/**
 * The ad for the break `where` ("pre_roll", "mid_roll" at `at` seconds, "post_roll"), or
 * null. `fetcher`: fetch, or a stand-in in the unit tests.
 */
export async function requestBreak(breakUrl, { where, at = null, timeout = 2, fetcher = fetch }) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), Math.max(timeout, 0) * 1000);
  try {
    const answer = await fetcher(`${breakUrl}?${breakQuery(where, at)}`, {
      signal: controller.signal,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (answer.status !== 200) return null;
    return adFromAnswer(await answer.json());
  } catch (error) {
    return null; // aborted at the timeout, offline, or not JSON: the content plays
  } finally {
    clearTimeout(timer);
  }
}
