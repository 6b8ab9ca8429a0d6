"""Reading a chapter's pages shows how far it has come while it runs, not only at its end:
readvault.archives.prepare_chapter calls its `progress(done, total)` page by page (a RAR, 7z
or tar first counting the pages it unpacks, total 0, then the pages checked and written of
the total now known), and an import job's reporter turns that into pages done, pages/s, ETA
and a percent that the admin, the API and `import_comics --wait` show."""

from __future__ import annotations

from pathlib import Path

import pytest

from readvault.archives import prepare_chapter
from readvault.importing import runner, service
from readvault.importing.progress import Reporter
from readvault.importing.progress_line import progress_line, speed_text
from readvault.importing.runner import run_inline
from readvault.models import ImportJob
from tests.support.comic_imports import pages, write_cbz
from tests.support.comic_sources import write_7z
from tests.support.rar_writer import write_rar

PAGES = 30
COUNTED = [(done, PAGES) for done in range(1, PAGES + 1)]
UNPACKED = [(done, 0) for done in range(1, PAGES + 1)]


def recorded_progress(source: Path, work: Path) -> list[tuple[int, int]]:
    calls: list[tuple[int, int]] = []
    prepare_chapter(source, work, progress=lambda done, total: calls.append((done, total)))
    return calls


def test_a_kept_cbz_reports_each_page_of_its_known_total(tmp_path):
    source = write_cbz(tmp_path / "Long c1.cbz", pages(1, PAGES))

    assert recorded_progress(source, tmp_path / "work") == COUNTED


def test_a_rar_reports_the_pages_it_unpacks_then_each_page_it_writes(tmp_path):
    source = write_rar(tmp_path / "Long c1.cbr", pages(1, PAGES), version=5)

    assert recorded_progress(source, tmp_path / "work") == UNPACKED + COUNTED


def test_a_solid_7z_reports_the_pages_it_unpacks_then_each_page_it_writes(tmp_path):
    source = write_7z(tmp_path / "Long c1.cb7", pages(1, PAGES), "-ms=on")

    assert recorded_progress(source, tmp_path / "work") == UNPACKED + COUNTED


def test_no_progress_callback_is_needed(tmp_path):
    source = write_cbz(tmp_path / "Quiet c1.cbz", pages(1, 3))

    assert len(prepare_chapter(source, tmp_path / "work").pages) == 3


# --- an import job ----------------------------------------------------------------------


class RecordingReporter(Reporter):
    """The job's own reporter, writing the row at every call (a real one writes at most once
    a second: these archives take less), and keeping what the archive layer told it."""

    made: list[RecordingReporter] = []

    def __init__(self, job: ImportJob, interval: float = 1.0, listener=None) -> None:
        super().__init__(job, 0.0, listener)
        self.calls: list[tuple[int, int]] = []
        RecordingReporter.made.append(self)

    def pages(self, done: int, total: int) -> None:
        self.calls.append((done, total))
        super().pages(done, total)


@pytest.fixture
def recording(monkeypatch) -> list[RecordingReporter]:
    RecordingReporter.made = []
    monkeypatch.setattr(runner, "Reporter", RecordingReporter)
    return RecordingReporter.made


def run_watched(tenant, source: Path) -> tuple[ImportJob, list[tuple]]:
    choices = service.Choices(tenant=tenant, via="test", queue=lambda job: None)
    [job] = service.submit_paths([source], choices)
    seen: list[tuple] = []

    def listen(current: ImportJob) -> None:
        seen.append(
            (
                current.state,
                current.pages_done,
                current.pages_total,
                current.percent,
                current.eta_seconds,
                progress_line(current),
            )
        )

    return run_inline(job, listener=listen), seen


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("name", "write", "unpacked"),
    [
        ("Long c1.cbz", lambda path: write_cbz(path, pages(1, PAGES)), []),
        ("Long c1.cbr", lambda path: write_rar(path, pages(1, PAGES), version=5), UNPACKED),
        ("Long c1.cb7", lambda path: write_7z(path, pages(1, PAGES), "-ms=on"), UNPACKED),
    ],
    ids=["kept cbz", "converted rar", "converted solid 7z"],
)
def test_the_jobs_percent_rises_while_its_pages_are_read(
    alpha, ingest_dirs, recording, tmp_path, name, write, unpacked
):
    job, seen = run_watched(alpha, write(tmp_path / name))

    assert job.state == ImportJob.State.DONE, job.error
    [reporter] = [r for r in recording if r.calls]
    assert reporter.calls == unpacked + COUNTED
    reading = [s for s in seen if s[0] == ImportJob.State.PROCESSING and s[2]]
    percents = [s[3] for s in reading]
    assert percents == sorted(percents)
    assert any(0 < percent < 100 for percent in percents), "a percent before the end"
    halfway = next(s for s in reading if s[1] == PAGES // 2)
    assert halfway[3] == 50
    assert f"{PAGES // 2} of {PAGES} pages" in halfway[5]
    assert "50%" in halfway[5]


@pytest.mark.django_db(transaction=True)
def test_pages_unpacked_before_their_count_is_known_show_as_a_count(
    alpha, ingest_dirs, recording, tmp_path
):
    job, seen = run_watched(alpha, write_rar(tmp_path / "Long c1.cbr", pages(1, PAGES)))

    assert job.state == ImportJob.State.DONE, job.error
    unpacking = [s for s in seen if s[0] == ImportJob.State.PROCESSING and s[1] and not s[2]]
    assert [s[1] for s in unpacking] == list(range(1, PAGES + 1))
    assert all(s[3] is None for s in unpacking), "no percent before the total is known"
    assert "12 pages" in unpacking[11][5]


def test_the_speed_text_says_the_pages_read_with_or_without_their_total():
    job = ImportJob(state=ImportJob.State.PROCESSING, pages_done=12, pages_per_second=4.0)

    assert speed_text(job) == "12 pages at 4.0 pages/s"
    job.pages_total = 30
    assert speed_text(job) == "12 of 30 pages at 4.0 pages/s"
    job.pages_done, job.pages_total, job.pages_per_second = 0, None, None
    assert speed_text(job) == ""
