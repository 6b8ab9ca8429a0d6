// When a mid-roll break is due. Pure functions, no DOM (tests/js/ad-points.test.mjs).
//
// The rule (docs/ads.md, "The player"): each mid-roll point plays at most once per page.
// Normal play crosses a point and its break plays. A seek forward over points not yet played
// plays ONE break, for the last point jumped over, and counts every point it jumped over as
// played (as YouTube does: skipping ahead costs one ad, not one per point). A seek backward
// plays nothing, and playing again over a point already played plays nothing either.

/**
 * The break due when the playhead moves from `from` to `to` (seconds): the last point of
 * `points` in (from, to] that is not in `played` (a Set), with every point in that span
 * (played or not) to add to `played`; null when none is due. `from` null: the playhead has
 * no known previous place yet (a source is loading), so nothing was crossed.
 */
export function crossedPoint(points, played, from, to) {
  if (from === null || !Number.isFinite(from) || !Number.isFinite(to) || to <= from) return null;
  const passed = points.filter((point) => point > from && point <= to);
  const unplayed = passed.filter((point) => !played.has(point));
  if (!unplayed.length) return null;
  return { point: Math.max(...unplayed), passed };
}

/** The query the break endpoint reads: `where`, and `at` (whole seconds) for a mid-roll. */
export function breakQuery(where, at = null) {
  const params = new URLSearchParams({ where });
  if (at !== null) params.set("at", String(Math.round(at)));
  return params.toString();
}
