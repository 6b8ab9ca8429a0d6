// Which VAST tracking events an ad's moments fire, each as often as VAST allows: impression,
// start, the quartiles, complete, skip and error once per ad; click, pause and mute each time
// they happen. Pure, no DOM (tests/js/ad-events.test.mjs); ad-overlay.js feeds it the ad
// element's moments and fires the URLs it names (ad-beacon.js).

const QUARTILES = [
  [0.25, "firstQuartile"],
  [0.5, "midpoint"],
  [0.75, "thirdQuartile"],
];
const ONCE = new Set([
  "impression",
  "start",
  "firstQuartile",
  "midpoint",
  "thirdQuartile",
  "complete",
  "skip",
  "error",
]);

/** The moments of one ad; each method answers the event names to fire now. */
export function createAdEvents() {
  const fired = new Set();
  let over = false; // after complete, skip or error the ad reports nothing more

  function fire(...events) {
    if (over) return [];
    const now = events.filter((event) => !(ONCE.has(event) && fired.has(event)));
    now.forEach((event) => fired.add(event));
    return now;
  }

  function finish(...events) {
    const now = fire(...events);
    over = true;
    return now;
  }

  return {
    /** Its first frame shows: VAST counts the impression and the start together. */
    started: () => fire("impression", "start"),
    /** The quartiles the ad's playhead `time` has reached of `duration` (seconds). */
    reached(time, duration) {
      if (!fired.has("start") || !(duration > 0)) return [];
      return fire(...QUARTILES.filter(([share]) => time >= share * duration).map(([, event]) => event));
    },
    /** Played to its end: any quartile a coarse timeupdate missed, then complete. */
    ended: () => finish("firstQuartile", "midpoint", "thirdQuartile", "complete"),
    skipped: () => finish("skip"),
    failed: () => finish("error"),
    clicked: () => fire("click"),
    paused: () => fire("pause"),
    muted: () => fire("mute"),
    done: () => over,
  };
}

/** The `progress` trackers (VAST `offset` in seconds) that `time` has reached and that
 * `sent` (a Set of the list's indexes) does not hold yet; adds them to `sent`. */
export function progressDue(progress, time, sent) {
  const due = [];
  progress.forEach(({ offset, url }, index) => {
    if (time >= offset && !sent.has(index)) {
      sent.add(index);
      due.push(url);
    }
  });
  return due;
}
