"""An ingest job's life cycle, in one place: its states and steps, which moves between states
are allowed and who may make each, and `move`, the one function that writes a job's state.

Three writers share a job's row: the worker running its step, the operator (admin, API,
Telegram, `ingest` command) and the sweep that queues silent jobs again. So every move is a
conditional UPDATE on the state the writer last saw (and on the worker holding the lease, for
a worker's move): a writer whose picture is out of date changes nothing and learns so
(`JobMovedOn`), and a cancelled job is never flipped back to running. The operator does not
stop a running job by writing its state: a cancel request is a flag the worker acts on.

This module imports no models (the job model takes `State` from here): `move` writes through
the job's own class.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ingest_core.errors import IngestCancelled, IngestError

logger = logging.getLogger(__name__)


class State(models.TextChoices):
    QUEUED = "queued", "Queued"
    DOWNLOADING = "downloading", "Downloading"
    PROBING = "probing", "Probing"
    PROCESSING = "processing", "Processing"
    UPLOADING = "uploading", "Uploading"
    DONE = "done", "Done"
    # Not an error: the content was already a version in the catalogue, so nothing new
    # was stored; `media_file` is that version and `note` says which it is.
    DUPLICATE = "duplicate", "Already in the library"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Step(models.TextChoices):
    """A job's steps, each a Celery task on its own queue (streaming/tasks.py)."""

    FETCH = "fetch", "Fetch the source"
    PROCESS = "process", "Make playable, store, catalogue"


class Actor(enum.StrEnum):
    WORKER = "worker"  # the process running the job's step (Celery task, `ingest` command)
    OPERATOR = "operator"  # admin action, API, Telegram bot, Ctrl-C of the `ingest` command
    SWEEP = "sweep"  # beat's ingest_sweep and a starting worker


RUNNING = (State.DOWNLOADING, State.PROBING, State.PROCESSING, State.UPLOADING)
UNFINISHED = (State.QUEUED, *RUNNING)
FINISHED = (State.DONE, State.DUPLICATE, State.FAILED, State.CANCELLED)
# The states a step may find its job in: the hand-off, or its own (a rerun after a crash).
STEP_TAKES_FROM = {
    Step.FETCH: (State.QUEUED, State.DOWNLOADING),
    Step.PROCESS: (State.QUEUED, State.PROBING, State.PROCESSING, State.UPLOADING),
}


@dataclass(frozen=True)
class Move:
    sources: tuple[State, ...]
    to: State | None  # None: the same state (the sweep's requeue)
    by: Actor
    when: str


WORKER, OPERATOR, SWEEP = Actor.WORKER, Actor.OPERATOR, Actor.SWEEP
# Every allowed move. Anything else is refused with `MoveRefused`.
MOVES = (
    Move((State.QUEUED, State.DOWNLOADING), State.DOWNLOADING, WORKER, "the fetch step starts"),
    Move((State.DOWNLOADING,), State.PROBING, WORKER, "download done: handed to the process step"),
    Move(STEP_TAKES_FROM[Step.PROCESS], State.PROBING, WORKER, "the process step starts (ffprobe)"),
    Move((State.PROBING,), State.PROCESSING, WORKER, "ffmpeg makes it playable"),
    Move((State.PROCESSING,), State.UPLOADING, WORKER, "the outputs are stored"),
    Move(UNFINISHED, State.QUEUED, WORKER, "a transient error: the step runs again later"),
    Move(STEP_TAKES_FROM[Step.PROCESS], State.DONE, WORKER, "the video is in the catalogue"),
    Move(RUNNING[1:], State.DUPLICATE, WORKER, "the library already has this content"),
    Move(UNFINISHED, State.FAILED, WORKER, "an error no retry can help, or out of attempts"),
    Move(UNFINISHED, State.CANCELLED, WORKER, "the worker saw the operator's cancel request"),
    Move((State.QUEUED,), State.CANCELLED, OPERATOR, "cancel of a job no worker holds"),
    Move(UNFINISHED, None, SWEEP, "its worker went silent: its step is queued again"),
)


def _allowed(moves: Iterable[Move]) -> dict[tuple[State, State], frozenset[Actor]]:
    """(from, to) -> who may make that move."""
    allowed: dict[tuple[State, State], frozenset[Actor]] = {}
    for each in moves:
        for source in each.sources:
            key = (source, each.to or source)
            allowed[key] = allowed.get(key, frozenset()) | {each.by}
    return allowed


ALLOWED = _allowed(MOVES)
# The operator's other actions make a new job from an ended one; the old job does not move.
RETRY_FROM = (State.FAILED, State.CANCELLED)
KEEP_COPY_FROM = (State.DUPLICATE,)


class MoveRefused(IngestError, PermissionDenied):
    """A move the table does not allow for this writer. A PermissionDenied too, so the API
    answers it as a 403 with this message (DRF's exception handler), the admin as a warning."""


class JobMovedOn(MoveRefused):
    """The move was allowed from the state the writer saw, but the row has changed since
    (cancelled, finished, taken over by another worker): nothing was written."""


def may(source: str, to: str, by: Actor) -> bool:
    return by in ALLOWED.get((State(source), State(to)), frozenset())


def move(
    job,
    to: str,
    *,
    by: Actor,
    fields: dict | None = None,
    where: Q | None = None,
    log: str = "",
) -> None:
    """Move `job` to `to` with the fields that go with it, if the table allows `by` to and
    the row is still as `job` says (its state, and for a worker its lease, plus `where`).

    Raises `MoveRefused` for a move the table forbids, `JobMovedOn` when the row moved on;
    a worker whose row moved on because the operator asked to cancel gets `IngestCancelled`.
    `log` is a line for the job's log; every move is also logged here."""
    source = job.state
    if not may(source, to, by):
        raise MoveRefused(
            f"job #{job.pk} is {State(source).label.lower()}: "
            f"{_who(by)} cannot move it to {State(to).label.lower()}"
        )
    written = {"state": to, **(fields or {}), "updated_at": timezone.now()}
    same = Q(pk=job.pk, state=source) & _lease_condition(job, by) & (where or Q())
    # The job's own class: this module cannot import the models (they import State).
    if not type(job)._default_manager.filter(same).update(**written):
        _moved_on(job, source, to, by)
    for name, value in written.items():
        setattr(job, name, value)
    logger.info("ingest job %s: %s -> %s by %s", job.pk, source, to, by)
    if log:
        job.add_log(log)


def _lease_condition(job, by: Actor) -> Q:
    """A worker writes only while it holds the lease (another may have taken it over)."""
    if by is not Actor.WORKER:
        return Q()
    return Q(worker=job.worker)


def _moved_on(job, source: str, to: str, by: Actor) -> None:
    row = type(job)._default_manager.filter(pk=job.pk).values("state", "worker").first()
    now = State(row["state"]).label.lower() if row else "deleted"
    raise JobMovedOn(
        f"job #{job.pk} is {now}, no longer {State(source).label.lower()}: "
        f"{_who(by)} did not move it to {State(to).label.lower()}"
    )


def _who(by: Actor) -> str:
    return {Actor.WORKER: "its worker", Actor.OPERATOR: "the operator", Actor.SWEEP: "the sweep"}[
        by
    ]


# The moves as each writer makes them: the fields that go with each.


def start(job, state: str) -> None:
    """The worker enters a running state: its progress starts again from nothing. Refused
    with `IngestCancelled` once the operator asked to cancel. Which fields are progress is
    the job's class's to say (`JobBase.PROGRESS_RESET`)."""
    fields = {**type(job).PROGRESS_RESET, "heartbeat_at": timezone.now()}
    _unless_cancelled(job, state, fields)


def hand_off(job) -> None:
    """The fetch step is done: the job waits for the process step, held by no worker."""
    _unless_cancelled(job, State.PROBING, {"step_progress": None, "worker": ""})


def retry_later(job, reason: str, delay: int) -> None:
    """A transient error: back to the queue, one attempt more, to run again in `delay` s."""
    fields = {"error": reason, "attempts": job.attempts + 1, "worker": ""}
    _unless_cancelled(job, State.QUEUED, fields, log=f"{reason}; trying again in {delay} s")


def finish(job, state: str, *, error: str = "", note: str = "") -> None:
    """The worker ends the job, with what it made or found (`JobBase.RESULT_FIELDS`: a
    video's media file and title, a comic's series and chapter). Not refused by a cancel
    request: a job that is done is done."""
    kind = type(job)
    fields = {
        "error": error,
        "note": note[:400],
        "worker": "",
        "finished_at": timezone.now(),
        **dict.fromkeys(kind.CLEARED_AT_END),
        **{name: getattr(job, name) for name in kind.RESULT_FIELDS},
    }
    line = f"{state}: {error or note}" if error or note else state
    move(job, state, by=Actor.WORKER, fields=fields, log=line)


def cancel(job) -> bool:
    """The operator cancels: a job no worker holds ends now; a running one is asked to stop
    at its next progress report (the flag its heartbeat watches). Says whether it ended now.
    A job already cancelled stays so; one that has ended otherwise is refused (`MoveRefused`)."""
    _refuse_cancel_if_ended(job, job.state)
    if job.state == State.QUEUED and not job.worker:
        try:
            move(
                job,
                State.CANCELLED,
                by=Actor.OPERATOR,
                fields={"finished_at": timezone.now(), "cancel_requested": True},
                where=Q(worker=""),
                log="cancelled by the operator before it started",
            )
            return True
        except JobMovedOn:
            pass  # a worker took it meanwhile (or it ended): ask that worker to stop
    rows = type(job)._default_manager.filter(pk=job.pk, state__in=UNFINISHED)
    if not rows.update(cancel_requested=True, updated_at=timezone.now()):
        _refuse_cancel_if_ended(job, type(job)._default_manager.get(pk=job.pk).state)
        return False
    job.cancel_requested = True
    logger.info("ingest job %s: cancel requested", job.pk)
    return False


def _refuse_cancel_if_ended(job, state: str) -> None:
    if state in FINISHED and state != State.CANCELLED:
        raise MoveRefused(f"job #{job.pk} is {State(state).label.lower()}: nothing to cancel")


def requeue_silent(job) -> bool:
    """The sweep takes a job whose worker stopped reporting back to its queue, state as it
    is (the next worker's claim takes the lease over). False when the job moved on since the
    sweep looked (it ended, or its worker spoke again)."""
    try:
        move(
            job,
            job.state,
            by=Actor.SWEEP,
            where=Q(worker=job.worker, heartbeat_at=job.heartbeat_at),
            log=f"worker {job.worker} stopped reporting; queued again",
        )
    except JobMovedOn:
        return False
    return True


def requeue_forgotten(job) -> bool:
    """The sweep queues again a job left waiting past INGEST_REQUEUE_SECONDS (its message may
    be lost). A job that was only waiting gets a second message: harmless, the first claim
    wins and the other finds nothing to do. False when the job moved on since."""
    try:
        move(
            job,
            job.state,
            by=Actor.SWEEP,
            where=Q(worker="", updated_at=job.updated_at),
            log="waited in the queue past INGEST_REQUEUE_SECONDS; queued again",
        )
    except JobMovedOn:
        return False
    return True


def first_step(job) -> Step:
    # Files on this machine and uploads are already here: they start with processing.
    return Step.FETCH if job.source_kind == "url" else Step.PROCESS


def step_for(job) -> Step:
    """The step that goes on from the job's state (a silent job queued again)."""
    if job.state == State.QUEUED:
        return first_step(job)
    return Step.FETCH if job.state == State.DOWNLOADING else Step.PROCESS


def _unless_cancelled(job, state: str, fields: dict, log: str = "") -> None:
    """A worker's move into a waiting or running state, refused once the operator asked to
    cancel: the cancel that lands during a step's last write wins, and the job ends
    cancelled instead of going on."""
    try:
        move(job, state, by=Actor.WORKER, fields=fields, where=Q(cancel_requested=False), log=log)
    except JobMovedOn:
        if (
            type(job)
            ._default_manager.filter(
                pk=job.pk, state=job.state, worker=job.worker, cancel_requested=True
            )
            .exists()
        ):
            job.cancel_requested = True
            raise IngestCancelled("cancelled by the operator") from None
        raise
