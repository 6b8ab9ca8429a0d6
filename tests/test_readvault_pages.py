"""ReadVault's pages: signed page links answered by the origin (readvault/pages/delivery.py) from
made images or from one ranged read of the chapter's archive, the images made in the
background (readvault/pages/images.py), and the links the site and admin use
(readvault/pages/links.py). Through nginx: tests/test_gateway_pages.py."""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections.abc import AsyncIterator
from contextlib import ExitStack

import pytest
from asgiref.sync import async_to_sync
from celery import current_app
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from readvault.models import PageImage, SeriesHiding
from readvault.pages import encoding as image_encoding
from readvault.pages.images import make_for_chapter, queue_for
from readvault.pages.links import (
    chapter_page_urls,
    cover_url,
    page_uri,
    page_url,
    thumbnail_url,
    thumbnail_urls,
)
from readvault.pages.member_bytes import read_page
from readvault.pages.variants import (
    ALL_WIDTHS,
    PageRoles,
    Variant,
    accept_class,
    parse_variant,
    planned_images,
)
from stored_media import signing
from stored_media.storage import get_backend, override_backend
from stored_media.storage.base import Part, StorageBackend
from stored_media.storage.telegram import TelegramBackend
from stored_media.storage.telegram_plan import plan_get_file
from tests.factories import comic_series
from tests.support.comic_pages import chapter_with_pages, page_image
from tests.support.http_probe import fetch
from tests.support.serving import use_s3, uvicorn_in_thread
from tests.support.telegram_double import FakeTelegram

pytestmark = pytest.mark.django_db

AVIF_ACCEPT = "image/avif,image/webp,image/apng,image/*,*/*;q=0.8"  # Chromium's
WEBP_ACCEPT = "image/webp,*/*"  # Safari 14-15's
PLAIN_ACCEPT = "*/*"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.READVAULT_PAGE_AVIF = False


@pytest.fixture
def pages() -> list[bytes]:
    return [page_image(1000, 1400, seed=1), page_image(1000, 1400, seed=2)]


@pytest.fixture
def chapter(alpha, beta, pages):
    return chapter_with_pages(comic_series("Blue Period"), pages)


def link(chapter_id: int, index: int, variant: str = "orig", expires_in: int = 600) -> str:
    return signing.sign(page_uri(chapter_id, index, variant), int(time.time()) + expires_in)


def get(client, path: str, **headers):
    answer = client.get(path, **headers)
    return answer, body_of(answer)


def body_of(answer) -> bytes:
    if not answer.streaming:
        return answer.content
    return async_to_sync(_joined)(answer.streaming_content)


async def _joined(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


# --- the original page ---------------------------------------------------------------------


def test_the_original_page_is_its_member_bytes_with_immutable_caching(chapter, pages, on_alpha):
    answer, body = get(on_alpha, link(chapter.pk, 1))

    assert answer.status_code == 200
    assert body == pages[1]
    assert answer["Content-Type"] == "image/jpeg"
    assert answer["Content-Length"] == str(len(pages[1]))
    assert answer["Cache-Control"] == "public, max-age=31536000, immutable"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert answer["ETag"].startswith('"')  # strong: no W/
    assert "Vary" not in answer


def test_a_known_etag_is_a_304_and_another_page_has_another(chapter, on_alpha):
    first, _ = get(on_alpha, link(chapter.pk, 0))
    second, _ = get(on_alpha, link(chapter.pk, 1))

    again, body = get(on_alpha, link(chapter.pk, 0), HTTP_IF_NONE_MATCH=first["ETag"])
    other, _ = get(on_alpha, link(chapter.pk, 0), HTTP_IF_NONE_MATCH=second["ETag"])

    assert first["ETag"] != second["ETag"]
    assert (again.status_code, body, again["ETag"]) == (304, b"", first["ETag"])
    assert again["Cache-Control"] == "public, max-age=31536000, immutable"
    assert other.status_code == 200


def test_a_head_answers_the_headers_without_reading_storage(chapter, pages, on_alpha):
    answer = on_alpha.head(link(chapter.pk, 0))

    assert (answer.status_code, answer["Content-Length"]) == (200, str(len(pages[0])))
    assert answer.content == b""


def test_a_deflated_member_is_inflated(alpha, pages, on_alpha):
    text = b"a page that deflates well " * 4000
    chapter = chapter_with_pages(comic_series(), [text, *pages], deflate=True)
    page = chapter.pages.get(index=0)
    assert (page.compression, page.compressed_size < page.size) == (8, True)

    _, first_body = get(on_alpha, link(chapter.pk, 0))
    second, second_body = get(on_alpha, link(chapter.pk, 2))

    assert first_body == text
    assert (second.status_code, second_body) == (200, pages[1])


def test_a_deflated_member_that_inflates_wrong_is_refused(alpha, pages, on_alpha, caplog):
    chapter = chapter_with_pages(comic_series(), pages, deflate=True)
    chapter.pages.filter(index=0).update(size=10)  # the stream holds more than recorded

    answer, _ = get(on_alpha, link(chapter.pk, 0))

    assert answer.status_code == 502
    assert "inflates to more than 10 bytes" in caplog.text


# --- who may see it, and bad links ----------------------------------------------------------


def test_a_series_hidden_on_this_site_is_404_there_and_served_elsewhere(
    chapter, alpha, on_alpha, on_beta
):
    SeriesHiding.objects.create(tenant=alpha, series=chapter.series)

    hidden, body = get(on_alpha, link(chapter.pk, 0))
    shown, _ = get(on_beta, link(chapter.pk, 0))

    assert (hidden.status_code, body) == (404, b"No such page.\n")
    assert hidden["Content-Type"] == "text/plain; charset=utf-8"
    assert shown.status_code == 200


def test_a_draft_series_shows_no_page(alpha, pages, on_alpha):
    chapter = chapter_with_pages(comic_series("Draft", publish=False), pages)

    assert get(on_alpha, link(chapter.pk, 0))[0].status_code == 404


@pytest.mark.parametrize(
    ("make_path", "status", "text"),
    [
        (lambda c: link(c.pk, 0).replace("md5=", "md5=A"), 403, "This page link is not valid."),
        (lambda c: page_uri(c.pk, 0, "orig"), 403, "This page link is not valid."),
        (lambda c: link(c.pk, 0, expires_in=-5), 410, "This page link has expired"),
        (lambda c: link(c.pk, 9), 404, "No such page."),
        (lambda c: link(c.pk + 1000, 0), 404, "No such page."),
        (lambda c: link(c.pk, 0, "700.webp"), 404, "No such page."),
        (lambda c: link(c.pk, 0, "800.png"), 404, "No such page."),
        (lambda c: link(c.pk, 0, "auto"), 404, "No such page."),
        (lambda c: link(c.pk, 2**40, "orig"), 404, "No such page."),
        (lambda c: link(2**64, 0, "orig"), 404, "No such page."),
        (lambda c: link(c.pk, 0).replace("/pages/", "/pages//"), 404, "No such page."),
    ],
    ids=[
        "bad signature", "unsigned", "expired", "unknown page", "unknown chapter",
        "unmade width", "unknown format", "auto without width", "huge index", "huge chapter",
        "odd path",
    ],
)  # fmt: skip
def test_bad_links_get_a_clear_text_answer(chapter, on_alpha, make_path, status, text):
    answer, body = get(on_alpha, make_path(chapter))

    assert answer.status_code == status
    assert body.decode().startswith(text)
    assert answer["Content-Type"] == "text/plain; charset=utf-8"
    assert answer["X-Content-Type-Options"] == "nosniff"


def test_only_get_and_head_are_answered(chapter, on_alpha):
    answer = on_alpha.post(link(chapter.pk, 0))

    assert (answer.status_code, answer["Allow"]) == (405, "GET, HEAD")


def test_a_site_that_binds_links_refuses_unbound_ones(chapter, alpha, on_alpha):
    alpha.bind_media_links_to_ip = True
    alpha.save(update_fields=["bind_media_links_to_ip"])
    uri = page_uri(chapter.pk, 0, "orig")

    unbound = on_alpha.get(signing.sign(uri, int(time.time()) + 60))
    bound = on_alpha.get(signing.sign(uri, int(time.time()) + 60, ip="127.0.0.1"))

    assert (unbound.status_code, bound.status_code) == (403, 200)


# --- made images and the variants -----------------------------------------------------------


def test_before_images_are_made_the_original_stands_in_briefly(chapter, pages, on_alpha):
    answer, body = get(on_alpha, link(chapter.pk, 1, "800.webp"))

    assert (answer.status_code, body) == (200, pages[1])
    assert answer["Content-Type"] == "image/jpeg"
    assert answer["Cache-Control"] == "public, max-age=60"


def test_made_images_answer_their_variants(chapter, pages, on_alpha):
    make_for_chapter(chapter)
    original_etag = get(on_alpha, link(chapter.pk, 1))[0]["ETag"]

    answers = {
        variant: get(on_alpha, link(chapter.pk, 1, variant))
        for variant in ("800.webp", "800.jpeg", "400.webp", "1200.webp", "400.avif", "orig")
    }

    webp, body = answers["800.webp"]
    assert (webp["Content-Type"], Image.open(io.BytesIO(body)).size) == ("image/webp", (800, 1120))
    assert webp["Cache-Control"] == "public, max-age=31536000, immutable"
    assert webp["ETag"] != original_etag
    assert answers["800.jpeg"][0]["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(answers["800.jpeg"][1])).format == "JPEG"
    assert Image.open(io.BytesIO(answers["400.webp"][1])).size == (400, 560)
    # 1200 is wider than the page, and pages past the first get no AVIF (the setting is
    # off): the original answers, for good.
    for variant in ("1200.webp", "400.avif"):
        answer, body = answers[variant]
        assert (body, answer["ETag"]) == (pages[1], original_etag)
        assert answer["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    ("index", "accept", "served"),
    [
        (0, AVIF_ACCEPT, "image/avif"),  # the first page is the chapter's thumbnail: AVIF
        (0, WEBP_ACCEPT, "image/webp"),
        (0, PLAIN_ACCEPT, "image/jpeg"),
        (1, AVIF_ACCEPT, "image/webp"),  # a reading page: no AVIF unless the setting says so
        (1, "", "image/jpeg"),
    ],
)
def test_auto_variants_follow_the_accept_header(chapter, on_alpha, index, accept, served):
    make_for_chapter(chapter)

    answer, body = get(on_alpha, link(chapter.pk, index, "auto-400"), HTTP_ACCEPT=accept)

    assert answer.status_code == 200
    assert answer["Content-Type"] == served
    assert Image.open(io.BytesIO(body)).size == (400, 560)
    assert answer["Vary"] == "Accept"
    assert answer["Cache-Control"] == "public, max-age=31536000, immutable"


def test_auto_without_any_image_made_is_the_original_briefly(chapter, pages, on_alpha):
    answer, body = get(on_alpha, link(chapter.pk, 1, "auto-800"), HTTP_ACCEPT=AVIF_ACCEPT)

    assert (body, answer["Content-Type"], answer["Vary"]) == (pages[1], "image/jpeg", "Accept")
    assert answer["Cache-Control"] == "public, max-age=60"


def test_with_the_avif_setting_reading_widths_get_avif_too(chapter, on_alpha, settings):
    settings.READVAULT_PAGE_AVIF = True
    make_for_chapter(chapter)

    answer, _ = get(on_alpha, link(chapter.pk, 1, "auto-800"), HTTP_ACCEPT=AVIF_ACCEPT)

    assert answer["Content-Type"] == "image/avif"


# --- one ranged read per page, whatever the backend -----------------------------------------


class CountingBackend(StorageBackend):
    """Wraps a backend and records every part read it makes: (start, stop, bytes yielded)."""

    def __init__(self, inner: StorageBackend) -> None:
        self.inner = inner
        self.name = inner.name
        self.reads: list[tuple[int, int, int]] = []

    def save(self, source, key, progress=None):
        return self.inner.save(source, key, progress)

    def delete(self, key, parts):
        return self.inner.delete(key, parts)

    async def read_part(
        self, key: str, part: Part, start: int, stop: int, chunk_size: int
    ) -> AsyncIterator[bytes]:
        count = 0
        try:
            async for chunk in self.inner.read_part(key, part, start, stop, chunk_size):
                count += len(chunk)
                yield chunk
        finally:
            self.reads.append((start, stop, count))


def use_telegram(stack: ExitStack) -> FakeTelegram:
    """Telegram cannot be reached here: the double enforces getFile's rules (4 KiB offsets,
    limits dividing 1 MiB, no request across a 1 MiB boundary), as Telegram does."""
    server = FakeTelegram()
    backend = TelegramBackend(
        channel=server.channel, sessions=["session-a"], client_factory=server.connect
    )
    stack.enter_context(override_backend("telegram", backend))
    return server


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("backend_name", ["s3", "telegram", "local"])
def test_a_page_is_one_ranged_read_of_only_its_bytes(alpha, settings, backend_name):
    """Through a real server (uvicorn), so the Telegram backend reads on one event loop."""
    bodies = [page_image(900, 1200, seed=n) for n in range(6)]
    with ExitStack() as stack:
        telegram = use_telegram(stack) if backend_name == "telegram" else None
        if backend_name == "s3":
            use_s3(stack, settings)
        chapter = chapter_with_pages(comic_series(), bodies, backend=backend_name)
        page = chapter.pages.get(index=3)
        counting = stack.enter_context(
            override_backend(backend_name, CountingBackend(get_backend(backend_name)))
        )
        asked_before = len(telegram.requests) if telegram else 0
        port = stack.enter_context(uvicorn_in_thread())

        answer = fetch(port, link(chapter.pk, 3))

    assert (answer.status, answer.body) == (200, bodies[3])
    start = page.data_offset
    assert counting.reads == [(start, start + page.compressed_size, page.compressed_size)]
    if telegram is not None:
        # What Telegram itself sent: the planner's windows over this page's bytes and little
        # more (windows are powers of two on 4 KiB lines; the plan splits one that would
        # fetch over 64 KiB nobody asked for).
        asked = [(offset, limit) for _, offset, limit in telegram.requests[asked_before:]]
        plan = plan_get_file(start, start + page.compressed_size, chapter.archive.size)
        assert asked == [(request.offset, request.limit) for request in plan]
        assert sum(limit for _, limit in asked) <= page.compressed_size + 64 * 1024 + 4096


def test_the_task_reads_each_page_once_and_no_other_byte(chapter, pages):
    counting = CountingBackend(get_backend("local"))
    with override_backend("local", counting):
        make_for_chapter(chapter)

    recorded = [(p.data_offset, p.data_offset + p.size, p.size) for p in chapter.pages.all()]
    assert sorted(counting.reads) == sorted(recorded)


# --- making the images ----------------------------------------------------------------------


def made(chapter) -> set[tuple[int, int, str]]:
    images = PageImage.objects.filter(page__chapter=chapter)
    return {(image.page.index, image.width, image.format) for image in images}


def test_the_task_makes_the_planned_images_and_a_rerun_makes_none(chapter):
    first = make_for_chapter(chapter)
    again = make_for_chapter(chapter)

    every = {"avif", "webp", "jpeg"}
    expected = (
        # Page 0: the chapter's thumbnail (200, 400) and, as the first chapter's first page,
        # the series' cover (300, 600), each in three formats; 400 and 800 to read.
        {(0, width, f) for width in (200, 300, 400, 600) for f in every}
        | {(0, 800, f) for f in ("webp", "jpeg")}
        # Page 1: reading widths below its 1000 px, WebP and JPEG.
        | {(1, width, f) for width in (400, 800) for f in ("webp", "jpeg")}
    )
    assert made(chapter) == expected
    assert len(first) == len(expected)
    assert again == []
    for image in PageImage.objects.filter(page__chapter=chapter).select_related("stored"):
        assert image.stored.backend == chapter.archive.backend
        assert image.stored.content_type == f"image/{image.format}"


def test_a_rerun_makes_only_what_is_missing(chapter):
    make_for_chapter(chapter)
    PageImage.objects.filter(page__index=1, width=800, format="webp").delete()

    remade = make_for_chapter(chapter)

    assert [(i.page.index, i.width, i.format) for i in remade] == [(1, 800, "webp")]


def test_a_corrupt_page_is_skipped_with_a_log_line(alpha, pages, caplog):
    chapter = chapter_with_pages(comic_series(), [b"\xff\xd8\xff\xe0 not a jpeg", pages[0]])
    chapter.pages.filter(index=0).update(width=1000, height=1400)

    with caplog.at_level(logging.WARNING, logger="readvault.pages.images"):
        make_for_chapter(chapter)

    assert not PageImage.objects.filter(page__index=0).exists()
    reading = {(width, f) for width in (400, 800) for f in ("webp", "jpeg")}
    assert {(w, f) for _, w, f in made(chapter)} == reading
    assert "skipped page" in caplog.text
    assert "(index 0)" in caplog.text


def test_a_cover_chosen_in_another_chapter_gets_cover_sizes(alpha, pages):
    series = comic_series()
    first = chapter_with_pages(series, pages, number="1")
    second = chapter_with_pages(series, pages, number="2")
    series.cover_page = second.pages.get(index=1)
    series.save(update_fields=["cover_page"])

    make_for_chapter(first)
    make_for_chapter(second)

    assert (1, 600, "avif") in made(second)
    assert not {(0, 600, "avif"), (0, 300, "webp")} & made(first)


def test_queue_for_sends_the_task_once_the_transaction_commits(
    chapter, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(current_app, "send_task", lambda name, **kw: sent.append((name, kw)))

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        queue_for(chapter)
        assert sent == []

    options = {"args": [chapter.pk], "queue": "cpu", "countdown": None}
    assert sent == [("readvault.tasks.make_page_images", options)]


def test_the_celery_task_makes_the_images_by_chapter_id(chapter):
    from readvault.tasks import make_page_images

    assert make_page_images.run(chapter.pk) == f"18 images made for chapter {chapter.pk}"
    assert make_page_images.run(10**9) == f"chapter {10**9} no longer exists"


# --- sources as they come: modes, frames, orientation ---------------------------------------


def encoded(image: Image.Image, image_format: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()


def sixteen_bit_grey() -> bytes:
    image = Image.new("I;16", (900, 600))
    image.putdata([40000] * (900 * 600))
    return encoded(image, "PNG")


def palette_with_transparency() -> bytes:
    image = Image.new("P", (900, 600), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    return encoded(image, "PNG", transparency=0)


def animated_gif() -> bytes:
    frames = [Image.new("P", (900, 600), colour) for colour in (1, 2, 3)]
    return encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)


def turned_jpeg() -> bytes:
    """A landscape scan that EXIF says to turn a quarter (orientation 6: portrait upright)."""
    exif = Image.Exif()
    exif[0x0112] = 6
    return encoded(Image.new("RGB", (1600, 900), "navy"), "JPEG", exif=exif.tobytes())


SOURCES = {
    "CMYK JPEG": (lambda: encoded(Image.new("CMYK", (900, 600), (0, 255, 255, 0)), "JPEG"), "RGB"),
    "16-bit grey PNG": (sixteen_bit_grey, "L"),
    "palette PNG with transparency": (palette_with_transparency, "RGB"),
    "animated GIF": (animated_gif, "RGB"),
    "bilevel PNG": (lambda: encoded(Image.new("1", (900, 600), 1), "PNG"), "L"),
    "RGBA WebP": (lambda: encoded(Image.new("RGBA", (900, 600), (9, 9, 9, 0)), "WEBP"), "RGB"),
}


@pytest.mark.parametrize("name", SOURCES)
def test_every_kind_of_source_becomes_8_bit_and_encodes(name):
    make, mode = SOURCES[name]

    image = image_encoding.decode(make(), widest=400)
    out = image_encoding.resized(image, 400)

    assert image.mode == mode
    for image_format in ("webp", "jpeg", "avif"):
        assert Image.open(io.BytesIO(image_encoding.encode(out, image_format))).size[0] == 400


def test_16_bit_grey_is_scaled_down_not_clipped():
    image = image_encoding.decode(sixteen_bit_grey(), widest=400)

    assert image.getpixel((0, 0)) == 40000 // 256


def test_a_transparent_page_is_laid_on_white():
    image = image_encoding.decode(palette_with_transparency(), widest=400)

    assert image.getpixel((0, 0)) == (255, 255, 255)


def test_an_exif_turned_page_is_made_upright():
    image = image_encoding.decode(turned_jpeg(), widest=400)

    assert image.width < image.height
    assert image.width >= 400


def test_a_big_jpeg_is_decoded_at_a_smaller_scale():
    big = encoded(Image.new("RGB", (4000, 6000), "white"), "JPEG")

    image = image_encoding.decode(big, widest=800)

    assert image.size == (1000, 1500)  # 1/4 scale: the smallest that covers 800 px


def test_the_task_makes_images_of_odd_sources(alpha):
    sources = [SOURCES[name][0]() for name in SOURCES] + [turned_jpeg()]
    chapter = chapter_with_pages(comic_series(), sources)

    make_for_chapter(chapter)

    assert {index for index, _, _ in made(chapter)} == set(range(len(sources)))
    turned = PageImage.objects.get(page__index=len(sources) - 1, width=400, format="webp")
    body = b"".join(asyncio.run(_read(turned.stored)))
    assert Image.open(io.BytesIO(body)).size == (400, 711)


async def _read(stored) -> list[bytes]:
    chunks = get_backend(stored.backend).read_range(stored.key, stored.part_list, 0, stored.size)
    return [chunk async for chunk in chunks]


# --- links for the site and the admin -------------------------------------------------------


def test_links_name_the_original_until_images_are_made(chapter, rf, alpha, on_alpha, pages):
    request = rf.get("/", HTTP_HOST="a.test")
    request.tenant = alpha
    page = chapter.pages.get(index=1)

    before = page_url(page, request, width=800)
    make_for_chapter(chapter)
    page = chapter.pages.prefetch_related("images").get(index=1)

    assert before.startswith(f"/pages/{chapter.pk}/1/orig?md5=")
    assert page_url(page, request, width=800).startswith(f"/pages/{chapter.pk}/1/auto-800?")
    assert page_url(page, request, width=700, format="jpeg").startswith(
        f"/pages/{chapter.pk}/1/800.jpeg?"
    )
    assert page_url(page, request, width=1000).startswith(f"/pages/{chapter.pk}/1/orig?")
    assert page_url(page, request).startswith(f"/pages/{chapter.pk}/1/orig?")
    assert get(on_alpha, page_url(page, request, width=800))[1] != pages[1]
    with pytest.raises(ValueError, match="format must be"):
        page_url(page, request, width=800, format="png")


def test_cover_and_thumbnail_links(chapter, rf, alpha, on_alpha, django_assert_num_queries):
    request = rf.get("/", HTTP_HOST="a.test")
    request.tenant = alpha
    make_for_chapter(chapter)
    other = chapter_with_pages(chapter.series, [page_image(300, 400)], number="2")

    cover = cover_url(chapter.series, request, 300)
    thumb = thumbnail_url(chapter, request, 200)
    with django_assert_num_queries(2):
        thumbs = thumbnail_urls([chapter, other], request, 200)
    with django_assert_num_queries(2):
        urls = chapter_page_urls(chapter, request, 800)

    assert cover.startswith(f"/pages/{chapter.pk}/0/auto-300?")
    assert thumb.startswith(f"/pages/{chapter.pk}/0/auto-200?")
    assert thumbs[other.pk].startswith(f"/pages/{other.pk}/0/orig?")  # 300 px wide: no 200 yet
    assert [u.split("?")[0] for u in urls] == [f"/pages/{chapter.pk}/{i}/auto-800" for i in (0, 1)]
    answer, _ = get(on_alpha, cover, HTTP_ACCEPT=AVIF_ACCEPT)
    assert (answer.status_code, answer["Content-Type"]) == (200, "image/avif")


def test_a_series_without_pages_has_no_cover(rf, alpha):
    request = rf.get("/", HTTP_HOST="a.test")
    request.tenant = alpha

    assert cover_url(comic_series(), request, 300) is None


def test_links_are_bound_where_the_site_binds_them(chapter, rf, alpha):
    alpha.bind_media_links_to_ip = True
    request = rf.get("/", HTTP_HOST="a.test", REMOTE_ADDR="127.0.0.1")
    request.tenant = alpha

    assert page_url(chapter.pages.get(index=0), request).endswith("&bound=1")


# --- the variant grammar ----------------------------------------------------------------------


@given(st.sampled_from(ALL_WIDTHS), st.sampled_from(["auto", "avif", "webp", "jpeg"]))
def test_every_variant_a_link_names_parses_back(width, image_format):
    variant = Variant(image_format, width)

    assert parse_variant(str(variant)) == variant


@given(st.text(max_size=20))
def test_any_other_text_is_no_variant_or_a_known_one(text):
    variant = parse_variant(text)

    assert variant is None or str(variant) == text


@pytest.mark.parametrize(
    ("accept", "klass"),
    [
        (AVIF_ACCEPT, "avif"),
        ("IMAGE/AVIF", "avif"),
        (WEBP_ACCEPT, "webp"),
        ("text/html,*/*", ""),
        ("", ""),
    ],
)
def test_accept_classes(accept, klass):
    assert accept_class(accept) == klass


def test_only_widths_below_the_page_are_planned():
    small = PageRoles(350, is_thumbnail=True, is_cover=True)

    assert planned_images(small, page_avif=False) == [
        (300, "avif"), (300, "webp"), (300, "jpeg"), (200, "avif"), (200, "webp"), (200, "jpeg"),
    ]  # fmt: skip


def test_read_page_reads_a_whole_page(chapter, pages):
    page = chapter.pages.get(index=0)

    assert asyncio.run(read_page(page, chapter.archive)) == pages[0]
