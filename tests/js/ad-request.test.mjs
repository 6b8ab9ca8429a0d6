import assert from "node:assert/strict";
import { test } from "node:test";

import { adFromAnswer, requestBreak } from "../../static/js/player/ad-request.js";

const AD = {
  id: "b1",
  label: "Ad",
  mediaUrl: "/media/ad.mp4?sig=1",
  mediaType: "video/mp4",
  duration: 12,
  skipOffset: 5,
  clickThrough: "https://advertiser.example/",
  tracking: { impression: ["/ads/t/tok/impression/"], start: [], error: ["https://t.example/e?c=[ERRORCODE]"] },
  progress: [{ offset: 3, url: "https://t.example/p3" }],
};

const answering = (status, body, seen = []) => async (url, options) => {
  seen.push({ url, options });
  return { status, json: async () => (typeof body === "function" ? body() : body) };
};

test("a break answer with an ad gives the ad, checked", async () => {
  const seen = [];
  const fetcher = answering(200, { ad: AD }, seen);
  const ad = await requestBreak("/ads/break/7/", { where: "mid_roll", at: 300, fetcher });
  assert.equal(seen[0].url, "/ads/break/7/?where=mid_roll&at=300");
  assert.equal(seen[0].options.credentials, "same-origin");
  assert.equal(ad.mediaUrl, AD.mediaUrl);
  assert.equal(ad.skipOffset, 5);
  assert.deepEqual(ad.tracking.impression, ["/ads/t/tok/impression/"]);
  assert.equal(ad.progress.length, 1);
});

test("no ad, another status, or a body that is not JSON gives null", async () => {
  assert.equal(await requestBreak("/b/", { where: "pre_roll", fetcher: answering(200, { ad: null }) }), null);
  const failed = answering(200, { ad: null, error: 301 });
  assert.equal(await requestBreak("/b/", { where: "pre_roll", fetcher: failed }), null);
  assert.equal(await requestBreak("/b/", { where: "pre_roll", fetcher: answering(500, { ad: AD }) }), null);
  const notJson = () => {
    throw new SyntaxError("Unexpected token <");
  };
  assert.equal(await requestBreak("/b/", { where: "pre_roll", fetcher: answering(200, notJson) }), null);
  const offline = async () => {
    throw new TypeError("Failed to fetch");
  };
  assert.equal(await requestBreak("/b/", { where: "pre_roll", fetcher: offline }), null);
});

test("an answer slower than the timeout is abandoned: null, at the timeout", async () => {
  let aborted = false;
  const never = (url, { signal }) =>
    new Promise((resolve, reject) => {
      signal.addEventListener("abort", () => {
        aborted = true;
        reject(new DOMException("aborted", "AbortError"));
      });
    });
  const started = Date.now();
  assert.equal(await requestBreak("/b/", { where: "pre_roll", timeout: 0.1, fetcher: never }), null);
  assert.equal(aborted, true);
  assert.ok(Date.now() - started < 1000);
});

test("an ad without a playable URL is no ad; odd fields are made safe", () => {
  assert.equal(adFromAnswer({ ad: { ...AD, mediaUrl: "javascript:alert(1)" } }), null);
  assert.equal(adFromAnswer({ ad: { ...AD, mediaUrl: null } }), null);
  assert.equal(adFromAnswer(null), null);
  assert.equal(adFromAnswer("ad"), null);
  const odd = adFromAnswer({
    ad: {
      ...AD,
      skipOffset: "soon",
      duration: -1,
      clickThrough: "javascript:x",
      tracking: { start: "x", pause: [1, "/p"] },
      progress: "no",
    },
  });
  assert.equal(odd.skipOffset, null);
  assert.ok(Number.isNaN(odd.duration));
  assert.equal(odd.clickThrough, null);
  assert.deepEqual(odd.tracking, { start: [], pause: ["/p"] });
  assert.deepEqual(odd.progress, []);
  assert.equal(adFromAnswer({ ad: { ...AD, label: "" } }).label, "Ad");
});
