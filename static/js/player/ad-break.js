// Video ad breaks around the content (config.ads, from ads.breaks.schedule_for): a pre-roll
// before the first play, a mid-roll at each point the playhead crosses, a post-roll at the
// end. Each break asks the server for its ad (ad-request.js) and plays it in the overlay
// (ad-overlay.js) while the content waits paused; no ad, an error or no answer within
// config.ads.timeout, and the content goes on at once. A page without config.ads (an
// ad-free viewer) has no overlay and never gets here: no ad request is ever made.
//
// Mid-roll points (ad-points.js): each plays once; a seek forward over unplayed points plays
// one break, for the last of them; a seek while paused plays it on the next play.

import { crossedPoint } from "./ad-points.js";
import { findOverlay, playAd } from "./ad-overlay.js";
import { requestBreak } from "./ad-request.js";

/**
 * `state.pendingSeek` (source.js) set: a source is loading and currentTime means nothing.
 * `nextEpisode`: next-episode.js's handle, or null; its countdown waits for a post-roll.
 */
export function createAdBreaks({ video, root, config, state, nextEpisode }) {
  const schedule = config.ads;
  const overlay = findOverlay(root);
  if (!schedule || !overlay) return null;
  const points = (schedule.midRolls || []).filter(Number.isFinite);
  const played = new Set();
  let preRoll = Boolean(schedule.preRoll);
  let postRoll = Boolean(schedule.postRoll);
  let pending = null; // a mid-roll point a paused seek jumped over: it plays on the next play
  let lastTime = null; // where the playhead was at the last timeupdate of known place
  let inBreak = false;

  async function runBreak(where, at, resume) {
    inBreak = true;
    root.dataset.ad = where;
    video.pause();
    const ad = await requestBreak(schedule.breakUrl, { where, at, timeout: schedule.timeout });
    if (ad) await playAd({ overlay, ad, content: video, loadTimeout: schedule.timeout });
    inBreak = false;
    delete root.dataset.ad;
    if (resume) video.play().catch(() => {});
  }

  function toggleAd() {
    const ad = overlay.video;
    if (!ad.getAttribute("src") || overlay.panel.hidden) return; // still asking, or over
    if (ad.paused) ad.play().catch(() => {});
    else ad.pause();
  }

  video.addEventListener("play", () => {
    if (inBreak) {
      // Only the viewer plays the content during a break (Space, K: the bar is under the
      // overlay): the content stays paused and the key pauses or plays the ad instead.
      video.pause();
      toggleAd();
    } else if (preRoll) {
      preRoll = false;
      runBreak("pre_roll", null, true);
    } else if (pending !== null) {
      const at = pending;
      pending = null;
      runBreak("mid_roll", at, true);
    } else if (lastTime === null && state.pendingSeek === null) {
      lastTime = video.currentTime; // the first play: from here on, crossing points counts
    }
  });

  video.addEventListener("timeupdate", () => {
    if (inBreak || state.pendingSeek !== null) return;
    const now = video.currentTime;
    // Tracking starts at the first play (after the pre-roll): a resume position or a seek
    // made before pressing play jumps over nothing. (A source still loading at that play:
    // from its first frame on.)
    if (lastTime === null) {
      if (!video.paused) lastTime = now;
      return;
    }
    const due = crossedPoint(points, played, lastTime, now);
    lastTime = now;
    if (!due) return;
    due.passed.forEach((point) => played.add(point));
    if (video.paused) pending = due.point;
    else runBreak("mid_roll", due.point, true);
  });

  video.addEventListener("ended", async () => {
    if (!postRoll || inBreak) return;
    postRoll = false;
    // The next episode's countdown (offered on this same ended) would leave mid-ad.
    const offered = Boolean(nextEpisode && nextEpisode.cancel());
    await runBreak("post_roll", null, false);
    if (offered && video.ended) nextEpisode.offer();
  });

  return { inBreak: () => inBreak };
}
