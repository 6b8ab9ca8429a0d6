"""The ingest job's life cycle (ingest_core/lifecycle.py): the table allows exactly its
moves, each to its writers; only the life cycle writes a job's state; and when the operator's
cancel races a worker's write, a cancelled job is never flipped back to running."""

from __future__ import annotations

import ast
import itertools
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from ingest_core import lifecycle
from ingest_core.errors import IngestCancelled
from ingest_core.lifecycle import Actor, JobMovedOn, MoveRefused, State
from streaming.api.token_store import issue_token
from streaming.ingest import lease, runner, service
from streaming.ingest.runner import FETCH, run_step
from streaming.models import IngestJob
from streaming.models.ingest import this_worker

ROOT = Path(__file__).resolve().parent.parent
EVERY_MOVE = list(itertools.product(State, State, Actor))


def url_job(tenant, **fields) -> IngestJob:
    return IngestJob.objects.create(
        tenant=tenant, via="test", source="https://example.com/film.mp4", source_kind="url",
        **fields,
    )  # fmt: skip


def held_by(actor: Actor) -> str:
    """A worker's moves are made by the lease holder; the operator's cancel and the sweep's
    requeue find the job as they may act on it."""
    return "" if actor is Actor.OPERATOR else this_worker()


def test_the_table_names_every_state_and_every_writer():
    sources = {source for source, _to in lifecycle.ALLOWED}
    writers = set().union(*lifecycle.ALLOWED.values())

    assert sources == set(lifecycle.UNFINISHED), "a finished job never moves again"
    assert writers == set(Actor)
    assert set(lifecycle.UNFINISHED) | set(lifecycle.FINISHED) == set(State)


@pytest.mark.django_db
def test_every_forbidden_move_is_refused_and_writes_nothing(alpha):
    job = url_job(alpha)
    forbidden = [m for m in EVERY_MOVE if m[2] not in lifecycle.ALLOWED.get(m[:2], ())]
    assert len(forbidden) > 200

    for source, to, actor in forbidden:
        IngestJob.objects.filter(pk=job.pk).update(state=source, worker=held_by(actor))
        job.refresh_from_db()
        with pytest.raises(MoveRefused, match=rf"#{job.pk} is {source.label.lower()}"):
            lifecycle.move(job, to, by=actor)
        assert IngestJob.objects.get(pk=job.pk).state == source, (source, to, actor)


@pytest.mark.django_db
def test_every_allowed_move_is_made(alpha):
    job = url_job(alpha)
    allowed = [m for m in EVERY_MOVE if m[2] in lifecycle.ALLOWED.get(m[:2], ())]

    for source, to, actor in allowed:
        IngestJob.objects.filter(pk=job.pk).update(state=source, worker=held_by(actor))
        job.refresh_from_db()
        lifecycle.move(job, to, by=actor)
        assert IngestJob.objects.get(pk=job.pk).state == to, (source, to, actor)
    assert len(allowed) == 37


@pytest.mark.django_db
def test_a_worker_that_lost_its_lease_writes_nothing(alpha):
    job = url_job(alpha, state=State.DOWNLOADING, worker=this_worker())
    IngestJob.objects.filter(pk=job.pk).update(worker="other-host:1")  # taken over

    with pytest.raises(JobMovedOn, match="no longer downloading"):
        lifecycle.hand_off(job)

    assert IngestJob.objects.get(pk=job.pk).state == State.DOWNLOADING


@pytest.mark.django_db
def test_cancelling_a_finished_job_is_refused_with_a_reason(alpha, olivia):
    done = url_job(alpha, state=State.DONE)
    cancelled = url_job(alpha, state=State.CANCELLED)
    client = Client(HTTP_HOST="a.test")
    client.force_login(olivia)

    with pytest.raises(MoveRefused, match=f"job #{done.pk} is done: nothing to cancel"):
        service.cancel(done)
    service.cancel(cancelled)  # cancelled already: stays so, no error
    page = client.post(
        "/admin/streaming/ingestjob/",
        {"action": "cancel_jobs", "_selected_action": [done.pk]},
        follow=True,
    )

    assert f"ob #{done.pk} is done: nothing to cancel" in page.content.decode()  # "Job" there
    assert IngestJob.objects.get(pk=done.pk).state == State.DONE


@pytest.mark.django_db
def test_the_api_answers_a_refused_cancel_with_a_4xx_and_the_reason(alpha, olivia):
    done = url_job(alpha, state=State.DONE)
    client = APIClient(HTTP_HOST="a.test")
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(olivia, alpha, 'test').key}")

    answer = client.post(f"/api/ingest/{done.pk}/cancel/")

    assert answer.status_code == 409  # Conflict: the job's state, not the caller, forbids it
    assert answer.json() == {"detail": f"job #{done.pk} is done: nothing to cancel"}


@pytest.mark.django_db
def test_a_cancel_from_a_stale_page_becomes_a_request_the_worker_obeys(
    alpha, ingest_dirs, monkeypatch
):
    """The operator's page showed the job queued and unheld; a worker took it meanwhile. The
    cancel must not end the row under the worker (which would then write its progress state
    back over it): it asks the worker to stop, and the job ends cancelled, not downloaded."""
    job = url_job(alpha)
    seen_by_operator = IngestJob.objects.get(pk=job.pk)
    real_claim = runner.claim

    def claim_then_the_operator_cancels(job_id, states):
        claimed = real_claim(job_id, states)
        service.cancel(seen_by_operator)
        return claimed

    monkeypatch.setattr(runner, "claim", claim_then_the_operator_cancels)
    fetched = []
    monkeypatch.setattr("streaming.ingest.fetch_step.native_download.download", fetched.append)
    scheduled = []

    run_step(job.pk, FETCH, lambda *step: scheduled.append(step))

    job.refresh_from_db()
    assert job.state == State.CANCELLED
    assert fetched == []
    assert scheduled == []


@pytest.mark.django_db
def test_a_cancel_during_the_fetch_steps_last_write_ends_it_cancelled(
    alpha, ingest_dirs, monkeypatch
):
    """The download is done and the step hands the job on just as the cancel lands (before
    the heartbeat could see it): the hand-off is refused, the process step never queued."""
    job = url_job(alpha)

    def fetch_then_the_operator_cancels(job, reporter):
        reporter.enter(State.DOWNLOADING)
        job.work_dir.mkdir(parents=True, exist_ok=True)
        service.cancel(IngestJob.objects.get(pk=job.pk))

    monkeypatch.setattr(runner, "fetch", fetch_then_the_operator_cancels)
    scheduled = []

    run_step(job.pk, FETCH, lambda *step: scheduled.append(step))

    job.refresh_from_db()
    assert job.state == State.CANCELLED
    assert job.finished_at is not None
    assert scheduled == []
    assert not job.work_dir.exists()


def _wait_until_blocked(worker_done: threading.Event) -> None:
    """Until the worker's UPDATE waits for the operator's row lock (PostgreSQL shows it;
    SQLite's writer waits on its busy timeout: half a second of not finishing shows it)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
                if cursor.fetchone()[0]:
                    return
        elif time.monotonic() > deadline - 9.5:
            break
        time.sleep(0.05)
    assert not worker_done.is_set(), "the worker's write did not wait for the operator's"


def _in_thread(target) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = target()
        except Exception as error:
            outcome["error"] = error
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.django_db(transaction=True)
def test_two_connections_the_cancel_committed_first_wins_over_the_hand_off(alpha):
    """Two connections, as in production: the operator's cancel holds the row when the
    worker's hand-off arrives; the hand-off waits, then finds the cancel and is refused."""
    job = url_job(alpha)
    worker_copy = lease.claim(job.pk, lifecycle.STEP_TAKES_FROM[FETCH])
    lifecycle.start(worker_copy, State.DOWNLOADING)
    release, worker_done = threading.Event(), threading.Event()

    def operator() -> None:
        with transaction.atomic():
            service.cancel(IngestJob.objects.get(pk=job.pk))
            release.wait(10)

    def worker() -> None:
        try:
            lifecycle.hand_off(worker_copy)
        finally:
            worker_done.set()

    operator_thread, _ = _in_thread(operator)
    time.sleep(0.2)  # the operator's transaction holds the row first
    worker_thread, worker_outcome = _in_thread(worker)
    _wait_until_blocked(worker_done)
    release.set()
    operator_thread.join(10)
    worker_thread.join(10)

    assert isinstance(worker_outcome.get("error"), IngestCancelled), worker_outcome
    row = IngestJob.objects.get(pk=job.pk)
    assert (row.state, row.cancel_requested) == (State.DOWNLOADING, True)


@pytest.mark.django_db(transaction=True)
def test_two_connections_a_finished_job_refuses_the_cancel_that_waited_for_it(alpha):
    """The other order: the worker's last write (done) holds the row when the operator's
    cancel arrives; the cancel waits, then finds the job done and is refused, saying so."""
    job = url_job(alpha)
    worker_copy = lease.claim(job.pk, lifecycle.STEP_TAKES_FROM["process"])
    lifecycle.start(worker_copy, State.PROBING)
    release, operator_done = threading.Event(), threading.Event()

    def worker() -> None:
        with transaction.atomic():
            lifecycle.finish(worker_copy, State.DONE)
            release.wait(10)

    def operator() -> None:
        try:
            service.cancel(IngestJob.objects.get(pk=job.pk))
        finally:
            operator_done.set()

    worker_thread, _ = _in_thread(worker)
    time.sleep(0.2)
    operator_thread, operator_outcome = _in_thread(operator)
    _wait_until_blocked(operator_done)
    release.set()
    worker_thread.join(10)
    operator_thread.join(10)

    assert isinstance(operator_outcome.get("error"), MoveRefused), operator_outcome
    assert "is done: nothing to cancel" in str(operator_outcome["error"])
    row = IngestJob.objects.get(pk=job.pk)
    assert (row.state, row.cancel_requested) == (State.DONE, False)


@pytest.mark.django_db
def test_the_sweep_leaves_a_job_that_spoke_again_since_it_looked(alpha, settings):
    settings.INGEST_LEASE_SECONDS = 30
    old = timezone.now() - timezone.timedelta(seconds=60)
    job = url_job(alpha, state=State.PROCESSING, worker="w:1", heartbeat_at=old)
    [seen_by_sweep] = IngestJob.objects.stale()
    IngestJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())

    assert lifecycle.requeue_silent(seen_by_sweep) is False
    assert "stopped reporting" not in IngestJob.objects.get(pk=job.pk).log


# Who writes `state`: only the life cycle (the uploads' own state belongs to Upload rows).
WRITERS_OF_OTHER_STATES = {"streaming/uploads/lifecycle.py", "streaming/progressive/states.py"}


def _state_writes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = [t for target in node.targets for t in ast.walk(target)]
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        found += [f"{path}:{t.lineno}" for t in targets if getattr(t, "attr", "") == "state"]
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in {"update", "save"}:
            for keyword in node.keywords:
                named = [getattr(c, "value", None) for c in ast.walk(keyword.value)]
                if keyword.arg == "state" or (keyword.arg == "update_fields" and "state" in named):
                    found.append(f"{path}:{node.lineno}")
            if node.func.attr == "update" and any(k.arg is None for k in node.keywords):
                found.append(f"{path}:{node.lineno} (fields unknown here)")
    return found


def test_only_the_life_cycle_writes_a_jobs_state():
    sources = [
        p
        for p in (ROOT / "streaming").rglob("*.py")
        if "migrations" not in p.parts
        and str(p.relative_to(ROOT)) not in WRITERS_OF_OTHER_STATES | {"ingest_core/lifecycle.py"}
    ]
    writes = [w for source in sources for w in _state_writes(source.relative_to(ROOT))]

    assert writes == []


def test_the_checker_sees_the_ways_a_state_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("m.py").write_text(
        "job.state = 'done'\n"
        "a.x, job.state = 1, 2\n"
        "IngestJob.objects.filter(pk=1).update(state='done')\n"
        "job.save(update_fields=['state', 'updated_at'])\n"
        "rows.update(**fields)\n"
        "job.save(update_fields=['log'])\n"
    )

    assert [w.split(":")[1] for w in _state_writes(Path("m.py"))] == [
        "1",
        "2",
        "3",
        "4",
        "5 (fields unknown here)",
    ]
