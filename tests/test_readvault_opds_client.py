"""An OPDS client library from PyPI reads the catalogue: Shelfline's catalogue client
(shelfline.catalog: httpx with HTTP Basic, feedparser underneath) lists the root, opens the
A-Z list and a series, and takes a chapter's CBZ; the chapter's pages are then streamed
through the PSE link the feed gives, and the site's own progress shows where the app got to.

Shelfline reads OPDS 1.x for e-books and knows nothing of PSE, so the page stream is asked
for here with the same httpx client. Its requests reach Django through an httpx transport
that hands them to the test client on the test's own thread (and database transaction).
"""

from __future__ import annotations

import httpx
import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import Client
from shelfline.catalog import parse_opds_feed
from shelfline.catalog.client import CatalogClient, CatalogFetchError
from shelfline.config import CatalogConfig

from readvault.models import Volume
from readvault.opds import app_passwords
from readvault.reading.progress import progress_in
from tests.factories import comic_chapter, comic_series
from tests.support.comic_pages import page_image

pytestmark = pytest.mark.django_db

ROOT = "http://a.test/opds/"
REL_STREAM = "http://vaemendis.net/opds-pse/stream"


def django_transport() -> httpx.MockTransport:
    django = Client(HTTP_HOST="a.test")

    async def handle(request: httpx.Request) -> httpx.Response:
        headers = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in request.headers.items()
                   if k.lower() in {"authorization", "accept"}}  # fmt: skip
        answer = await sync_to_async(django.get)(request.url.raw_path.decode(), **headers)
        body = (
            b"".join([chunk async for chunk in answer.streaming_content])
            if answer.streaming else answer.content
        )  # fmt: skip
        return httpx.Response(answer.status_code, headers=dict(answer.items()), content=body)

    return httpx.MockTransport(handle)


@pytest.fixture
def berserk(alpha):
    series = comic_series("Berserk", summary="Guts.")
    volume = Volume.objects.create(series=series, number=1)
    comic_chapter(series, "1", volume=volume, pages=[page_image(80, 120, s) for s in range(3)])
    comic_series("Akira")
    return series


async def read_catalogue(catalog: CatalogConfig):
    http = httpx.AsyncClient(transport=django_transport(), follow_redirects=True)
    client = CatalogClient(http)
    try:
        root = parse_opds_feed(await client.fetch_feed(catalog), ROOT)
        a_to_z = next(entry for entry in root.entries if entry.title.startswith("All series"))
        listing = parse_opds_feed(
            await client.fetch_feed(catalog, a_to_z.navigation_url), a_to_z.navigation_url
        )
        series = next(entry for entry in listing.entries if entry.title == "Berserk")
        chapters = parse_opds_feed(
            await client.fetch_feed(catalog, series.navigation_url), series.navigation_url
        )
        (chapter,) = chapters.entries
        (cbz,) = chapter.acquisition_links
        archive = await http.get(
            cbz.href, auth=(catalog.auth["username"], catalog.auth["password"])
        )
        # The stream link, as the feed has it (Shelfline keeps only acquisition links).
        raw = await client.fetch_feed(catalog, series.navigation_url)
        template = _stream_template(raw)
        pages = []
        for number in range(3):
            url = httpx.URL(series.navigation_url).join(
                template.replace("{pageNumber}", str(number)).replace("{maxWidth}", "800")
            )
            pages.append(
                await http.get(url, auth=(catalog.auth["username"], catalog.auth["password"]))
            )
        return root, listing, chapters, cbz, archive, pages
    finally:
        await client.aclose()


def _stream_template(raw: str) -> str:
    from lxml import etree

    tree = etree.fromstring(raw.encode())
    return tree.xpath(f"//*[local-name()='link'][@rel='{REL_STREAM}']/@href")[0]


def test_an_opds_client_lists_opens_downloads_and_streams(alpha, alice, berserk):
    secret = app_passwords.issue(alice, alpha, "Shelfline").secret
    catalog = CatalogConfig("Alpha", ROOT, auth={"username": "alice", "password": secret})

    root, listing, chapters, cbz, archive, pages = async_to_sync(read_catalogue)(catalog)

    assert root.title == "Alpha"
    assert [entry.title for entry in root.entries][:3] == [
        "Continue reading", "New chapters", "All series A\u2013Z",
    ]  # fmt: skip
    assert [entry.title for entry in listing.entries] == ["Akira", "Berserk"]
    berserk_entry = listing.entries[1]
    assert berserk_entry.cover_image_url.startswith("http://a.test/pages/")
    assert berserk_entry.thumbnail_url.startswith("http://a.test/pages/")
    assert [entry.title for entry in chapters.entries] == ["Vol. 1 Ch. 1"]
    assert cbz.media_type == "application/vnd.comicbook+zip"
    assert archive.status_code == 200
    assert archive.content.startswith(b"PK\x03\x04")
    assert [page.headers["content-type"] for page in pages] == ["image/jpeg"] * 3
    # The app read to the last page: the site shows the chapter read.
    progress = progress_in(alpha, alice, berserk)
    (row,) = progress.values()
    assert row.page == 2
    assert row.finished


def test_the_client_is_told_when_its_password_is_wrong(alpha, alice, berserk):
    catalog = CatalogConfig("Alpha", ROOT, auth={"username": "alice", "password": "nope"})

    with pytest.raises(CatalogFetchError, match="Authentication failed"):
        async_to_sync(read_catalogue)(catalog)
