"""Progressive transcoding (issue 19): how soon a file that needs a transcode plays in
Chromium, whether it plays on without stalls, how long a seek ahead of the encoder waits, how
much the progressive rendition slows the final MP4, and what the switch to it costs.

    .venv/bin/python bench/progressive.py           # 60 s 1080p, 10 min 10-bit, 2 min 4K
    .venv/bin/python bench/progressive.py --quick   # 20 s, 30 s and 12 s of the same: ~2 min

The sources (HEVC in MKV, AC-3 or AAC audio) are generated once and cached
(bench/progressive_sources.py; the first full run spends ~12 min making them). A throwaway
install in a temp folder (SQLite, local storage, `bootstrap --no-sample`, collectstatic) runs
a uvicorn origin behind the gateway nginx that `manage.py gateway_config` renders, and a
Celery worker as `runall` starts it (every queue, 2 processes). A member signs in in Debian's
Chromium (headless, Playwright, tests/support/browser.py).

For each source, first `ffmpeg` alone makes the final MP4 with the command the pipeline
builds (`streaming.ingest.playable.ffmpeg_command_for`): the reference, on a quiet machine.
Then one ingest job (queued to the worker, as an upload or `manage.py ingest --background`
would) and, as soon as the title is in the catalogue, the member's tab opens its watch page
and plays it:

- first frame: job queued -> the video plays with its playhead past 0 (goal <= 10 s);
- seek-ahead: right away, while the encoder is near the start, a seek to 80%: seek -> playing
  there (goal <= 10 s);
- stalls: back to the start, a continuous play of 2 min (`--quick`: 20 s, or the whole
  source if shorter): `waiting` events, and the seconds they lasted (goal 0);
- final: job queued -> the final MP4 stored, as a ratio to ffmpeg alone, twice: while the
  tab plays and seeks (the browser's playback and the encoders its viewer asks for share the
  2 cores: reported, no goal), and for the same source again with nobody watching (a remux
  with a tag of its own, or ingest would call it a duplicate): what the rendition itself,
  the head start and the final encode's own segments, costs the final (goal <= 1.15x);
- switch: the tab plays on (from the start again at the end) until the player moves to the
  final MP4: the playhead before and after, loss = before - after (goal 0 s, to one
  timeupdate, 0.25 s), and the gap: from the element letting go of the rendition to the
  file's first frame playing, the time the sound stops (goal <= 0.25 s).

When the player never gets ready on a progressive title (no MSE loader yet), the bench says
so and measures the first segment listed in progressive.json instead ("stand-in"), and the
seek-ahead as the time until progressive.json?at= lists the target's segment.

It prints a table and one line per figure with its goal; exits 0 once the report is printed,
1 if it could not run. `--json FILE` writes the figures. Everything it starts is stopped and
the temp folder removed on exit (`--keep` keeps it, with every log).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import stream
from comic_pages import setup_django
from progressive_sources import FULL, QUICK, Source, source_file
from progressive_watch import Viewer, stalls, switch
from stream import Install, Services, SetupError, log

GOAL_FIRST_FRAME = 10.0  # s from the job's start
GOAL_SEEK = 10.0  # s from the seek
GOAL_FINAL = 1.15  # x ffmpeg alone
LOSS_RESOLUTION = 0.25  # s: timeupdate fires about every 250 ms
# s from the element letting go of the rendition to the file's first frame: the sound stops
# that long (the picture shows a still). A tenth of a second goes unnoticed in a cut.
GOAL_GAP = 0.25
SEEK_AT = 0.8  # of the duration
POLL = 0.05  # s between looks at the database while waiting for the title


@dataclass
class Figures:
    source: str
    seconds: int
    alone: float = float("nan")  # ffmpeg alone making the final MP4, s
    live: float = float("nan")  # job start -> the title in the catalogue
    first_segment: float = float("nan")  # job start -> the first segment stored
    first_frame: float = float("nan")  # job start -> playing past 0
    stand_in: bool = False  # the player did not play: figures from progressive.json
    progressive: bool = False  # a progressive rendition existed
    rung: str = ""
    seek_target: float = float("nan")
    seek_encoder_at: float = float("nan")  # where the encoders had got to at the seek
    seek_wait: float = float("nan")
    played: float = float("nan")  # seconds of continuous play watched for stalls
    stalls: int = -1
    stalled: float = float("nan")  # seconds spent waiting in those stalls
    final: float = float("nan")  # job start -> final MP4 stored, the tab watching
    final_unwatched: float = float("nan")  # the same, nobody watching
    switch_before: float = float("nan")
    switch_after: float = float("nan")
    switch_gap: float = float("nan")  # the rendition's stop -> the file's first frame
    notes: list[str] = field(default_factory=list)

    @property
    def final_ratio(self) -> float:
        return self.final / self.alone

    @property
    def unwatched_ratio(self) -> float:
        return self.final_unwatched / self.alone

    @property
    def loss(self) -> float:
        return self.switch_before - self.switch_after


# --- the install ---------------------------------------------------------------------------


@dataclass
class World:
    install: Install
    base: str  # the gateway's URL
    tenant: object
    username: str
    password: str
    groups: list[int]  # process groups whose ffmpeg children count as the pipeline's


def start_world(services: Services, root: Path, settings: dict[str, str]) -> World:
    install = Install(root, stream.make_env(root, 0), 0, b"")
    install.env.update(INGEST_MIN_FREE_BYTES="0", **settings)
    (root / "data" / "staticfiles").mkdir(parents=True)
    (root / "media").mkdir()
    log("migrating a scratch database, bootstrap, collectstatic")
    setup_django(install)
    stream.manage(install.env, "bootstrap", "--no-sample")
    stream.manage(install.env, "collectstatic", "--noinput", "--verbosity", "0")
    origin_port = stream.start_origin(services, install, "origin", behind_gateway=True)
    gateway = stream.gateway(install, origin_port)
    stream.start_nginx(services, gateway)
    worker = start_worker(services, install)

    from tenants.command_site import site_for_command
    from tests.factories import PASSWORD, make_member

    tenant = site_for_command(None)
    make_member("bench-viewer", tenant)
    groups = [services.running["origin"].process.pid, worker]
    return World(
        install, f"http://localhost:{gateway.port}", tenant, "bench-viewer", PASSWORD, groups
    )


def start_worker(services: Services, install: Install) -> int:
    """A Celery worker as `runall` starts it; its pid (and process group) once it is ready."""
    from django.conf import settings

    log_path = install.root / "worker.log"
    argv = [
        stream.PYTHON, "-m", "celery", "-A", "shadowvault", "worker", "--loglevel", "INFO",
        "--queues", ",".join(settings.WORKER_QUEUES), "--concurrency", "2",
        "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    service = services.start("worker", argv, install.env, log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            raise SetupError(f"the worker exited:\n{stream.tail(service)}")
        if " ready." in log_path.read_text(errors="replace"):
            return service.process.pid
        time.sleep(0.2)
    raise SetupError(f"the worker was not ready in 60 s:\n{stream.tail(service)}")


def busy_encoders(groups: list[int]) -> int:
    """ffmpeg processes running in these process groups (the worker's, the origin's)."""
    count = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
            name = fields[0].split("(", 1)[1]
            pgrp = int(fields[1].split()[2])
        except (OSError, IndexError, ValueError):
            continue
        count += name == "ffmpeg" and pgrp in groups
    return count


# --- one source ----------------------------------------------------------------------------


def ffmpeg_alone(path: Path, out: Path) -> float:
    """Seconds ffmpeg alone takes to make the final MP4 the pipeline would make."""
    from streaming.ingest.faststart import is_faststart
    from streaming.ingest.media_plan import plan_for
    from streaming.ingest.playable import ffmpeg_command_for
    from streaming.ingest.probe import probe
    from streaming.ingest.progressive_step import FINAL_NICENESS

    plan = plan_for(probe(path), is_faststart(path))
    # At the final encode's own priority: on a machine busy with something else, a niced
    # encode waits for it, and that is not what the progressive rendition costs the final.
    # On a quiet machine the two take the same time.
    command = ["nice", "-n", str(FINAL_NICENESS), *ffmpeg_command_for(path, plan, out)]
    began = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    took = time.perf_counter() - began
    out.unlink(missing_ok=True)
    return took


def job_row(job_id: int) -> dict:
    from streaming.models import IngestJob

    return IngestJob.objects.filter(pk=job_id).values("state", "media_file_id", "error")[0]


def wait_live(job_id: int, timeout: float) -> int:
    """The job's MediaFile id as soon as the title is in the catalogue."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = job_row(job_id)
        if row["media_file_id"]:
            return row["media_file_id"]
        if row["state"] in ("failed", "cancelled", "duplicate"):
            raise SetupError(f"the job ended {row['state']}: {row['error']}")
        time.sleep(POLL)
    raise SetupError(f"the title was not live after {timeout:.0f} s")


def rendition_facts(media_id: int) -> dict:
    """What the database says of the progressive rendition now (empty: there is none)."""
    try:
        from streaming.models import ProgressiveRendition
    except ImportError:
        return {}
    rendition = ProgressiveRendition.objects.filter(media_file_id=media_id).first()
    if rendition is None:
        return {}
    segments = list(rendition.segments.values_list("start", "duration", "stored__created_at"))
    return {
        "rung": rendition.rung,
        "speed": rendition.speed,
        "encoding_at": rendition.encoding_at,
        "segments": [(start, start + duration) for start, duration, _ in segments],
        "first_stored": min((at for *_, at in segments), default=None),
    }


def encoded_to(facts: dict) -> float:
    """How far the encoders have got: the furthest point any running one reached, else the
    end of the furthest segment stored."""
    points = [at for _start, at in facts.get("encoding_at") or []]
    points += [end for _start, end in facts.get("segments") or []]
    return max(points, default=0.0)


def final_stored_at(media_id: int) -> float | None:
    """Wall-clock second the final MP4 was stored (None: not yet)."""
    from streaming.models import MediaFile

    media = MediaFile.objects.select_related("stored").get(pk=media_id)
    return media.stored.created_at.timestamp() if media.stored_id else None


def measure(world: World, viewer: Viewer, source: Source, path: Path, args, root: Path) -> Figures:
    from streaming.ingest import service

    found = Figures(source.label, source.seconds)
    if args.no_final:
        budget = 20 * source.seconds + 120  # the title goes live after the final without it
    else:
        log(f"{source.label}, {source.seconds} s: ffmpeg alone making the final MP4 (reference)")
        found.alone = ffmpeg_alone(path, root / "alone.mp4")
        log(f"  ffmpeg alone: {found.alone:.1f} s")
        budget = 4 * found.alone + 120  # a job slower than this is broken, not slow
    viewer.open(f"{world.base}/")  # the tab waits on the home page, signed in

    job_start = time.time()
    [job] = service.submit_paths([path], tenant=world.tenant, via="bench", keep_copy=True)
    media_id = wait_live(job.pk, budget)
    found.live = time.time() - job_start
    log(f"  live after {found.live:.1f} s; opening the watch page")
    viewer.open(f"{world.base}/watch/{media_id}/")
    facts = rendition_facts(media_id)
    found.progressive = bool(facts)
    ready = viewer.start_playing(timeout_s=30)
    first = viewer.first_frame(timeout_s=30) if ready else None
    facts = rendition_facts(media_id) or facts
    found.rung = facts.get("rung", "")
    if facts.get("first_stored"):
        found.first_segment = facts["first_stored"].timestamp() - job_start
    if first is None:
        found.stand_in = True
        found.notes.append("the player did not play: figures from progressive.json (stand-in)")
        log("  the player did not play; measuring progressive.json instead (stand-in)")
        stand_in(world, viewer, found, media_id, source, job_start)
    else:
        found.first_frame = first - job_start
        log(f"  first frame after {found.first_frame:.1f} s ({found.rung or 'final file'})")
        play_and_switch(viewer, found, media_id, source, args, budget, job_start)
    if not args.no_final:
        wait_final(found, media_id, job_start, budget)
    if args.keep:  # the video element's events, for a closer look
        name = source.label.replace(" ", "-").lower()
        (root / f"events-{name}.json").write_text(json.dumps(viewer.raw_events()))
    viewer.open("about:blank")  # the player stops asking for segments
    if args.no_final:
        cancel(job.pk)  # its encoders stop: the next source starts on a quieter machine
    settle(world, job.pk, 90 if args.no_final else budget)
    if not args.no_final:
        nobody_watching(world, found, path, root, budget)
    return found


def nobody_watching(world: World, found: Figures, path: Path, root: Path, budget: float) -> None:
    """The same source again, nobody watching: the final MP4's time with only the rendition's
    own cost beside it (the head start, the final encode writing its segments)."""
    from streaming.ingest import service

    copy = root / f"unwatched-{path.name}"
    # Another file (a tag of its own changes size and bytes): the same file is a duplicate.
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(path), "-map", "0", "-c", "copy",
         "-metadata", "comment=bench: nobody watching", str(copy)],
        check=True,
    )  # fmt: skip
    job_start = time.time()
    [job] = service.submit_paths([copy], tenant=world.tenant, via="bench", keep_copy=True)
    media_id = wait_live(job.pk, budget)
    stored = final_after(media_id, job_start, budget)
    if stored is None:
        found.notes.append(f"nobody watching: no final MP4 after {budget:.0f} s")
    else:
        found.final_unwatched = stored
        log(f"  nobody watching: final MP4 after {stored:.1f} s ({found.unwatched_ratio:.2f}x)")
    settle(world, job.pk, budget)
    copy.unlink(missing_ok=True)


def cancel(job_id: int) -> None:
    from streaming.ingest import service
    from streaming.models import IngestJob

    try:
        service.cancel(IngestJob.objects.get(pk=job_id))
    except Exception as exc:  # it ended meanwhile: nothing to stop
        log(f"  could not cancel the job: {exc}")


def play_and_switch(viewer, found: Figures, media_id, source: Source, args, budget, job_start):
    # Seek ahead at once, while the encoder is near the start.
    found.seek_target = round(SEEK_AT * source.seconds, 1)
    found.seek_encoder_at = encoded_to(rendition_facts(media_id))
    sought = viewer.seek(found.seek_target)
    resumed = viewer.playing_near(found.seek_target, timeout_s=60)
    found.seek_wait = resumed - sought if resumed else float("inf")
    log(
        f"  seek to {found.seek_target:.0f} s (encoders at {found.seek_encoder_at:.0f} s): "
        f"playing after {found.seek_wait:.1f} s"
    )
    # Back to the start, then a continuous play.
    own_seeks = [sought, viewer.seek(0.0)]
    restarted = viewer.playing_near(0.0, timeout_s=60, slack=1.0)
    if restarted is None:
        viewer.play_if_paused()
        restarted = viewer.playing_near(0.0, timeout_s=30, slack=2.0)
    if restarted is None:
        found.notes.append("did not play again from the start after the seek ahead")
        return
    found.played = min(args.play_seconds, source.seconds - 1.5)
    deadline = time.monotonic() + 2 * found.played + 60
    position = 0.0
    while time.monotonic() < deadline:
        position, _paused, _kind = viewer.position()
        if position >= found.played:
            break
        time.sleep(0.5)
    ended = time.time()
    found.stalls, found.stalled = stalls(viewer.events(), restarted, ended)
    if position < found.played:
        found.notes.append(f"the continuous play reached only {position:.1f} s")
    log(f"  {found.stalls} stalls ({found.stalled:.1f} s) in {found.played:.0f} s of play")
    if found.progressive and not args.no_final:
        watch_switch(viewer, found, media_id, source, own_seeks, budget, job_start)


def watch_switch(viewer, found, media_id, source: Source, own_seeks, budget, job_start):
    """Play on (from the start again near the end) until the player plays the final MP4."""
    deadline = job_start + budget
    stored = on_file = None
    while time.time() < deadline:
        position, paused, kind = viewer.position()
        if kind == "file":
            if switch(viewer.events(), own_seeks):
                break
            on_file = on_file or time.time()
            if time.time() > on_file + 15:
                found.notes.append("on the final MP4 but not playing 15 s later")
                break
        else:
            stored = stored or final_stored_at(media_id)
            if stored and time.time() > stored + 60:
                found.notes.append("still on the progressive rendition 60 s after the final")
                break
            if position > source.seconds - 3:
                own_seeks.append(viewer.seek(0.0))
            elif paused:
                viewer.play_if_paused()
        time.sleep(0.25)
    moved = switch(viewer.events(), own_seeks)
    if moved is None:
        found.notes.append("no switch to the final MP4 seen")
        return
    found.switch_before, found.switch_after = moved.before, moved.after
    found.switch_gap = moved.gap
    stored = stored or final_stored_at(media_id)
    if stored:
        found.notes.append(
            f"the player played the final MP4 {moved.at - stored:.1f} s after it was stored"
        )
    if moved.seeked_nearby:
        found.notes.append("the bench seeked within 2 s of the switch: its loss means little")
    log(
        f"  switch to the final MP4 at {moved.before:.2f} s -> {moved.after:.2f} s, "
        f"{moved.gap:.2f} s without a frame"
    )


def stand_in(world: World, viewer, found: Figures, media_id, source: Source, job_start):
    """Without a player: the first segment in progressive.json, and a seek-ahead as
    progressive.json?at= until the target's segment is listed."""
    from django.urls import NoReverseMatch, reverse

    try:
        url = world.base + reverse("watch-progressive", args=[media_id])
    except NoReverseMatch:
        found.notes.append("no watch-progressive endpoint")
        return
    answer = poll_json(viewer, url, lambda a: a.get("segments"), job_start + 60)
    if answer:
        found.first_frame = time.time() - job_start
        found.notes.append("first frame = first segment listed in progressive.json")
    found.seek_target = round(SEEK_AT * source.seconds, 1)
    found.seek_encoder_at = encoded_to(rendition_facts(media_id))
    sought = time.time()

    def covers(answer: dict) -> bool:
        return any(
            start <= found.seek_target < start + length
            for _n, start, length, *_ in answer.get("segments") or []
        )

    if poll_json(viewer, f"{url}?at={found.seek_target}", covers, sought + 60):
        found.seek_wait = time.time() - sought
    else:
        found.seek_wait = float("inf")


def poll_json(viewer, url: str, done, deadline: float) -> dict | None:
    while time.time() < deadline:
        answer = viewer.page.request.get(url)
        if answer.ok:
            body = answer.json()
            if done(body):
                return body
        time.sleep(0.25)
    return None


def wait_final(found: Figures, media_id: int, job_start: float, budget: float) -> None:
    stored = final_after(media_id, job_start, budget)
    if stored is None:
        found.notes.append(f"no final MP4 after {budget:.0f} s")
        return
    found.final = stored
    log(f"  final MP4 stored after {found.final:.1f} s ({found.final_ratio:.2f}x)")


def final_after(media_id: int, job_start: float, budget: float) -> float | None:
    """Seconds from the job's start to its final MP4 stored (None: not within the budget)."""
    deadline = job_start + budget
    while time.time() < deadline:
        stored = final_stored_at(media_id)
        if stored:
            return stored - job_start
        time.sleep(0.5)
    return None


def settle(world: World, job_id: int, budget: float) -> None:
    """Wait until the job has ended and no encoder runs: the next reference runs alone."""
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        ended = job_row(job_id)["state"] in ("done", "failed", "cancelled", "duplicate")
        if ended and not busy_encoders(world.groups):
            return
        time.sleep(0.5)
    log("  the job or its encoders were still running; going on")


# --- the report ----------------------------------------------------------------------------


INFO = "info"  # a figure reported without a goal
WORDS = {None: "n/a ", INFO: "info"}


def verdicts(found: Figures) -> list[tuple[str, bool | str | None]]:
    """One line per figure with its goal; None: not measured; INFO: no goal."""

    def ok(value: float, good: bool) -> bool | None:
        return None if value != value else good  # NaN: not measured

    name = f"{found.source}, {found.seconds} s"
    ahead = "" if not found.seek_encoder_at >= found.seek_target else " (already encoded)"
    frame = "first segment listed" if found.stand_in else "first frame"
    lines = [
        (
            f"{frame} after {found.first_frame:.1f} s: {name} "
            f"({found.first_frame / GOAL_FIRST_FRAME:.2f}x the goal of <= {GOAL_FIRST_FRAME:g} s)",
            ok(found.first_frame, found.first_frame <= GOAL_FIRST_FRAME),
        ),
        (
            f"seek-ahead wait {found.seek_wait:.1f} s to {found.seek_target:.0f} s, encoders at "
            f"{found.seek_encoder_at:.0f} s{ahead}: {name} "
            f"({found.seek_wait / GOAL_SEEK:.2f}x the goal of <= {GOAL_SEEK:g} s)",
            ok(found.seek_wait, found.seek_wait <= GOAL_SEEK),
        ),
        (
            f"stalls {max(found.stalls, 0)} ({found.stalled:.1f} s) in {found.played:.0f} s of "
            f"continuous play: {name} (goal 0)",
            None if found.stalls < 0 else found.stalls == 0,
        ),
        (
            f"final MP4 after {found.final_unwatched:.1f} s = {found.unwatched_ratio:.2f}x "
            f"ffmpeg alone ({found.alone:.1f} s), nobody watching: {name} "
            f"(goal <= {GOAL_FINAL:g}x)",
            ok(found.unwatched_ratio, found.unwatched_ratio <= GOAL_FINAL),
        ),
        (
            f"final MP4 after {found.final:.1f} s = {found.final_ratio:.2f}x ffmpeg alone "
            f"({found.alone:.1f} s), the tab playing and seeking: {name} (no goal: the "
            "browser and its viewer's encoders share the cores)",
            INFO,
        ),
        (
            f"switch loss {max(found.loss, 0.0):.2f} s ({found.switch_before:.2f} s -> "
            f"{found.switch_after:.2f} s): {name} (goal 0 s, to {LOSS_RESOLUTION} s)",
            ok(found.loss, found.loss <= LOSS_RESOLUTION),
        ),
        (
            f"switch gap {found.switch_gap:.2f} s from the rendition's stop to the file's first "
            f"frame: {name} (goal <= {GOAL_GAP:g} s)",
            ok(found.switch_gap, found.switch_gap <= GOAL_GAP),
        ),
    ]
    return lines


def knobs() -> str:
    """The install's progressive settings (defaults or --set)."""
    from django.conf import settings

    names = sorted(n for n in dir(settings) if n.startswith("PROGRESSIVE_") and "DIR" not in n)
    return " ".join(f"{name}={getattr(settings, name)}" for name in names) or "(none)"


def report(results: list[Figures], args) -> list[str]:
    load = os.getloadavg()
    lines = [
        "",
        f"Progressive transcoding, {'quick' if args.quick else 'full'} run: {os.cpu_count()} "
        f"CPUs, load {load[0]:.2f} {load[1]:.2f}; seconds from the job's start unless said"
        + (f"; the tab's requests {args.latency_ms:g} ms slower" if args.latency_ms else ""),
        f"  settings: {knobs()}",
        f"  {'source':<24} {'live':>6} {'1st seg':>7} {'1st frame':>9} {'seek':>6} "
        f"{'stalls':>10} {'final':>7} {'alone':>6} {'ratio':>6} {'unw.':>6} {'loss':>6} "
        f"{'gap':>5}  rung",
    ]
    for f in results:
        name = f"{f.source} {f.seconds}s"
        stall = f"{f.stalls} ({f.stalled:.1f})" if f.stalls >= 0 else "n/a"
        lines.append(
            f"  {name:<24} {f.live:6.1f} {f.first_segment:7.1f} {f.first_frame:9.1f} "
            f"{f.seek_wait:6.1f} {stall:>10} {f.final:7.1f} {f.alone:6.1f} "
            f"{f.final_ratio:5.2f}x {f.unwatched_ratio:5.2f}x {max(f.loss, 0.0):6.2f} "
            f"{f.switch_gap:5.2f}  "
            f"{f.rung or '-'}"
        )
    missed = 0
    for f in results:
        for text, good in verdicts(f):
            word = WORDS.get(good, "PASS" if good else "FAIL")
            missed += good is False
            lines.append(f"  {word}  {text}")
        lines += [f"  note  {f.source}: {note}" for note in f.notes]
    lines.append("goals: all met" if not missed else f"goals missed: {missed}")
    return lines


# --- the run -------------------------------------------------------------------------------


def run(args, services: Services, root: Path) -> list[Figures]:
    from tests.support.browser import chromium, sign_in

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls here are
    # plain blocking ones between Playwright's, never inside a coroutine.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    chosen = [s for s in (QUICK if args.quick else FULL) if not args.only or s.label in args.only]
    paths = [source_file(source, log) for source in chosen]
    settings = dict(item.split("=", 1) for item in args.settings)
    world = start_world(services, root, settings)
    results = []
    with chromium() as browser:
        watched = sign_in(browser, world.base, world.username, world.password)
        viewer = Viewer(watched.page)
        if args.latency_ms:
            viewer.add_latency(args.latency_ms)
        for source, path in zip(chosen, paths, strict=True):
            results.append(measure(world, viewer, source, path, args, root))
    return results


def parse_args(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="See bench/README.md (progressive.py) for what each figure means.",
    )
    parser.add_argument("--quick", action="store_true", help="short sources: ~2 min")
    parser.add_argument(
        "--only", action="append", help="this source only (its label, e.g. '4K HEVC'); repeatable"
    )
    parser.add_argument(
        "--play-seconds", type=float, help="continuous play watched for stalls (120; quick 20)"
    )
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for the install (e.g. PROGRESSIVE_HEAD_SECONDS=8); repeatable",
    )
    parser.add_argument(
        "--no-final",
        action="store_true",
        help="no ffmpeg alone, no wait for the final MP4 (no ratio, no switch): the job is "
        "cancelled after the stalls; for a first look at a long source",
    )
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=0.0,
        help="the tab's requests wait this much longer (a viewer far from the gateway)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder and its logs")
    args = parser.parse_args(argv)
    if args.play_seconds is None:
        args.play_seconds = 20.0 if args.quick else 120.0
    if any("=" not in item for item in args.settings):
        parser.error("--set takes NAME=VALUE")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def body(services: Services, root: Path) -> list[str]:
        results = run(args, services, root)
        if args.json:
            rows = [
                {**asdict(f), "final_ratio": f.final_ratio, "unwatched_ratio": f.unwatched_ratio,
                 "loss": f.loss}
                for f in results
            ]  # fmt: skip
            args.json.write_text(json.dumps(rows, indent=2) + "\n")
        return report(results, args)

    return stream.run_report("progressive", args.keep, body)


if __name__ == "__main__":
    sys.exit(main())
