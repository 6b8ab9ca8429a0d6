"""An imported chapter takes its place in its series' reading order (Chapter.position), so a
series the operator sorted by number stays sorted: chapter 2 arriving after 1 and 3 reads
between them, 10.5 between 10 and 11, a whole-volume file with its volume. A series never
sorted keeps every position 0 and reads by number."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from readvault.catalogue.chapter_order import reading_order, sort_by_number
from readvault.importing import service
from readvault.importing.runner import run_inline
from readvault.models import ImportJob, Series
from readvault.models.library import format_number
from tests.support.comic_imports import pages, write_cbz

pytestmark = pytest.mark.django_db(transaction=True)


class Archives:
    """Archives of one series, each with pages of its own (the same pages twice would be
    the same archive, already in the library)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.next_page = 1

    def imported(self, tenant, name: str) -> ImportJob:
        source = write_cbz(self.folder / name, pages(self.next_page, 2))
        self.next_page += 2
        choices = service.Choices(tenant=tenant, via="test", queue=lambda job: None)
        [job] = service.submit_paths([source], choices)
        job = run_inline(job)
        assert job.state == ImportJob.State.DONE, job.error
        return job


@pytest.fixture
def archives(ingest_dirs, tmp_path) -> Archives:
    return Archives(tmp_path / "sources")


def order(title: str) -> list[str]:
    series = Series.objects.get(title=title)
    return [chapter.label for chapter in reading_order(series)]


def numbers(title: str) -> list[str]:
    series = Series.objects.get(title=title)
    return [format_number(chapter.number) for chapter in reading_order(series)]


def test_a_chapter_imported_after_sorting_reads_between_its_neighbours(alpha, archives):
    archives.imported(alpha, "Blame c001.cbz")
    archives.imported(alpha, "Blame c003.cbz")
    sort_by_number(Series.objects.get(title="Blame"))

    job = archives.imported(alpha, "Blame c002.cbz")

    assert numbers("Blame") == ["1", "2", "3"]
    assert job.chapter.position == 2
    positions = Series.objects.get(title="Blame").chapters.values_list("number", "position")
    assert sorted(positions) == [(Decimal("1"), 1), (Decimal("2"), 2), (Decimal("3"), 3)]


def test_a_half_chapter_reads_between_its_whole_neighbours(alpha, archives):
    for name in ("Blame c009.cbz", "Blame c010.cbz", "Blame c011.cbz", "Blame c012.cbz"):
        archives.imported(alpha, name)
    sort_by_number(Series.objects.get(title="Blame"))

    archives.imported(alpha, "Blame c010.5.cbz")
    archives.imported(alpha, "Blame c013.cbz")  # after the last
    archives.imported(alpha, "Blame c008.cbz")  # before the first

    assert numbers("Blame") == ["8", "9", "10", "10.5", "11", "12", "13"]


def test_a_whole_volume_file_is_placed_by_its_volume(alpha, archives):
    for name in (
        "Blame v01 c001.cbz",
        "Blame v01 c002.cbz",
        "Blame v03 c010.cbz",
        "Blame c020.cbz",
    ):
        archives.imported(alpha, name)
    sort_by_number(Series.objects.get(title="Blame"))

    archives.imported(alpha, "Blame Vol. 2.cbz")

    assert order("Blame") == [
        "Vol. 1 Ch. 1",
        "Vol. 1 Ch. 2",
        "Vol. 2",
        "Vol. 3 Ch. 10",
        "Ch. 20",
    ]


def test_an_order_arranged_by_hand_stays_around_the_new_chapter(alpha, archives):
    for name in ("Blame c001.cbz", "Blame c002.cbz", "Blame c004.cbz"):
        archives.imported(alpha, name)
    series = Series.objects.get(title="Blame")
    sort_by_number(series)
    # The operator reads chapter 4 first (an extra chapter set before the story).
    series.chapters.filter(number=4).update(position=0)

    archives.imported(alpha, "Blame c003.cbz")

    assert numbers("Blame") == ["4", "1", "2", "3"]


def test_a_series_never_sorted_keeps_reading_by_number(alpha, archives):
    for name in ("Blame c003.cbz", "Blame c001.cbz", "Blame c002.cbz"):
        archives.imported(alpha, name)

    assert numbers("Blame") == ["1", "2", "3"]
    series = Series.objects.get(title="Blame")
    assert set(series.chapters.values_list("position", flat=True)) == {0}
