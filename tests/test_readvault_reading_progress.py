"""Reading progress (readvault.reading.progress): one row per site, reader and chapter, what
"finished" means, marks, and where "Continue" goes."""

from __future__ import annotations

import pytest

from readvault.models import ReadingProgress
from readvault.reading import progress
from readvault.site.access import chapters_of
from tests.factories import comic_chapter, comic_series, make_member, make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    alpha = make_site("Alpha", "alpha.test")
    beta = make_site("Beta", "beta.test")
    reader = make_member("reader", alpha)
    series = comic_series("Yotsuba")
    chapters = [comic_chapter(series, str(n), position=n) for n in (1, 2, 3)]
    for chapter in chapters:  # each chapter "has" 20 pages for these rules
        chapter.page_count = 20
        chapter.save(update_fields=["page_count"])
    return alpha, beta, reader, series, chapters


def test_a_page_turn_is_kept_and_the_last_page_finishes_the_chapter(scene):
    alpha, _, reader, _, (first, *_) = scene
    row = progress.record_page(alpha, reader, first, 6)
    assert (row.page, row.page_count, row.finished) == (6, 20, False)
    row = progress.record_page(alpha, reader, first, 19)
    assert row.finished
    assert ReadingProgress.objects.count() == 1


def test_pages_out_of_range_are_clamped_to_the_chapter(scene):
    alpha, _, reader, _, (first, *_) = scene
    assert progress.record_page(alpha, reader, first, -4).page == 0
    row = progress.record_page(alpha, reader, first, 10_000)
    assert (row.page, row.finished) == (19, True)


def test_reading_a_finished_chapter_again_moves_the_page_and_keeps_it_finished(scene):
    alpha, _, reader, _, (first, *_) = scene
    progress.mark_read(alpha, reader, [first])
    row = progress.record_page(alpha, reader, first, 3)
    assert (row.page, row.finished) == (3, True)


def test_progress_belongs_to_one_site(scene):
    alpha, beta, reader, series, (first, *_) = scene
    progress.record_page(alpha, reader, first, 6)
    assert progress.progress_in(beta, reader, series) == {}
    assert progress.progress_in(alpha, reader, series)[first.pk].page == 6


def test_read_up_to_here_marks_this_chapter_and_every_one_before_it(scene):
    alpha, _, reader, series, (first, second, third) = scene
    marked = progress.mark_read(alpha, reader, progress.chapters_up_to(second))
    assert marked == 2
    read = progress.progress_in(alpha, reader, series)
    assert {first.pk, second.pk} == {pk for pk, row in read.items() if row.finished}
    assert third.pk not in read
    assert progress.mark_unread(alpha, reader, [first]) == 1
    assert first.pk not in progress.progress_in(alpha, reader, series)


def test_continue_goes_to_the_page_reached_then_to_the_next_unfinished_chapter(scene):
    alpha, _, reader, series, (first, second, third) = scene
    chapters = chapters_of(series)
    start = progress.resume_point(chapters, progress.progress_in(alpha, reader, series))
    assert (start.chapter, start.page, start.started) == (first, 0, False)

    progress.record_page(alpha, reader, first, 6)
    point = progress.resume_point(chapters, progress.progress_in(alpha, reader, series))
    assert (point.chapter, point.page, point.started) == (first, 6, True)

    progress.mark_read(alpha, reader, [first])
    point = progress.resume_point(chapters, progress.progress_in(alpha, reader, series))
    assert (point.chapter, point.page) == (second, 0)

    progress.mark_read(alpha, reader, [second, third])
    assert progress.resume_point(chapters, progress.progress_in(alpha, reader, series)) is None


def test_a_series_without_chapters_has_nowhere_to_continue():
    assert progress.resume_point([], {}) is None


def test_anonymous_readers_have_no_progress(scene):
    from django.contrib.auth.models import AnonymousUser

    alpha, _, _, series, _ = scene
    assert progress.progress_in(alpha, AnonymousUser(), series) == {}
