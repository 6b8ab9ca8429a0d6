"""OPDS Page Streaming 1.2 (readvault.opds.pse and the stream links of readvault.opds.entries),
rule by rule: the namespace, the link's rel, type, count and href template, lastRead
(1-based) and lastReadDate from the reader's progress, pages numbered from 0, only JPEG,
PNG or GIF answered (a WebP original through a made JPEG, or converted), maxWidth honoured
with the widths made, double pages never split; a fetched page moves the site's progress;
bad page numbers and widths are 4xx with a sentence."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from asgiref.sync import async_to_sync
from PIL import Image

from readvault.models import PageImage
from readvault.reading.progress import progress_in, record_page
from tests.factories import comic_chapter, comic_series, stored
from tests.support.comic_pages import page_image
from tests.support.opds import NS, PSE_NS, REL_STREAM, get_feed

pytestmark = pytest.mark.django_db

PSE_TYPES = {"image/jpeg", "image/png", "image/gif"}


def image_bytes(width: int, height: int, kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(out, kind)
    return out.getvalue()


@pytest.fixture
def reader(on_alpha, alice):
    on_alpha.force_login(alice)
    return on_alpha


@pytest.fixture
def chapter(alpha):
    series = comic_series("Vinland Saga")
    bodies = [page_image(1000, 1500, seed) for seed in range(4)]
    bodies.append(page_image(2000, 1500, 9))  # a double page
    return comic_chapter(series, "1", pages=bodies)


def stream_link(reader, chapter):
    feed = get_feed(reader, f"/opds/series/{chapter.series.slug}/")
    (entry,) = feed.entries
    (link,) = entry.xpath(f"a:link[@rel='{REL_STREAM}']", namespaces=NS)
    return feed, link


def follow(reader, url: str):
    answer = reader.get(url)
    while answer.status_code == 302:
        answer = reader.get(answer["Location"])
    return answer


async def _read(answer) -> bytes:
    return b"".join([chunk async for chunk in answer.streaming_content])


def body_of(answer) -> bytes:
    return async_to_sync(_read)(answer) if answer.streaming else answer.content


def test_the_feed_declares_the_pse_namespace(reader, chapter):
    feed, _ = stream_link(reader, chapter)
    assert feed.tree.nsmap.get("pse") == PSE_NS


def test_the_stream_link_has_rel_type_count_and_a_template_href(reader, chapter):
    _, link = stream_link(reader, chapter)
    assert link.get("rel") == "http://vaemendis.net/opds-pse/stream"
    assert link.get("type") in PSE_TYPES
    assert link.get(f"{{{PSE_NS}}}count") == "5"
    href = link.get("href")
    assert "{pageNumber}" in href
    assert "{maxWidth}" in href
    assert href == f"/opds/pages/{chapter.pk}/{{pageNumber}}?width={{maxWidth}}"


def test_no_last_read_before_reading(reader, chapter):
    _, link = stream_link(reader, chapter)
    assert link.get(f"{{{PSE_NS}}}lastRead") is None
    assert link.get(f"{{{PSE_NS}}}lastReadDate") is None


def test_last_read_is_one_based_with_an_atom_date(reader, alpha, alice, chapter):
    record_page(alpha, alice, chapter, 2)  # the third page, 0-based 2
    _, link = stream_link(reader, chapter)
    assert link.get(f"{{{PSE_NS}}}lastRead") == "3"
    read_at = link.get(f"{{{PSE_NS}}}lastReadDate")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", read_at)
    assert datetime.fromisoformat(read_at.replace("Z", "+00:00"))


def test_pages_are_numbered_from_zero_to_count_minus_one(reader, chapter):
    originals = list(chapter.pages.order_by("index"))
    for page in originals:
        answer = follow(reader, f"/opds/pages/{chapter.pk}/{page.index}?width=2000")
        assert answer.status_code == 200
        assert answer["Content-Type"] in PSE_TYPES
        assert len(body_of(answer)) == page.size
    past = reader.get(f"/opds/pages/{chapter.pk}/5?width=800")
    assert past.status_code == 404
    assert b"numbered from 0" in past.content


def test_a_double_page_is_one_page_never_split(reader, chapter):
    answer = follow(reader, f"/opds/pages/{chapter.pk}/4")
    with Image.open(io.BytesIO(body_of(answer))) as image:
        assert image.size == (2000, 1500)


def test_max_width_picks_the_widest_made_jpeg_that_fits(reader, chapter):
    page = chapter.pages.get(index=0)
    for width in (400, 800):
        for kind in ("jpeg", "webp"):
            body = image_bytes(width, width * 3 // 2, kind.upper())
            PageImage.objects.create(
                page=page, width=width, format=kind,
                stored=stored(f"p{width}.{kind}", body, kind=kind),
            )  # fmt: skip
    chosen = {}
    for asked in ("300", "400", "799", "800", "999", "1000", "5000", "{maxWidth}"):
        answer = reader.get(f"/opds/pages/{chapter.pk}/0?width={asked}")
        assert answer.status_code == 302
        chosen[asked] = answer["Location"].split("?")[0].rsplit("/", 1)[1]
        assert follow(reader, answer["Location"])["Content-Type"] == "image/jpeg"
    assert chosen == {
        "300": "orig",  # nothing made that narrow: the original (a JPEG) rather than nothing
        "400": "400.jpeg", "799": "400.jpeg", "800": "800.jpeg", "999": "800.jpeg",
        "1000": "orig", "5000": "orig", "{maxWidth}": "orig",
    }  # fmt: skip


def test_png_and_gif_originals_are_sent_as_they_are(reader, alpha):
    series = comic_series("Colour")
    chapter = comic_chapter(series, "1", pages=[image_bytes(50, 70, "PNG")])
    chapter.pages.update(format="png")
    answer = follow(reader, f"/opds/pages/{chapter.pk}/0?width=800")
    assert answer["Content-Type"] == "image/png"
    gif = comic_chapter(series, "2", pages=[image_bytes(50, 70, "GIF")])
    gif.pages.update(format="gif")
    assert follow(reader, f"/opds/pages/{gif.pk}/0")["Content-Type"] == "image/gif"


def test_a_webp_original_goes_out_as_a_made_jpeg(reader, alpha):
    chapter = comic_chapter(comic_series("Modern"), "1", pages=[image_bytes(1000, 1500, "WEBP")])
    page = chapter.pages.get()
    page.__class__.objects.filter(pk=page.pk).update(format="webp")
    body = image_bytes(800, 1200, "JPEG")
    PageImage.objects.create(page=page, width=800, format="jpeg",
                             stored=stored("p800.jpg", body, kind="jpeg"))  # fmt: skip
    for asked in ("2000", "800", "300", ""):
        answer = follow(reader, f"/opds/pages/{chapter.pk}/0?width={asked}")
        assert answer["Content-Type"] == "image/jpeg", asked
        assert body_of(answer) == body


def test_a_webp_original_with_nothing_made_is_converted_at_most_max_width(reader, alpha):
    chapter = comic_chapter(comic_series("Fresh"), "1", pages=[image_bytes(1000, 1500, "WEBP")])
    chapter.pages.update(format="webp")
    answer = reader.get(f"/opds/pages/{chapter.pk}/0?width=500")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(answer.content)) as image:
        assert image.format == "JPEG"
        assert image.size == (500, 750)
    whole = reader.get(f"/opds/pages/{chapter.pk}/0")
    with Image.open(io.BytesIO(whole.content)) as image:
        assert image.size == (1000, 1500)


def test_a_fetched_page_is_the_readers_place_on_the_site(reader, alpha, alice, chapter):
    reader.get(f"/opds/pages/{chapter.pk}/2?width=800")
    progress = progress_in(alpha, alice, chapter.series)[chapter.pk]
    assert progress.page == 2
    assert not progress.finished
    reader.get(f"/opds/pages/{chapter.pk}/4?width=800")
    assert progress_in(alpha, alice, chapter.series)[chapter.pk].finished
    # ...and the feed says so: the app resumes where the site left off and the other way.
    _, link = stream_link(reader, chapter)
    assert link.get(f"{{{PSE_NS}}}lastRead") == "5"


def test_the_redirect_is_never_cached(reader, chapter):
    answer = reader.get(f"/opds/pages/{chapter.pk}/0")
    assert answer.status_code == 302
    assert answer["Cache-Control"] == "private, no-store"


def test_a_head_request_moves_nothing(reader, alpha, alice, chapter):
    reader.head(f"/opds/pages/{chapter.pk}/3")
    assert progress_in(alpha, alice, chapter.series) == {}


def test_bad_page_numbers_and_widths_are_4xx_with_a_sentence(reader, chapter):
    base = f"/opds/pages/{chapter.pk}"
    cases = {
        f"{base}/-1": 400, f"{base}/abc": 400, f"{base}/1.5": 400, f"{base}/²": 400,
        f"{base}/{2**63}": 400, f"{base}/99999": 404, f"{base}/5": 404,
        f"{base}/0?width=0": 400, f"{base}/0?width=-5": 400, f"{base}/0?width=abc": 400,
        f"{base}/0?width=10001": 400, f"{base}/0?width={'9' * 40}": 400,
        "/opds/pages/abc/0": 404, "/opds/pages/0/0": 404, f"/opds/pages/{2**64}/0": 404,
        "/opds/pages/99999/0": 404,
    }  # fmt: skip
    for url, status in cases.items():
        answer = reader.get(url)
        assert answer.status_code == status, url
        assert answer["Content-Type"].startswith("text/plain"), url
        assert len(answer.content) > 10, url
