"""A series an import made from file names alone (a skeleton) is looked up on AniList once the
chapter is committed (readvault.tasks.refresh_series_metadata on the default queue), as video
asks TMDB after an ingest. AniList is tests.support.anilist_double (its documented GraphQL
API, 429s with Retry-After included); lookups are off for the rest of the suite
(tests/support/environment.py). The import never waits on the lookup nor fails with it."""

from __future__ import annotations

import os

import pytest
from celery.signals import task_retry

from readvault.importing import queueing, service
from readvault.importing.queueing import LOOKUP_TASK
from readvault.models import ImportJob, Series
from shadowvault.task_queues import DEFAULT, QUEUE_FOR_TASK
from tests.support import anilist_double
from tests.support.anilist_double import serving_anilist
from tests.support.comic_imports import Queued, comicinfo, pages, run_tasks_eagerly, write_cbz

pytestmark = pytest.mark.django_db(transaction=True)

SOME_SERIES = anilist_double._media(
    900100,
    "Sono Series",
    "Some Series",
    None,
    synonyms=[],
    status="RELEASING",
    country="JP",
    start=(2020, 4, 1),
    description="An invented series, served so that a file name can find it.",
    genres=["Comedy"],
    tags=[("Slice of Life", 80, False)],
    staff=[("Mei Sakura", "Story & Art")],
)


@pytest.fixture
def eager_imports(ingest_dirs, monkeypatch) -> Queued:
    return run_tasks_eagerly(monkeypatch)


@pytest.fixture
def anilist(settings, monkeypatch):
    monkeypatch.setitem(anilist_double.MEDIA, SOME_SERIES["id"], SOME_SERIES)
    with serving_anilist(settings) as double:
        yield double


@pytest.fixture
def retries():
    """The retries the task asks Celery for, with their delays (Celery's task_retry signal)."""
    seen: list[tuple[str, float]] = []

    def record(sender, reason, **_kwargs) -> None:
        seen.append((sender.name, reason.when))

    task_retry.connect(record, weak=False)
    yield seen
    task_retry.disconnect(record)


def imported(tenant, path) -> ImportJob:
    [job] = service.submit_paths([path], service.Choices(tenant=tenant, via="test"))
    return ImportJob.objects.get(pk=job.pk)


def lookups(queued: Queued) -> list[tuple]:
    return [args for name, args, _delay in queued.tasks if name == LOOKUP_TASK]


def test_the_lookup_runs_on_the_default_queue():
    assert QUEUE_FOR_TASK[LOOKUP_TASK] == DEFAULT


def test_a_series_made_from_names_is_filled_in_from_anilist_after_the_import(
    alpha, eager_imports, anilist, tmp_path
):
    job = imported(alpha, write_cbz(tmp_path / "Some Series v01 c001.cbz", pages(1, 3)))

    assert job.state == ImportJob.State.DONE, job.error
    series = Series.objects.get(pk=job.series_id)
    assert lookups(eager_imports) == [(series.pk,)]
    assert series.anilist_id == 900100
    assert series.title == "Some Series"
    assert "invented series" in series.summary
    assert not series.is_skeleton
    assert series.metadata_error == ""
    assert list(series.genres.values_list("name", flat=True)) == ["Comedy"]
    assert job.chapter.series == series


def test_a_series_is_looked_up_once_when_it_is_made_not_for_each_chapter(
    alpha, eager_imports, anilist, tmp_path
):
    imported(alpha, write_cbz(tmp_path / "Nowhere Known c001.cbz", pages(1, 2)))
    second = imported(alpha, write_cbz(tmp_path / "Nowhere Known c002.cbz", pages(3, 2)))

    assert second.state == ImportJob.State.DONE, second.error
    series = Series.objects.get(title="Nowhere Known")
    assert lookups(eager_imports) == [(series.pk,)]
    assert series.is_skeleton  # AniList has no such series
    assert "0 candidates" in series.metadata_error


def test_a_series_named_by_comicinfo_is_not_looked_up(alpha, eager_imports, anilist, tmp_path):
    info = ("ComicInfo.xml", comicinfo(Series="Some Series", Number="1"))
    job = imported(alpha, write_cbz(tmp_path / "some.cbz", [info, *pages(1, 2)]))

    assert job.state == ImportJob.State.DONE, job.error
    assert lookups(eager_imports) == []
    assert anilist.requests == []


def test_with_lookups_off_nothing_is_queued(alpha, eager_imports, settings, tmp_path):
    # The suite's own setting (tests/support/environment.py), which every process it starts
    # inherits: no test reaches AniList unless it serves the double.
    assert os.environ["ANILIST_API_URL"] == "off"
    assert settings.ANILIST_API_URL == ""

    job = imported(alpha, write_cbz(tmp_path / "Some Series v01 c001.cbz", pages(1, 3)))

    assert job.state == ImportJob.State.DONE, job.error
    assert lookups(eager_imports) == []
    assert Series.objects.get(pk=job.series_id).is_skeleton


def test_a_rate_limited_lookup_is_retried_after_anilists_wait_and_the_import_is_done(
    alpha, eager_imports, anilist, retries, monkeypatch, tmp_path
):
    from readvault.tasks import refresh_series_metadata

    # The import's steps run here; the lookup is kept for the worker, taken below.
    kept: list[tuple] = []
    run_now = queueing.enqueue

    def enqueue(name: str, *args: object, delay: int = 0) -> None:
        if name == LOOKUP_TASK:
            kept.append(args)
        else:
            run_now(name, *args, delay=delay)

    monkeypatch.setattr(queueing, "enqueue", enqueue)
    # AniList's 429: Retry-After in seconds, longer than a task sits through.
    anilist.rate_limit_next(1, retry_after=120)

    job = imported(alpha, write_cbz(tmp_path / "Some Series v01 c001.cbz", pages(1, 3)))
    assert job.state == ImportJob.State.DONE, job.error
    assert job.chapter is not None
    assert kept == [(job.series_id,)]

    result = refresh_series_metadata.apply(args=[job.series_id])

    assert retries[0] == (LOOKUP_TASK, 120)
    # Celery's eager mode runs each retry at once, not after its delay: AniList's pause,
    # kept in the cache for every worker, holds each one back without a request, until the
    # last retry gives up with the failure on the series.
    assert len(retries) == refresh_series_metadata.max_retries
    assert len(anilist.requests) == 1
    assert "not retried again" in result.get()
    series = Series.objects.get(pk=job.series_id)
    assert series.is_skeleton
    assert "AniList rate limit" in series.metadata_error
    assert ImportJob.objects.get(pk=job.pk).state == ImportJob.State.DONE


def test_the_task_says_when_its_series_is_gone_or_filled_in_meanwhile(anilist):
    from readvault.tasks import refresh_series_metadata

    assert refresh_series_metadata.apply(args=[10**9]).get() == f"series {10**9} no longer exists"
    series = Series.objects.create(title="Curated", is_skeleton=False)
    assert "filled in meanwhile" in refresh_series_metadata.apply(args=[series.pk]).get()
    assert anilist.requests == []
