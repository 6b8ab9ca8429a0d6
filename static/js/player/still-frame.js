// A still of the picture over the video while the element changes source (the progressive
// rendition to the final file): the element shows black, or the poster, between the two, and
// the still hides that until the new source shows its first frame at the same place.

const GIVE_UP_MS = 10000; // a source that never shows a frame: the player's messages say why

/** Covers `video` with its current frame; returns the function that uncovers it. */
export function coverWithStill(video) {
  if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || !video.videoWidth) return () => {};
  const canvas = document.createElement("canvas");
  canvas.className = "player-still";
  canvas.setAttribute("aria-hidden", "true");
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  try {
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
  } catch {
    return () => {}; // a frame the page may not read (it never is: same origin or a blob)
  }
  video.after(canvas);
  return () => canvas.remove();
}

/**
 * Calls `done` once: when the video has a frame at its place (`isSettled()` says no seek is
 * still to come) and the browser has painted it, or after GIVE_UP_MS.
 */
export function whenPictureShows(video, isSettled, done) {
  const events = ["loadeddata", "seeked", "canplay", "playing"];
  let finished = false;
  const giveUp = setTimeout(finish, GIVE_UP_MS);

  function finish() {
    if (finished) return;
    finished = true;
    clearTimeout(giveUp);
    for (const name of events) video.removeEventListener(name, check);
    done();
  }

  function check() {
    if (!isSettled() || video.seeking || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) return;
    // requestVideoFrameCallback fires once the frame is on screen (Chromium, Safari); without
    // it, two animation frames let the browser paint it.
    if (video.requestVideoFrameCallback && !video.paused) video.requestVideoFrameCallback(() => finish());
    else requestAnimationFrame(() => requestAnimationFrame(finish));
  }

  for (const name of events) video.addEventListener(name, check);
}
