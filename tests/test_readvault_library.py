"""ReadVault's library rows: which series a site shows, which stored objects it serves
(registered with the media core in ReadVault's ready()), chapter numbers as decimals."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from readvault.models import Chapter, Series, SeriesHiding
from readvault.models.library import format_number, sort_title_for
from stored_media import owners, signing
from stored_media.models import StoredObject
from stored_media.storage import get_backend
from tests.factories import comic_chapter, comic_series


def _get(client, obj: StoredObject):
    return client.get(signing.sign(obj.media_uri, int(time.time()) + 600))


def test_readvault_registers_its_owner_rule():
    assert "readvault" in owners.registered_owners()


def test_a_published_series_is_visible_unless_the_site_hides_it(alpha, beta):
    shown = comic_series("Shown")
    hidden = comic_series("Hidden here")
    comic_series("Draft", publish=False)
    SeriesHiding.objects.create(tenant=alpha, series=hidden)
    assert set(Series.objects.visible_on(alpha)) == {shown}
    assert set(Series.objects.visible_on(beta)) == {shown, hidden}
    assert not Series.objects.visible_on(None).exists()


def test_a_chapter_archive_is_served_only_where_its_series_is_visible(alpha, on_alpha, on_beta):
    series = comic_series("Served")
    chapter = comic_chapter(series)
    SeriesHiding.objects.create(tenant=alpha, series=series)
    assert _get(on_alpha, chapter.archive).status_code == 404
    assert _get(on_beta, chapter.archive).status_code == 200


def test_a_draft_series_serves_nothing(on_beta):
    chapter = comic_chapter(comic_series("Draft", publish=False))
    assert _get(on_beta, chapter.archive).status_code == 404


def test_page_rows_point_at_the_member_bytes(db):
    wide, tall = _jpeg(80, 40), _jpeg(40, 80)
    chapter = comic_chapter(comic_series(), pages=[wide, tall])
    second = chapter.pages.get(index=1)
    path = get_backend(chapter.archive.backend).local_path(chapter.archive.key)
    data = path.read_bytes()[second.data_offset : second.data_offset + second.compressed_size]
    assert data == tall
    assert chapter.pages.get(index=0).is_wide
    assert not second.is_wide


def _jpeg(width: int, height: int) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(out, "JPEG")
    return out.getvalue()


def test_chapter_numbers_are_exact_decimals_and_unique_per_series(db):
    series = comic_series()
    comic_chapter(series, "10.5")
    assert Chapter.objects.get().number == Decimal("10.5")
    with pytest.raises(IntegrityError), transaction.atomic():
        comic_chapter(series, "10.500")
    comic_chapter(comic_series("Other"), "10.5")  # another series may have its own 10.5


@pytest.mark.parametrize(
    ("number", "text"), [("10.500", "10.5"), ("12.000", "12"), ("0.100", "0.1"), ("100", "100")]
)
def test_format_number_drops_trailing_zeros(number, text):
    assert format_number(Decimal(number)) == text


@pytest.mark.parametrize(
    ("title", "sort"),
    [("The Promised Neverland", "Promised Neverland"), ("A", "A"), ("Another", "Another")],
)
def test_sort_title_drops_a_leading_article(title, sort):
    assert sort_title_for(title) == sort
