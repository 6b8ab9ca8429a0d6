"""Merging two series keeps what readers left on them: want-to-read entries and reader
settings (one row per site, reader and series: a reader who had both keeps one) and reading
progress (it follows its chapters)."""

from __future__ import annotations

import pytest

from readvault.catalogue.merge import merge_series
from readvault.models import ReaderSettings, ReadingProgress, WantToRead
from readvault.reading import progress
from tests.factories import comic_chapter, comic_series, make_member, make_site

pytestmark = pytest.mark.django_db


def test_a_merge_keeps_lists_settings_and_progress_without_doubles():
    site = make_site("Alpha", "alpha.test")
    both, one = make_member("both", site), make_member("one", site)
    keep, duplicate = comic_series("Berserk"), comic_series("Berserk (dup)")
    chapter = comic_chapter(duplicate, "7")
    for user in (both, one):
        WantToRead.objects.create(tenant=site, user=user, series=duplicate)
        ReaderSettings.objects.create(tenant=site, user=user, series=duplicate, choices={"m": 1})
    WantToRead.objects.create(tenant=site, user=both, series=keep)
    ReaderSettings.objects.create(tenant=site, user=both, series=keep, choices={"m": 2})
    progress.record_page(site, one, chapter, 0)

    merge_series(keep, duplicate)

    assert WantToRead.objects.filter(series=keep).count() == 2
    assert ReaderSettings.objects.get(user=both).choices == {"m": 2}  # the kept one's
    assert ReaderSettings.objects.get(user=one).series == keep
    assert ReadingProgress.objects.get(user=one).series == keep
