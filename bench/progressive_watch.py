"""The viewer of bench/progressive.py: one Chromium tab on the watch page, and what its video
element did, read from the page's own clock.

A script added to every page before the site's own records each media event of any <video>
(capture phase on the document: media events do not bubble) with Date.now(), the source kind
("progressive" for an MSE blob: URL, "file" for the final MP4's link), currentTime and paused.
The figures are read from that log, so a slow Playwright round trip never adds to them.
Date.now() is the machine's wall clock, the same clock the bench read when the job started.
"""

from __future__ import annotations

from dataclasses import dataclass

RECORDER = """(() => {
  const log = [];
  window.__benchLog = log;
  const kinds = ["loadstart", "emptied", "loadedmetadata", "canplay", "playing", "waiting",
    "seeking", "seeked", "timeupdate", "pause", "ended", "error"];
  const kindOf = (video) => {
    const src = video.currentSrc || "";
    return src.startsWith("blob:") ? "progressive" : src ? "file" : "";
  };
  for (const kind of kinds) {
    document.addEventListener(kind, (event) => {
      const video = event.target;
      if (!(video instanceof HTMLVideoElement)) return;
      log.push([Date.now() / 1000, kind, kindOf(video), video.currentTime, video.paused]);
      if (!window.__benchFirstFrame && !video.paused && video.currentTime > 0) {
        window.__benchFirstFrame = Date.now() / 1000;
      }
    }, true);
  }
  // Resolves with the wall-clock second at which the video plays near `target`: not paused,
  // not seeking, enough data, and its playhead moved on between two looks 50 ms apart.
  window.__benchPlayingNear = (target, slack) => new Promise((resolve) => {
    let last = null;
    const look = () => {
      const video = document.getElementById("player-video");
      const near = video && Math.abs(video.currentTime - target) <= slack;
      const going = near && !video.paused && !video.seeking && video.readyState >= 3;
      if (going && last !== null && video.currentTime > last) {
        resolve(Date.now() / 1000);
        return;
      }
      last = going ? video.currentTime : null;
      setTimeout(look, 50);
    };
    look();
  });
})();"""

VIDEO = "document.getElementById('player-video')"


@dataclass
class Event:
    at: float  # wall clock, seconds
    kind: str
    source: str  # "progressive", "file" or ""
    position: float
    paused: bool


class Viewer:
    """A signed-in tab that opens watch pages and plays, seeks and reads its event log."""

    def __init__(self, page) -> None:
        self.page = page
        page.add_init_script(RECORDER)

    def add_latency(self, ms: float) -> None:
        """Every request of the tab waits `ms` more for its answer (DevTools' network
        emulation, which Chromium applies to media loads too): a viewer far from the
        gateway, where each round trip of a source change shows."""
        session = self.page.context.new_cdp_session(self.page)
        session.send("Network.enable")
        session.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": ms, "downloadThroughput": -1, "uploadThroughput": -1},
        )

    def open(self, url: str) -> None:
        self.page.goto(url, wait_until="domcontentloaded")

    def start_playing(self, timeout_s: float) -> bool:
        """Wait until the player says it can play, then play with a key press (a user
        gesture, so the browser lets it play with sound), unless it already plays."""
        try:
            self.page.wait_for_selector(
                "#player[data-ready]", state="attached", timeout=timeout_s * 1000
            )
        except Exception:  # Playwright's TimeoutError: the player never got ready
            return False
        if self.page.evaluate(f"() => {VIDEO}.paused"):
            self.page.keyboard.press("k")
        return True

    def first_frame(self, timeout_s: float) -> float | None:
        """The wall-clock second of the first frame shown (playing, playhead past 0)."""
        try:
            handle = self.page.wait_for_function(
                "() => window.__benchFirstFrame", timeout=timeout_s * 1000, polling=100
            )
        except Exception:
            return None
        return float(handle.json_value())

    def seek(self, target: float) -> float:
        """Set the playhead as the seek bar does; the wall-clock second it was set."""
        return self.page.evaluate(
            f"(t) => {{ {VIDEO}.currentTime = t; return Date.now() / 1000; }}", target
        )

    def playing_near(self, target: float, timeout_s: float, slack: float = 5.0) -> float | None:
        """The wall-clock second it plays again near `target` (None: not within timeout_s)."""
        try:
            return float(
                self.page.evaluate(
                    """([target, slack, ms]) => Promise.race([
                        window.__benchPlayingNear(target, slack),
                        new Promise((resolve) => setTimeout(() => resolve(null), ms)),
                    ])""",
                    [target, slack, timeout_s * 1000],
                )
            )
        except TypeError:  # null: it did not
            return None

    def position(self) -> tuple[float, bool, str]:
        """currentTime, paused and the source kind now."""
        found = self.page.evaluate(
            f"""() => {{ const v = {VIDEO};
                const src = v.currentSrc || "";
                return [v.currentTime, v.paused,
                    src.startsWith("blob:") ? "progressive" : src ? "file" : ""]; }}"""
        )
        return float(found[0]), bool(found[1]), found[2]

    def play_if_paused(self) -> None:
        if self.page.evaluate(f"() => {VIDEO}.paused"):
            self.page.keyboard.press("k")

    def events(self) -> list[Event]:
        return [Event(*row) for row in self.raw_events()]

    def raw_events(self) -> list[list]:
        return self.page.evaluate("() => window.__benchLog || []")


def stalls(events: list[Event], since: float, until: float) -> tuple[int, float]:
    """`waiting` events between two wall-clock seconds, and the seconds spent waiting (from
    each `waiting` to the next `playing`, or to `until`)."""
    count, waited, began = 0, 0.0, None
    for event in events:
        if not since <= event.at <= until:
            continue
        if event.kind == "waiting" and began is None:
            count += 1
            began = event.at
        elif event.kind == "playing" and began is not None:
            waited += event.at - began
            began = None
    if began is not None:
        waited += until - began
    return count, waited


@dataclass
class Switch:
    at: float  # wall clock of the final file's first played frame
    before: float  # the progressive rendition's last playhead
    after: float  # the final file's first playhead while playing
    seeked_nearby: bool  # a seek of the bench's own within 2 s: the figure means little
    gap: float = float("nan")  # seconds from the rendition's stop to the file's first frame

    @property
    def loss(self) -> float:
        """Seconds of film the viewer sees again after the switch (negative: skipped)."""
        return self.before - self.after


def switch(events: list[Event], own_seeks: list[float]) -> Switch | None:
    """The move from the progressive rendition to the final file, from the event log."""
    last_progressive: Event | None = None
    stopped: float | None = None  # when the element let go of the rendition (its `emptied`)
    loading = False  # a new source's load empties the element and puts its playhead at 0
    # (with a timeupdate) while currentSrc still names the old one: not a position played.
    for event in events:
        if event.kind == "emptied":
            loading = True
            stopped = event.at
        elif event.source == "progressive" and event.kind == "playing":
            loading = False
        # A seek moves the place the viewer expects to see next to its target.
        played = event.kind in ("timeupdate", "seeking")
        if event.source == "progressive" and played and not loading:
            last_progressive = event
        elif (
            event.source == "file"
            and event.kind in ("playing", "timeupdate")
            and not event.paused
            and last_progressive is not None
        ):
            nearby = any(abs(at - event.at) < 2 for at in own_seeks)
            gap = event.at - stopped if stopped is not None else float("nan")
            return Switch(event.at, last_progressive.position, event.position, nearby, gap)
    return None
