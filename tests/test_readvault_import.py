"""Comic import jobs end to end, through the real tasks (Celery eager, tests.support.
comic_imports): a folder of archives of every format becomes series, volumes and chapters
grouped as their folders and names say, each chapter's archive stored (kept byte for byte
when it can be, else converted to CBZ) with a Page row per page; the job reports its pages,
bytes and speed; the same archive again ends as already in the library, and another archive
with a chapter number the series has fails naming that chapter."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from readvault.importing import service
from readvault.importing.progress_line import progress_line
from readvault.importing.runner import run_inline
from readvault.models import Chapter, ImportJob, Page, Series, Volume
from readvault.models.library import format_number
from stored_media.models import StoredObject
from tests.support.comic_imports import (
    Queued,
    comicinfo,
    leftovers,
    pages,
    run_tasks_eagerly,
    write_cbz,
    write_library,
)
from tests.support.rar_writer import write_rar

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def eager_imports(ingest_dirs, monkeypatch) -> Queued:
    return run_tasks_eagerly(monkeypatch)


def import_paths(tenant, *paths, **choices) -> list[ImportJob]:
    jobs = service.submit_paths(paths, service.Choices(tenant=tenant, via="test", **choices))
    return [ImportJob.objects.get(pk=job.pk) for job in jobs]


def test_a_folder_of_several_formats_becomes_series_volumes_and_chapters(
    alpha, eager_imports, ingest_dirs, tmp_path
):
    library = ingest_dirs / "import"
    expected = write_library(library, tmp_path / "scratch")

    jobs = service.submit_paths(["."], service.Choices(tenant=alpha, via="folder"), within=library)

    jobs = [ImportJob.objects.get(pk=job.pk) for job in jobs]
    assert [(j.state, j.error) for j in jobs] == [("done", "")] * len(expected)
    found = sorted(
        (
            c.series.title,
            c.volume.number if c.volume else None,
            format_number(c.number) if c.number is not None else None,
            c.page_count,
            c.source_format,
            c.kept_as_is,
        )
        for c in Chapter.objects.select_related("series", "volume")
    )
    assert found == sorted(tuple(vars(e).values()) for e in expected)
    assert Series.objects.count() == 3
    assert set(Series.objects.values_list("status", flat=True)) == {"published"}
    assert Volume.objects.filter(series__title="Berserk").count() == 2
    assert Page.objects.count() == sum(e.pages for e in expected)
    assert sorted(eager_imports.page_images) == sorted(Chapter.objects.values_list("pk", flat=True))
    assert leftovers(ingest_dirs) == []
    assert all((library / "Berserk").rglob("*.cbz")), "the operator's files stay where they were"
    for chapter in Chapter.objects.select_related("archive"):
        stored = ingest_dirs / "media" / chapter.archive.key
        assert chapter.archive.sha256 == hashlib.sha256(stored.read_bytes()).hexdigest()


def test_a_kept_cbz_is_stored_byte_for_byte_with_page_facts_that_point_at_its_bytes(
    alpha, eager_imports, tmp_path
):
    source = write_cbz(tmp_path / "Vinland Saga c012.cbz", pages(1, 3))

    [job] = import_paths(alpha, source)

    chapter = job.chapter
    assert job.state == "done"
    assert chapter.kept_as_is
    stored = chapter.archive
    assert stored.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert stored.content_type == "application/vnd.comicbook+zip"
    data = source.read_bytes()
    for page_row, (_name, body) in zip(chapter.pages.order_by("index"), pages(1, 3), strict=True):
        start = page_row.data_offset
        assert data[start : start + page_row.compressed_size] == body
    assert source.exists()


def test_comicinfo_names_the_series_and_number_before_the_file_name(alpha, eager_imports, tmp_path):
    members = [*pages(1, 2), ("ComicInfo.xml", comicinfo(Series="Frieren", Number="7", Volume="2"))]
    source = write_cbz(tmp_path / "scan-0042.cbz", members)

    [job] = import_paths(alpha, source)

    assert job.state == "done", job.error
    assert (job.series.title, job.chapter.number, job.chapter.volume.number) == (
        "Frieren",
        Decimal("7"),
        2,
    )


def test_the_operators_series_wins_and_no_publish_leaves_it_a_draft(alpha, eager_imports, tmp_path):
    target = Series.objects.create(title="Chosen Series")
    source = write_cbz(tmp_path / "Another Name c5.cbz", pages(1, 2))

    [job] = import_paths(alpha, source, target_series=target, publish=False)

    assert job.state == "done", job.error
    assert job.chapter.series == target
    assert Series.objects.count() == 1
    target.refresh_from_db()
    assert target.status == Series.Status.DRAFT


def test_the_job_reports_its_pages_bytes_and_speed_as_it_goes(alpha, ingest_dirs, tmp_path):
    source = write_cbz(tmp_path / "Progress c1.cbz", pages(1, 6))
    [job] = service.submit_paths(
        [source], service.Choices(tenant=alpha, via="test", queue=lambda job: None)
    )
    seen: list[tuple] = []

    def listen(current: ImportJob) -> None:
        seen.append(
            (
                current.state,
                current.pages_done,
                current.pages_total,
                current.pages_per_second,
                current.bytes_done,
                current.bytes_total,
                current.percent,
                progress_line(current),
            )
        )

    job = run_inline(job, listener=listen)

    assert job.state == "done", job.error
    assert job.percent == 100
    assert [s[0] for s in seen][:3] == ["probing", "processing", "processing"]
    reading = [s for s in seen if s[0] == "processing" and s[2]]
    assert reading[-1][1:3] == (6, 6)
    assert reading[-1][3] > 0, "pages per second"
    assert reading[-1][6] == 100
    assert "6 of 6 pages at" in reading[-1][7]
    assert "pages/s" in reading[-1][7]
    storing = [s for s in seen if s[0] == "uploading" and s[5]]
    assert storing[-1][4] == storing[-1][5] == source.stat().st_size
    assert job.chapter.page_count == 6
    assert job.finished_at is not None
    assert job.worker == ""


def test_the_same_archive_again_ends_as_already_in_the_library(alpha, eager_imports, tmp_path):
    source = write_cbz(tmp_path / "Blame! c001.cbz", pages(1, 2))
    [first] = import_paths(alpha, source)
    copy = tmp_path / "copy" / "renamed.cbz"
    copy.parent.mkdir()
    copy.write_bytes(source.read_bytes())

    [again] = import_paths(alpha, copy)

    assert again.state == ImportJob.State.DUPLICATE
    assert again.note == "already in the library as Blame!, Ch. 1"
    assert again.chapter == first.chapter
    assert Chapter.objects.count() == 1
    assert StoredObject.objects.count() == 1


def test_a_converted_archive_again_is_recognised_by_its_source(alpha, eager_imports, tmp_path):
    source = write_rar(tmp_path / "Blame! c002.cbr", pages(1, 2))
    import_paths(alpha, source)

    [again] = import_paths(alpha, source)

    assert again.state == ImportJob.State.DUPLICATE
    assert Chapter.objects.count() == 1


def test_another_archive_with_a_number_the_series_has_fails_naming_that_chapter(
    alpha, eager_imports, tmp_path
):
    [first] = import_paths(alpha, write_cbz(tmp_path / "a" / "Blame! c003.cbz", pages(1, 2)))

    [clash] = import_paths(alpha, write_cbz(tmp_path / "b" / "Blame! - 003.cbz", pages(5, 3)))

    assert clash.state == ImportJob.State.FAILED
    assert clash.error.startswith(f"Blame! already has Ch. 3 (chapter #{first.chapter.pk}")
    assert clash.chapter is None
    assert Chapter.objects.count() == 1
    assert StoredObject.objects.count() == 1, "the second archive was never stored"
