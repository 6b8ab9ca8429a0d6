"""Which progressive encoders run, and storing what they finish.

One supervisor per job, in a thread of the process step, for as long as the final MP4 is
being made. Every tick it stores the segments runs have finished (the first one makes the
title live), steps the rung down when a run alone on the CPU is too slow, and matches runs to
demand: the first PROGRESSIVE_HEAD_SECONDS, then PROGRESSIVE_AHEAD_SECONDS ahead of every
player that asked lately (ProgressiveViewer). A position nobody is encoding towards gets a new
run there; a run nobody needs, or one that ran into segments already made, is stopped. While a
viewer waits for a segment, runs only the head start wants are paused (SIGSTOP) so the
viewer's run has the cores.

The final encode may write segments too (final_run.FinalRun): its segments are stored as a
run's are, and a viewer it stays well ahead of needs no encoder of its own.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from stored_media.media_types import M4S, MP4
from stored_media.models import StoredObject
from stored_media.objects import delete_stored, store_file
from streaming.ingest.errors import ProcessingFailed
from streaming.ingest.media_plan import Plan
from streaming.models import ProgressiveRendition, ProgressiveSegment, ProgressiveViewer
from streaming.progressive import rungs, slots, states
from streaming.progressive.codecs import codecs_of
from streaming.progressive.encoder_run import EncoderRun, Finished, SegmentFolder
from streaming.progressive.final_run import FinalRun

logger = logging.getLogger(__name__)

SEGMENT_SECONDS = 4.0
TICK = 0.25
VIEWER_FRESH_SECONDS = 20  # a player polls every few seconds; one silent this long has left
# Seconds a run may go unneeded before it is stopped: a viewer seeking back and forth keeps
# it, one who jumped far ahead frees its core for the encoder there soon.
UNWANTED_GRACE = 1.5
MEASURE_AFTER = 3.0  # wall seconds before a run's speed says anything
COVER_WAIT = 6.0
MIN_SEGMENT_SECONDS = (
    0.05  # a run that reaches a missing segment within this many seconds covers it
)
PUBLISH_EVERY = 1.0
# The final encode serves a viewer when it runs at least this fast (the floor for a
# progressive encoder) and this many seconds ahead of them.
FINAL_SERVES_AT = 1.3
FINAL_LEAD = 2 * SEGMENT_SECONDS

GoLive = Callable[[dict], ProgressiveRendition]
Window = tuple[float, float]  # seconds of the film from, to
WhileLive = Callable[[ProgressiveRendition], None]


class Supervisor:
    def __init__(
        self,
        *,
        source: Path,
        plan: Plan,
        duration: float,
        width: int | None,
        height: int | None,
        folder: Path,
        stem: str,
        go_live: GoLive,
        while_live: WhileLive | None = None,
        final: FinalRun | None = None,
    ) -> None:
        self.source, self.plan, self.duration = source, plan, duration
        self.width, self.height = width, height
        self.folder, self.stem, self.go_live = folder, stem, go_live
        self.while_live = while_live
        self.final = final
        self.seconds = SEGMENT_SECONDS
        self.count = max(1, math.ceil(duration / self.seconds - 1e-6))
        self.rung = rungs.first_rung(height, settings.PROGRESSIVE_MAX_HEIGHT)
        self.runs: list[EncoderRun] = []
        self.have: set[int] = set()
        self.rendition: ProgressiveRendition | None = None
        self.inits: dict[str, StoredObject] = {}  # run folder -> its stored init segment
        self.unwanted_since: dict[EncoderRun, float] = {}
        self.message = ""
        self.speed: float | None = None
        self.stepped_from: tuple[rungs.Rung, float] | None = None  # the last step down
        self.stepping_done = False  # a step down gained nothing: the source's decode is the cost
        self._active = 0  # runs using the CPU at the last tick
        self.stopping = threading.Event()
        self.live = threading.Event()
        self.error: str | None = None
        self._published: tuple = ()
        self._published_at = 0.0

    # The thread's body -------------------------------------------------------------------
    def run(self) -> None:
        try:
            finished = False
            while not self.stopping.is_set():
                self.tick()
                if self.complete and not finished:
                    self._set_state(ProgressiveRendition.State.FINISHED)
                    finished = True
                if finished and not (self.final and self.final.running):
                    break
                # With the final encode still writing segments, ticks go on deleting them.
                self.stopping.wait(TICK)
        except Exception as error:  # the final MP4 is still made; the log says why
            logger.exception("progressive rendition failed")
            self.error = str(error) or error.__class__.__name__
        finally:
            # What the final encode wrote after the last tick (it has ended, or the job stops).
            if self.error is None and self.rendition is not None:
                self._last_of_final()
            for run in self.runs:
                run.remove()
            self.runs = []
            self._delete_unused_inits()
            self.live.set()  # nobody waits on a rendition that will not come

    def _last_of_final(self) -> None:
        try:
            self._collect_final()
        except Exception:  # the final MP4 replaces the rendition all the same
            logger.exception("progressive rendition: the final encode's last segments")

    def stop(self) -> None:
        self.stopping.set()

    @property
    def complete(self) -> bool:
        """Every segment of the film is stored."""
        return len(self.have) >= self.count

    def tick(self) -> None:
        if self.final is not None:
            self._collect_final()
        for run in list(self.runs):
            self._collect(run)
            self._retire_if_ended(run)
        self._adapt()
        self._follow_demand()
        self._publish()
        if self.rendition is not None and self.while_live is not None:
            try:
                self.while_live(self.rendition)
            except Exception:  # an extra; the encoders go on
                logger.exception("progressive rendition %s: while-live hook", self.rendition.pk)

    # Storing what runs finished ----------------------------------------------------------
    def _collect(self, run: SegmentFolder, full_only: bool = False) -> None:
        """Store what `run` finished. A segment of (almost) no time is the end of the film
        (a few audio frames past the last picture): it marks the end, it is not stored.
        With `full_only` (a run that did not end by itself), a short segment is one cut off
        when ffmpeg stopped, not the film's last: stored, it would be a hole never filled."""
        for finished in run.finished_segments():
            empty = finished.duration < MIN_SEGMENT_SECONDS
            cut_off = full_only and finished.duration < self.seconds * 0.9
            if empty:
                run.ends_before = min(run.ends_before or finished.number, finished.number)
            if empty or cut_off or finished.number in self.have or finished.number >= self.count:
                finished.path.unlink(missing_ok=True)  # or another run made it first
                continue
            self._store(run, finished)

    def _collect_final(self) -> None:
        final = self.final
        if final is None:
            return
        self._collect(final)
        if final.completed or final.ends_before is not None:
            self._ended_at(min(final.next_number, final.ends_before or final.next_number))

    def _store(self, run: SegmentFolder, finished: Finished) -> None:
        backend = settings.MEDIA_STORAGE
        init = self.inits.get(run.folder.name)
        if init is None:
            init = store_file(run.init_path, f"{self.stem}-init.mp4", backend, kind=MP4.name)
            self.inits[run.folder.name] = init
        name = f"{self.stem}-seg-{finished.number:05d}.m4s"
        stored = store_file(finished.path, name, backend, move=True, kind=M4S.name)
        try:
            with transaction.atomic():
                if self.rendition is None:
                    self.rendition = self.go_live(self._rendition_facts(run))
                ProgressiveSegment.objects.create(
                    rendition=self.rendition,
                    number=finished.number,
                    start=finished.number * self.seconds,
                    duration=finished.duration,
                    init=init,
                    stored=stored,
                )
        except BaseException:
            delete_stored([stored])
            raise
        self.have.add(finished.number)
        self.live.set()

    def _delete_unused_inits(self) -> None:
        """Init segments stored for a run whose segments never got a row (the file did not
        go live, or the run was stepped down before its first one)."""
        stored = [init.pk for init in self.inits.values()]
        used = set(
            ProgressiveSegment.objects.filter(init__in=stored).values_list("init", flat=True)
        )
        delete_stored([init for init in self.inits.values() if init.pk not in used])

    def _rendition_facts(self, run: SegmentFolder) -> dict:
        width, height = rungs.output_size(self.width, self.height, run.rung)
        return {
            "duration": self.duration,
            "segment_seconds": self.seconds,
            "segment_count": self.count,
            "width": width or None,
            "height": height,
            "codecs": codecs_of(run.init_path.read_bytes()),
            "rung": run.rung.label,
            "speed": run.speed,
        }

    def _retire_if_ended(self, run: EncoderRun) -> None:
        if run.running:
            return
        self._collect(run, full_only=run.failed)  # what it wrote last
        if run.failed and not self.have:
            raise ProcessingFailed(f"the progressive encoder failed: {run.error}")
        if run.failed:
            logger.warning("a progressive encoder from %.0f s failed: %s", run.start, run.error)
        elif not run.stopped:
            self._ended_at(min(run.next_number, run.ends_before or run.next_number))
        self._drop(run)

    def _ended_at(self, number: int) -> None:
        """A run reached the end of the file: its next number is the real count (the probed
        duration may be the audio's, a frame longer than the last video segment)."""
        if 0 < number < self.count:
            self.count = number
            self.have = {n for n in self.have if n < number}
            if self.rendition is not None:
                ProgressiveRendition.objects.filter(pk=self.rendition.pk).update(
                    segment_count=number
                )

    def _drop(self, run: EncoderRun) -> None:
        run.remove()
        self.runs.remove(run)
        self.unwanted_since.pop(run, None)

    # Speed -------------------------------------------------------------------------------
    def _adapt(self) -> None:
        """Judge the rung by a run alone on the CPU (the final encode aside: it runs at nice
        19). Two runs sharing two cores each measure half: a smaller picture would not make
        them fit when decoding is the cost, and the step's restart would stall a viewer."""
        active = [run for run in self.runs if run.running and not run.paused]
        if len(active) != self._active:
            for run in active:
                run.measure_afresh()
            self._active = len(active)
        for run in active:
            if _measured(run) and run.rung == self.rung:
                self.speed = run.speed
        if len(active) == 1 and _measured(active[0]) and active[0].rung == self.rung:
            self._judge(active[0])

    def _judge(self, run: EncoderRun) -> None:
        speed = run.speed
        slower = rungs.lower(self.rung)
        if speed is None or not rungs.too_slow(speed) or slower is None or self.stepping_done:
            return  # no figure yet (measured afresh), fast enough, or nowhere further down
        if self.stepped_from and speed < self.stepped_from[1] * rungs.STEP_MUST_GAIN:
            logger.info(
                "progressive encoder at %s runs %.2fx real time, %s ran %.2fx: "
                "decoding is the cost, no step further down",
                self.rung.label, speed, self.stepped_from[0].label, self.stepped_from[1],
            )  # fmt: skip
            self.stepping_done = True
            return
        logger.info(
            "progressive encoder at %s runs %.2fx real time: stepping down to %s",
            self.rung.label, speed, slower.label,
        )  # fmt: skip
        self.stepped_from = (self.rung, speed)
        self.rung = slower
        if speed < rungs.KEEPS_PACE:
            self._drop(run)  # demand starts it again at the new rung, where it was

    # Demand ------------------------------------------------------------------------------
    def _windows(self) -> tuple[list[Window], list[Window]]:
        """The head and each viewer's window, less those the final encode serves."""
        head = [(0.0, float(settings.PROGRESSIVE_HEAD_SECONDS))]
        ahead = settings.PROGRESSIVE_AHEAD_SECONDS
        viewers = [(p, p + ahead) for p in self._viewer_positions()]
        return (
            [w for w in head if not self._final_serves(w)],
            [w for w in viewers if not self._final_serves(w)],
        )

    def _viewer_positions(self) -> list[float]:
        if self.rendition is None:
            return []
        fresh = timezone.now() - timedelta(seconds=VIEWER_FRESH_SECONDS)
        rows = ProgressiveViewer.objects.filter(rendition=self.rendition, seen_at__gte=fresh)
        return list(rows.values_list("position", flat=True))

    def _number_at(self, seconds: float) -> int:
        return max(0, min(self.count - 1, int(seconds // self.seconds)))

    def _first_missing(self, window: Window) -> int | None:
        for number in range(self._number_at(window[0]), self._number_at(window[1]) + 1):
            if number not in self.have:
                return number
        return None

    def _follow_demand(self) -> None:
        head, viewers = self._windows()
        # A run goes on to twice the distance that starts one: a viewer watching on does not
        # stop and restart an encoder (a new one decodes from the source's keyframe before
        # its start) every few seconds, only about once per PROGRESSIVE_AHEAD_SECONDS.
        ahead = settings.PROGRESSIVE_AHEAD_SECONDS
        keep_going = [*head, *((start, end + ahead) for start, end in viewers)]
        now = time.monotonic()
        for run in list(self.runs):
            if run.next_number in self.have or run.next_number >= self.count:
                self._drop(run)  # it ran into what another run made
            elif self._wanted(run, keep_going):
                self.unwanted_since.pop(run, None)
            elif now - self.unwanted_since.setdefault(run, now) > UNWANTED_GRACE:
                self._drop(run)
        self.message = ""
        for window in [*head, *viewers]:
            missing = self._first_missing(window)
            if missing is not None and not self._covered(missing):
                self._start_run(missing)
        self._give_way(viewers, keep_going[len(head) :])

    def _give_way(self, viewers: list[Window], viewer_windows: list[Window]) -> None:
        """While a viewer waits (the segment at their position is missing), pause the runs no
        viewer wants (the head start's): on two cores they would halve the waiting viewer's
        encoder. They go on once nobody waits."""
        waiting = any(self._number_at(start) not in self.have for start, _ in viewers)
        for run in self.runs:
            if waiting and not self._wanted(run, viewer_windows):
                run.pause()
            else:
                run.resume()

    def _wanted(self, run: EncoderRun, windows: list[Window]) -> bool:
        at = run.next_number * self.seconds
        return any(start - self.seconds <= at <= end for start, end in windows)

    def _fast_final(self) -> FinalRun | None:
        """The final encode, when it is running at FINAL_SERVES_AT or more."""
        final = self.final
        if final is None or not final.running or not _measured(final):
            return None
        return final if (final.speed or 0) >= FINAL_SERVES_AT else None

    def _final_serves(self, window: Window) -> bool:
        """The final encode is fast enough and far enough into `window` that its viewer
        waits for nothing: everything before it is made (it makes every segment in turn)."""
        final = self._fast_final()
        return final is not None and final.next_number * self.seconds >= window[0] + FINAL_LEAD

    def _covered(self, number: int) -> bool:
        # The final encode counts only when it is fast: at 0.3x (4K on a small box) it is
        # always "at" the first missing segment, and would hold back the encoder there.
        final = self._fast_final()
        # A paused run covers nothing: it waits for the viewer it would serve to stop waiting.
        going = [run for run in self.runs if not run.paused]
        for run in [*going, *([final] if final else [])]:
            behind = number - run.next_number
            if behind < 0 or any(n in self.have for n in range(run.next_number, number)):
                continue
            speed = run.speed or rungs.TARGET_SPEED
            if behind * self.seconds / speed <= COVER_WAIT:
                return True
        return False

    def _start_run(self, number: int) -> None:
        if len(self.runs) >= settings.PROGRESSIVE_ENCODERS:
            self.message = "Waiting for an encoder: this film's are busy further on."
            return
        slot = slots.take_slot()
        if slot is None:
            self.message = (
                f"Waiting for an encoder: all {settings.PROGRESSIVE_ENCODERS} on this "
                "machine are busy."
            )
            return
        try:
            run = EncoderRun(
                self.source, self.plan, self.rung, number, self.seconds, self.folder, slot
            )
        except BaseException:
            slot.release()
            raise
        self.runs.append(run)

    # What players see --------------------------------------------------------------------
    def _publish(self) -> None:
        if self.rendition is None:
            return
        making: list[SegmentFolder] = [r for r in self.runs if r.running]
        if self.final is not None and self.final.running:
            making.append(self.final)
        encoding = [[round(r.start, 1), round(r.position, 1)] for r in making]
        state = (encoding, self.message, self.rung.label)
        now = time.monotonic()
        if state == self._published or now - self._published_at < PUBLISH_EVERY:
            return
        self._published, self._published_at = state, now
        ProgressiveRendition.objects.filter(pk=self.rendition.pk).update(
            encoding_at=encoding, message=self.message, speed=self.speed, updated_at=timezone.now()
        )

    def _set_state(self, state: str) -> None:
        if self.rendition is not None:
            states.set_state(self.rendition.pk, state)


def _measured(run: SegmentFolder) -> bool:
    """A run's speed says something after its first seconds of output."""
    since = run.output_from[0] if run.output_from else None
    return since is not None and time.monotonic() - since >= MEASURE_AFTER
