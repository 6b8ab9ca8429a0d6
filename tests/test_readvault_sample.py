"""`manage.py bootstrap` makes a sample manga beside the sample film: two chapters drawn with
Pillow, read right to left, with a double-page spread, imported through the import pipeline
and published; running it again makes nothing more."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import call_command
from django.test import Client
from PIL import Image, ImageStat

from readvault.archives import PageFacts, page_bytes
from readvault.catalogue.sample_comic import SAMPLE_TITLE
from readvault.metadata.comicinfo import parse_comicinfo
from readvault.models import Chapter, ImportJob, Page, Series
from readvault.pages.links import page_uri
from stored_media.models import StoredObject
from stored_media.signing import signed_link
from stored_media.storage import get_backend
from tenants.models import Tenant


@pytest.fixture
def fresh_install(db, settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SAMPLE_MEDIA_DIR = tmp_path / "sample"
    settings.INGEST_WORK_DIR = tmp_path / "ingest"
    monkeypatch.setenv("DEMO_ADMIN_USERNAME", "demo")
    # No ffmpeg: the sample film is skipped (tests/test_bootstrap.py makes it), the manga
    # needs none.
    monkeypatch.setenv("PATH", "/nonexistent")
    return tmp_path


def archive_bytes(chapter: Chapter) -> bytes:
    return get_backend(chapter.archive.backend).local_path(chapter.archive.key).read_bytes()


def image_of(page: Page, archive: bytes) -> Image.Image:
    """The page as a reader gets it: the member's bytes at the recorded offset."""
    raw = archive[page.data_offset : page.data_offset + page.compressed_size]
    facts = PageFacts(
        page.index, page.member_name, page.width, page.height, page.format, page.size,
        page.is_wide, page.data_offset, page.compressed_size, page.compression,
    )  # fmt: skip
    return Image.open(io.BytesIO(page_bytes(raw, facts)))


def test_bootstrap_publishes_a_readable_right_to_left_manga(fresh_install, capsys):
    call_command("bootstrap")

    site = Tenant.objects.get(slug="default")
    [series] = Series.objects.visible_on(site)
    chapters = list(series.chapters.order_by("number"))
    assert series.title == SAMPLE_TITLE
    assert series.reading_direction == "rtl"
    assert not series.is_skeleton
    assert [str(c.number) for c in chapters] == ["1.000", "2.000"]
    assert [c.title for c in chapters] == ["The Vault Opens", "Night Shift"]
    assert [c.page_count for c in chapters] == [5, 4]
    assert sorted(series.genres.values_list("name", flat=True)) == ["Adventure", "Comedy"]
    jobs = ImportJob.objects.order_by("pk")
    assert [(j.via, j.state, j.chapter) for j in jobs] == [
        ("bootstrap", "done", c) for c in chapters
    ]
    assert sorted(p.name for p in (fresh_install / "sample" / SAMPLE_TITLE).iterdir()) == [
        f"{SAMPLE_TITLE} - Chapter 1.cbz",
        f"{SAMPLE_TITLE} - Chapter 2.cbz",
    ]
    assert f"Sample manga: “{SAMPLE_TITLE}”, 2 chapters" in capsys.readouterr().out


def test_the_first_chapter_has_a_double_page_spread(fresh_install):
    call_command("bootstrap")

    wide = Page.objects.get(is_wide=True)
    assert (wide.chapter.number, wide.index, wide.width, wide.height) == (1, 3, 1600, 1200)
    assert set(Page.objects.exclude(pk=wide.pk).values_list("width", "height")) == {(800, 1200)}


def test_every_page_reads_back_from_its_stored_archive(fresh_install):
    call_command("bootstrap")

    title_colours = []
    for chapter in Chapter.objects.order_by("number"):
        archive = archive_bytes(chapter)
        for page in chapter.pages.all():
            image = image_of(page, archive)
            assert (image.format, image.size) == ("JPEG", (page.width, page.height))
        title_colours.append(ImageStat.Stat(image_of(chapter.pages.get(index=0), archive)).mean)
    warm, cool = title_colours
    assert warm[0] > warm[2]
    assert cool[2] > cool[0]


def test_a_reader_gets_the_pages_through_their_signed_links(fresh_install):
    call_command("bootstrap")

    reader = Client(HTTP_HOST="localhost")
    for page in Page.objects.filter(index__in=[0, 3]):
        answer = reader.get(signed_link(page_uri(page.chapter_id, page.index, "orig")))
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content

        assert answer.status_code == 200
        assert answer["Content-Type"] == "image/jpeg"
        assert Image.open(io.BytesIO(body)).size == (page.width, page.height)


def test_the_archives_say_they_read_right_to_left(fresh_install):
    call_command("bootstrap")

    for chapter in Chapter.objects.all():
        with zipfile.ZipFile(io.BytesIO(archive_bytes(chapter))) as archive:
            info = parse_comicinfo(archive.read("ComicInfo.xml"))
        assert (info.manga, info.reading_direction, info.series) == (True, "rtl", SAMPLE_TITLE)
        assert chapter.kept_as_is
        assert chapter.source_format == "cbz"
        assert chapter.archive.content_type == "application/vnd.comicbook+zip"


def test_running_bootstrap_again_makes_no_second_series(fresh_install):
    call_command("bootstrap")
    call_command("bootstrap")

    assert Series.objects.count() == 1
    assert Chapter.objects.count() == 2
    assert ImportJob.objects.count() == 2
    assert StoredObject.objects.filter(content_type="application/vnd.comicbook+zip").count() == 2


def test_no_sample_skips_the_manga_too(fresh_install):
    call_command("bootstrap", "--no-sample")

    assert not Series.objects.exists()
