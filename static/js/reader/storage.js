// The reader's keys in this browser's localStorage: the place in each chapter (anonymous
// readers' only record of it; for members it also keeps the scroll within a webtoon page,
// which the server does not store) and anonymous readers' settings per series. Storage may
// be full or refused (private windows): then nothing is remembered, and nothing breaks.

const PREFIX = "shadowvault.reader.";

function read(key) {
  try {
    return JSON.parse(window.localStorage.getItem(PREFIX + key) || "null");
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    window.localStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // Full or refused: the place is simply not remembered here.
  }
}

/** {page, fraction} last seen in chapter `id`, or null. */
export function placeIn(id) {
  const place = read(`chapter.${id}`);
  return place && Number.isInteger(place.page) && place.page >= 0 ? place : null;
}

export function keepPlace(id, page, fraction = 0) {
  write(`chapter.${id}`, { page, fraction: Math.round(fraction * 1000) / 1000 });
}

export function choicesFor(seriesId) {
  return read(`series.${seriesId}`) || {};
}

export function keepChoices(seriesId, choices) {
  write(`series.${seriesId}`, choices);
}
