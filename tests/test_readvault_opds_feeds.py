"""The OPDS 1.2 catalogue's feeds (readvault.opds): each parsed by feedparser and checked
against Atom's RELAX NG schema (tests/support/atom.rng) by tests.support.opds.get_feed; their
OPDS types and links, stable ids, pagination, search, genres, the viewer's lists, age caps
and sites, a walk of every link from the root with no dead link, and constant queries."""

from __future__ import annotations

import re

import pytest
from asgiref.sync import async_to_sync
from lxml import etree

from readvault.models import Genre, Series, SeriesHiding, Volume, WantToRead
from readvault.opds import app_passwords
from readvault.opds.paging import PAGE_SIZE
from readvault.reading.progress import record_page
from tenants.models import Membership
from tests.factories import comic_chapter, comic_series
from tests.support.comic_pages import page_image
from tests.support.opds import NS, REL_ACQUISITION, REL_STREAM, CheckedFeed, get_feed, walk

pytestmark = pytest.mark.django_db

NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
UUID_ID = re.compile(
    r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
)


@pytest.fixture
def library(alpha):
    berserk = comic_series("Berserk", summary="Guts and the Band of the Hawk.", language="en")
    volume = Volume.objects.create(series=berserk, number=1)
    comic_chapter(berserk, "1", position=1, volume=volume, title="The Black Swordsman")
    pages = [page_image(60, 90, seed) for seed in range(3)]
    comic_chapter(berserk, "2", position=2, volume=volume, pages=pages)
    akira = comic_series("Akira", age_rating=Series.AgeRating.MATURE)
    comic_chapter(akira, "1")
    seinen = Genre.objects.create(name="Seinen", slug="seinen")
    Genre.objects.create(name="Empty", slug="empty")
    berserk.genres.add(seinen)
    return {"berserk": berserk, "akira": akira, "seinen": seinen}


@pytest.fixture
def reader(on_alpha, alice):
    on_alpha.force_login(alice)
    return on_alpha


async def first_bytes(answer) -> bytes:
    async for chunk in answer.streaming_content:
        return chunk
    return b""


def links_by_rel(feed: CheckedFeed) -> dict[str, list]:
    found: dict[str, list] = {}
    for link in feed.links(feed_only=True):
        found.setdefault(link.get("rel"), []).append(link)
    return found


def test_the_root_is_a_navigation_feed_of_the_five_sections(reader, library):
    feed = get_feed(reader, "/opds/")
    assert feed.parsed.feed.title == "Alpha"
    assert feed.titles() == [
        "Continue reading", "New chapters", "All series A\u2013Z", "By genre", "Want to read",
    ]  # fmt: skip
    kinds = [
        entry.xpath("a:link[@rel='subsection']/@type", namespaces=NS)[0] for entry in feed.entries
    ]
    assert kinds == [ACQUISITION, ACQUISITION, NAVIGATION, NAVIGATION, NAVIGATION]
    rels = links_by_rel(feed)
    assert rels["self"][0].get("href") == "/opds/"
    assert rels["start"][0].get("href") == "/opds/"
    searches = {link.get("type"): link.get("href") for link in rels["search"]}
    assert searches["application/opensearchdescription+xml"] == "/opds/opensearch.xml"
    assert searches[NAVIGATION] == "/opds/search/?q={searchTerms}"
    assert reader.get("/opds/")["Content-Type"] == NAVIGATION


def test_every_feed_and_entry_has_a_stable_uuid_id_and_an_updated_date(reader, library):
    urls = ["/opds/", "/opds/series/", "/opds/series/berserk/", "/opds/new/", "/opds/genres/"]
    first = {url: get_feed(reader, url) for url in urls}
    again = {url: get_feed(reader, url) for url in urls}
    for url, feed in first.items():
        ids = feed.tree.xpath("//a:id/text()", namespaces=NS)
        assert all(UUID_ID.fullmatch(text) for text in ids), url
        assert len(set(ids)) == len(ids), url
        assert ids == again[url].tree.xpath("//a:id/text()", namespaces=NS)
        assert feed.parsed.feed.updated_parsed is not None
        assert all(entry.updated_parsed is not None for entry in feed.parsed.entries)


def test_ids_differ_between_sites(reader, on_beta, bob, library):
    on_beta.force_login(bob)
    alpha_ids = set(get_feed(reader, "/opds/series/").tree.xpath("//a:id/text()", namespaces=NS))
    beta_ids = set(get_feed(on_beta, "/opds/series/").tree.xpath("//a:id/text()", namespaces=NS))
    assert alpha_ids.isdisjoint(beta_ids)


def test_series_list_entries_lead_to_their_chapters_with_covers(reader, library):
    feed = get_feed(reader, "/opds/series/")
    assert feed.titles() == ["Akira", "Berserk"]
    berserk = feed.entries[1]
    sub = berserk.xpath("a:link[@rel='subsection']", namespaces=NS)[0]
    assert sub.get("href") == "/opds/series/berserk/"
    assert sub.get("type") == ACQUISITION
    for rel in ["http://opds-spec.org/image", "http://opds-spec.org/image/thumbnail"]:
        (image,) = berserk.xpath(f"a:link[@rel='{rel}']", namespaces=NS)
        assert image.get("href").startswith("/pages/")
        assert image.get("type").startswith("image/")
    assert feed.parsed.entries[1].content[0].value == "Guts and the Band of the Hawk."
    assert reader.get("/opds/series/")["Content-Type"] == NAVIGATION


def test_a_series_feed_has_one_entry_per_chapter_in_reading_order(reader, library):
    feed = get_feed(reader, "/opds/series/berserk/")
    assert reader.get("/opds/series/berserk/")["Content-Type"] == ACQUISITION
    assert feed.titles() == ["Vol. 1 Ch. 1 The Black Swordsman", "Vol. 1 Ch. 2"]
    assert links_by_rel(feed)["up"][0].get("href") == "/opds/series/"
    for entry in feed.entries:
        (acquire,) = entry.xpath(f"a:link[@rel='{REL_ACQUISITION}']", namespaces=NS)
        assert acquire.get("type") == "application/vnd.comicbook+zip"
        assert len(entry.xpath(f"a:link[@rel='{REL_STREAM}']", namespaces=NS)) == 1


def test_the_cbz_download_is_the_stored_archive_with_a_sensible_name(reader, library):
    chapter = library["berserk"].chapters.get(number=1)
    answer = reader.get(f"/opds/chapters/{chapter.pk}/download")
    assert answer.status_code == 302
    archive = reader.get(answer["Location"])
    assert archive.status_code == 200
    assert archive["Content-Type"] == "application/vnd.comicbook+zip"
    assert 'filename="berserk-1.cbz"' in archive["Content-Disposition"]
    assert async_to_sync(first_bytes)(archive).startswith(b"PK\x03\x04")


def test_pagination_links_and_bad_pages(reader, alpha):
    Series.objects.bulk_create(
        Series(title=f"Series {n:03d}", slug=f"s-{n}", status=Series.Status.PUBLISHED)
        for n in range(PAGE_SIZE * 2 + 3)
    )
    first = get_feed(reader, "/opds/series/")
    rels = links_by_rel(first)
    assert "previous" not in rels
    assert rels["next"][0].get("href") == "/opds/series/?page=2"
    assert rels["first"][0].get("href") == "/opds/series/"
    assert rels["last"][0].get("href") == "/opds/series/?page=3"
    assert len(first.entries) == PAGE_SIZE
    assert first.tree.xpath("string(os:totalResults)", namespaces=NS) == str(PAGE_SIZE * 2 + 3)
    last = get_feed(reader, "/opds/series/?page=3")
    rels = links_by_rel(last)
    assert "next" not in rels
    assert rels["previous"][0].get("href") == "/opds/series/?page=2"
    assert [e.title for e in last.parsed.entries] == ["Series 100", "Series 101", "Series 102"]
    for bad, status in [("4", 404), ("0", 400), ("-1", 400), ("abc", 400), ("²", 400),
                        ("9" * 40, 400), ("1.5", 400)]:  # fmt: skip
        answer = reader.get(f"/opds/series/?page={bad}")
        assert answer.status_code == status, bad
        assert answer["Content-Type"].startswith("text/plain")


def test_genres_list_only_genres_with_series_shown(reader, library):
    feed = get_feed(reader, "/opds/genres/")
    assert feed.titles() == ["Seinen"]
    (entry,) = feed.entries
    assert entry.xpath("a:link/@href", namespaces=NS) == ["/opds/genres/seinen/"]
    assert get_feed(reader, "/opds/genres/seinen/").titles() == ["Berserk"]
    assert get_feed(reader, "/opds/genres/empty/").titles() == []
    assert reader.get("/opds/genres/nope/").status_code == 404


def test_want_to_read_and_continue_reading_are_the_readers_own(reader, alpha, alice, library):
    assert get_feed(reader, "/opds/want-to-read/").titles() == []
    assert get_feed(reader, "/opds/continue/").titles() == []
    WantToRead.objects.create(tenant=alpha, user=alice, series=library["akira"])
    chapter = library["berserk"].chapters.get(number=2)
    record_page(alpha, alice, chapter, 0)
    assert get_feed(reader, "/opds/want-to-read/").titles() == ["Akira"]
    continuing = get_feed(reader, "/opds/continue/")
    assert continuing.titles() == ["Berserk: Vol. 1 Ch. 2"]
    assert reader.get("/opds/continue/")["Content-Type"] == ACQUISITION


def test_new_chapters_newest_first(reader, library):
    titles = get_feed(reader, "/opds/new/").titles()
    assert titles == [
        "Akira: Ch. 1",
        "Berserk: Vol. 1 Ch. 2",
        "Berserk: Vol. 1 Ch. 1 The Black Swordsman",
    ]


def test_search_through_opensearch(reader, library):
    description = reader.get("/opds/opensearch.xml")
    assert description["Content-Type"] == "application/opensearchdescription+xml"
    tree = etree.fromstring(description.content)
    (url,) = tree.xpath("//os:Url", namespaces=NS)
    assert url.get("template") == "http://a.test/opds/search/?q={searchTerms}"
    assert url.get("type") == NAVIGATION
    assert tree.xpath("string(os:ShortName)", namespaces=NS) == "Alpha"
    assert get_feed(reader, "/opds/search/?q=berserk").titles() == ["Berserk"]
    assert get_feed(reader, "/opds/search/?q=bersek").titles() == ["Berserk"]  # a slip
    assert get_feed(reader, "/opds/search/?q=").titles() == []
    assert get_feed(reader, "/opds/search/?q=" + "x" * 5000).titles() == []
    assert get_feed(reader, "/opds/search/?q=%3Cscript%3E").titles() == []


def test_the_sites_rule_hides_series_in_every_feed(reader, on_beta, bob, alpha, library):
    SeriesHiding.objects.create(tenant=alpha, series=library["berserk"])
    comic_series("Draft", publish=False)
    assert get_feed(reader, "/opds/series/").titles() == ["Akira"]
    assert get_feed(reader, "/opds/genres/").titles() == []
    assert "Berserk" not in " ".join(get_feed(reader, "/opds/new/").titles())
    assert reader.get("/opds/series/berserk/").status_code == 404
    assert reader.get("/opds/series/draft/").status_code == 404
    chapter = library["berserk"].chapters.first()
    assert reader.get(f"/opds/chapters/{chapter.pk}/download").status_code == 404
    assert reader.get(f"/opds/pages/{chapter.pk}/0").status_code == 404
    on_beta.force_login(bob)
    assert get_feed(on_beta, "/opds/series/").titles() == ["Akira", "Berserk"]


def test_the_members_age_cap_applies_to_every_feed(reader, alpha, alice, library):
    Membership.objects.filter(tenant=alpha, user=alice).update(age_cap=13)
    assert get_feed(reader, "/opds/series/").titles() == []  # unrated hidden under a cap too
    Series.objects.filter(pk=library["berserk"].pk).update(age_rating=Series.AgeRating.TEEN)
    assert get_feed(reader, "/opds/series/").titles() == ["Berserk"]
    assert get_feed(reader, "/opds/search/?q=akira").titles() == []
    assert "Akira" not in " ".join(get_feed(reader, "/opds/new/").titles())
    akira_chapter = library["akira"].chapters.get()
    assert reader.get("/opds/series/akira/").status_code == 404
    assert reader.get(f"/opds/pages/{akira_chapter.pk}/0").status_code == 404
    assert reader.get(f"/opds/chapters/{akira_chapter.pk}/download").status_code == 404


def test_the_sites_age_cap_too(reader, alpha, library):
    alpha.age_cap = 13
    alpha.save()
    assert get_feed(reader, "/opds/series/").titles() == []


def test_a_walk_from_the_root_finds_no_dead_link(reader, alpha, alice, library):
    WantToRead.objects.create(tenant=alpha, user=alice, series=library["berserk"])
    record_page(alpha, alice, library["akira"].chapters.get(), 0)
    seen = walk(reader, "/opds/")
    dead = {url: status for url, status in seen.items() if status >= 400}
    assert not dead
    feeds = [url for url in seen if url.startswith("/opds/") and "/pages/" not in url]
    assert {"/opds/series/berserk/", "/opds/genres/seinen/", "/opds/opensearch.xml",
            "/opds/search/?q=a"} <= set(feeds)  # fmt: skip
    assert any(url.startswith("/media/") for url in seen)  # the CBZ, through its redirect
    assert any(url.startswith("/pages/") for url in seen)  # pages and covers


def test_a_walk_through_the_key_in_the_url_stays_inside_it(on_alpha, alpha, alice, library):
    secret = app_passwords.issue(alice, alpha, "Mihon").secret
    prefix = f"/opds/key/{secret}/"
    seen = walk(on_alpha, prefix)
    assert not {url: status for url, status in seen.items() if status >= 400}
    catalogue = [url for url in seen if url.startswith("/opds/")]
    assert len(catalogue) > 10
    assert all(url.startswith(prefix) for url in catalogue)


def test_feeds_run_the_same_queries_however_long_they_are(
    reader, alpha, alice, library, django_assert_num_queries
):
    # Every list holds something: an empty list skips its covers' queries.
    record_page(alpha, alice, library["berserk"].chapters.get(number=2), 0)
    WantToRead.objects.create(tenant=alpha, user=alice, series=library["berserk"])
    urls = ["/opds/", "/opds/series/", "/opds/series/berserk/", "/opds/new/", "/opds/continue/",
            "/opds/want-to-read/", "/opds/genres/", "/opds/genres/seinen/"]  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert reader.get(url).status_code == 200
        return len(queries)

    counted = {url: count(url) for url in urls}
    berserk = library["berserk"]
    for n in range(3, 15):
        chapter = comic_chapter(berserk, str(n), position=n, pages=[page_image(60, 90)] * 2)
        record_page(alpha, alice, chapter, 0)
        series = comic_series(f"More {n}")
        comic_chapter(series, "1")
        series.genres.add(library["seinen"])
        WantToRead.objects.create(tenant=alpha, user=alice, series=series)
    assert {url: count(url) for url in urls} == counted
