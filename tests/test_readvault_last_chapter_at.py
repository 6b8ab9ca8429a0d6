"""Series.last_chapter_at, the time of a series' newest chapter, follows chapters added
(import, the sample manga), moved (a merge) and deleted (the admin), and the manga grid's
"Recently updated" order reads it from its index (readvault 0006)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from readvault.catalogue import newest_chapter
from readvault.catalogue.merge import merge_series
from readvault.catalogue.sample_comic import ensure_sample_series
from readvault.models import Chapter, Series
from readvault.site.browse_filters import MangaFilters
from tests.factories import comic_chapter, comic_series, make_site

pytestmark = pytest.mark.django_db


def newest(series: Series):
    return Series.objects.get(pk=series.pk).last_chapter_at


def aged(chapter: Chapter, days: int) -> Chapter:
    """The chapter as if added `days` ago (the series' field read afresh after)."""
    Chapter.objects.filter(pk=chapter.pk).update(created_at=timezone.now() - timedelta(days=days))
    newest_chapter.refresh([chapter.series_id])
    chapter.refresh_from_db()
    return chapter


def test_a_series_without_chapters_has_none_and_a_new_chapter_sets_it():
    series = comic_series("Alpha")
    assert newest(series) is None

    chapter = comic_chapter(series, "1")

    assert newest(series) == chapter.created_at


def test_a_chapter_added_after_a_later_dated_one_does_not_move_it_back():
    series = comic_series("Alpha")
    ahead = comic_chapter(series, "2")
    later = timezone.now() + timedelta(days=1)
    Chapter.objects.filter(pk=ahead.pk).update(created_at=later)
    newest_chapter.refresh([series.pk])

    comic_chapter(series, "1")

    assert newest(series) == later


def test_deleting_the_newest_chapter_falls_back_to_the_one_before():
    series = comic_series("Alpha")
    first = aged(comic_chapter(series, "1"), 5)
    second = comic_chapter(series, "2")

    second.delete()
    assert newest(series) == first.created_at

    Chapter.objects.filter(series=series).delete()  # the admin's bulk delete
    assert newest(series) is None


def test_deleting_an_older_chapter_keeps_it():
    series = comic_series("Alpha")
    first = aged(comic_chapter(series, "1"), 5)
    second = comic_chapter(series, "2")

    first.delete()

    assert newest(series) == second.created_at


def test_deleting_a_series_with_chapters_works():
    series = comic_series("Alpha")
    comic_chapter(series, "1")
    comic_chapter(series, "2")

    series.delete()

    assert not Series.objects.filter(pk=series.pk).exists()


def test_a_merge_gives_the_kept_series_the_newer_of_both():
    keep, duplicate = comic_series("Keep"), comic_series("Duplicate")
    aged(comic_chapter(keep, "1"), 9)
    moved = comic_chapter(duplicate, "2")

    merge_series(keep, duplicate)

    assert newest(keep) == moved.created_at


def test_the_sample_manga_imported_through_the_pipeline_has_it(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INGEST_WORK_DIR = tmp_path / "ingest"
    series = ensure_sample_series(tmp_path / "sample", make_site("alpha", "alpha.test"))

    chapters = Chapter.objects.filter(series=series)
    assert chapters.count() == 2
    assert newest(series) == max(chapter.created_at for chapter in chapters)


def test_the_recently_updated_order_reads_the_field_not_the_chapters():
    early, late, _ = comic_series("Early"), comic_series("Late"), comic_series("None")
    aged(comic_chapter(early, "1"), 3)
    comic_chapter(late, "1")

    with CaptureQueriesContext(connection) as queries:
        shown = list(MangaFilters(sort="updated").apply(Series.objects.all()))

    assert [series.title for series in shown] == ["Late", "Early", "None"]
    [query] = queries.captured_queries
    assert "readvault_chapter" not in query["sql"]
    assert "last_chapter_at" in query["sql"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_postgresql_reads_the_grid_in_the_index_order():
    rows = [
        Series(
            title=f"Series {n}",
            slug=f"series-{n}",
            status=Series.Status.PUBLISHED,
            last_chapter_at=timezone.now() - timedelta(minutes=n) if n % 7 else None,
        )
        for n in range(3000)
    ]
    Series.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE readvault_series")
    page = MangaFilters(sort="updated").apply(
        Series.objects.visible_on(make_site("alpha", "alpha.test"))
    )[:48]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "series_recently_updated" in plan, plan
    assert "Sort" not in plan.split("series_recently_updated")[0], plan
