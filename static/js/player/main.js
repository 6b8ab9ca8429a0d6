// The player on the watch page (templates/streaming/watch.html): finds its elements, builds
// each part and wires them together. Each part is a module of its own under this folder;
// the few values more than one part reads and writes travel in `state`, nothing on window
// but the handle at the end. Without JavaScript the page says the player needs it.

import { createAdBreaks } from "./ad-break.js";
import { createAutoHide } from "./auto-hide.js";
import { createMessages, watchErrors } from "./messages.js";
import { createNextEpisode } from "./next-episode.js";
import { createPartySync } from "./party-sync.js";
import { createPlayback } from "./playback.js";
import { createPreviews } from "./previews.js";
import { watchProgress } from "./progress.js";
import { knownDuration } from "./seek-fraction.js";
import { createSeekBar } from "./seek-bar.js";
import { watchShortcuts } from "./shortcuts.js";
import { createSource } from "./source.js";
import { createStreams } from "./streams.js";
import { createTracks } from "./tracks.js";

function start() {
  const configNode = document.getElementById("player-config");
  const video = document.getElementById("player-video");
  if (!configNode || !video) return;

  const config = JSON.parse(configNode.textContent);
  const root = document.getElementById("player");
  const controls = document.getElementById("player-controls");
  const seekBar = document.getElementById("player-seek");
  const button = (action) => controls.querySelector(`[data-action="${action}"]`);
  const buttons = Object.fromEntries(
    ["play", "mute", "captions", "speed", "pip", "fullscreen"].map((action) => [action, button(action)]),
  );
  const state = {
    pendingSeek: null, // where the playhead goes once the (new) source has metadata
    dragPointer: null, // the pointer dragging the playhead, if one is
  };
  const duration = () => knownDuration(video.duration, config.duration);
  // A watch party's page (config.party.party): the room says when to play, not this page.
  const party = (config.party && config.party.party) || null;

  const nextEpisode = createNextEpisode({
    video,
    panel: document.getElementById("player-next"),
    status: document.getElementById("player-next-status"),
    next: config.nextEpisode,
    playButton: buttons.play,
  });
  const messages = createMessages({
    message: document.getElementById("player-message"),
    osd: document.getElementById("player-osd"),
  });
  const previews = createPreviews({
    preview: document.getElementById("player-preview"),
    seekBar,
    sprite: config.sprite,
    duration,
  });
  const progress = watchProgress({ video, config, state });
  const tracks = createTracks({
    video,
    root,
    controls,
    picker: document.getElementById("player-subtitles"),
    captionsButton: buttons.captions,
    flash: messages.flash,
  });
  const playback = createPlayback({
    video,
    root,
    buttons,
    volumeRange: controls.querySelector(".player-volume-range"),
    speedPicker: document.getElementById("player-speed"),
    flash: messages.flash,
  });
  const controlsShown = createAutoHide({
    video,
    root,
    controls,
    state,
    hidePreview: previews.hide,
    togglePlay: playback.togglePlay,
    toggleFullscreen: playback.toggleFullscreen,
  });
  const seek = createSeekBar({ video, root, seekBar, controls, state, duration, previews, controlsShown });
  // The file, or while the title is still being transcoded its progressive rendition.
  const source = createSource({
    video,
    root,
    config,
    state,
    messages,
    onRenewed: previews.renewed,
    onEncoded: seek.renderEncoded,
    onBuffered: seek.renderBuffered,
  });
  watchErrors({ video, messages, renew: source.renew });
  watchShortcuts({
    video,
    nextEpisode,
    player: {
      togglePlay: playback.togglePlay,
      toggleFullscreen: playback.toggleFullscreen,
      toggleCaptions: tracks.toggleCaptions,
      seekTo: seek.seekTo,
      position: seek.position,
      flash: messages.flash,
      showControls: controlsShown.show,
    },
  });

  // Our controls replace the browser's (which stay for iOS's own full-screen player).
  video.controls = false;
  controls.hidden = false;
  root.classList.add("player-custom");
  tracks.measureControls();
  document.getElementById("player-toolbar").hidden = false;
  // Where streams are counted the page has no links yet: the start call brings them.
  const begin = () => {
    source.start();
    source.scheduleRenewal(config.renewIn);
  };
  let firstStart = true;
  if (config.streams) {
    const streams = createStreams({
      video,
      config,
      panel: document.getElementById("player-streams"),
      onStarted(answer) {
        Object.assign(config, answer); // its linkUrl names the session: renewals beat it too
        if (firstStart) begin(); // later starts (after a pause or a stop) keep the source
        firstStart = false;
      },
    });
    streams.start().then((answer) => answer && !party && video.play().catch(() => {}));
  } else {
    begin();
  }
  // Ad breaks (config.ads; null for an ad-free viewer): before the first play, at mid-roll
  // points, at the end. Wired before the first play() below, whose play event it takes.
  createAdBreaks({ video, root, config, state, nextEpisode });
  previews.load(config.thumbnails);
  tracks.start();
  seek.render();
  playback.renderPlayState();
  playback.renderVolume();
  // Autoplay after the viewer pressed Play on the title page (or the previous episode's page,
  // whose countdown brought them here); browsers may refuse it (no gesture), and then the
  // viewer presses play. Where streams are counted, the start call's answer plays it.
  if (!config.streams && !party) video.play().catch(() => {});
  // In party mode the room's socket drives play, pause and seek (party-sync.js).
  const partySync = party
    ? createPartySync({
        video,
        state,
        party,
        section: document.querySelector(".watch-party"),
        flash: messages.flash,
      })
    : null;

  // A handle for tests and for debugging from the console.
  window.shadowvaultPlayer = {
    video,
    renew: source.renew,
    save: () => progress.save("pause"),
    playing: source.playing, // "progressive" or "file"
    party: partySync,
  };
}

start();
