"""The reader's manifest (`/read/<id>/pages.json`, readvault.reader.manifest) and page
(`/read/<id>/`): every page's size and signed links at the widths made, the chapters around,
the series' direction and the member's settings and place, in a constant number of queries,
for chapters this viewer may see only."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from readvault.models import ReaderSettings, ReadingProgress, SeriesHiding
from readvault.models.library import ReadingDirection
from stored_media.signing import LinkCheck, verify
from tenants.models import Membership
from tests.factories import comic_series
from tests.support.reader_chapters import chapter_of, made

pytestmark = pytest.mark.django_db


@pytest.fixture
def series(alpha):
    return comic_series("Berserk", reading_direction=ReadingDirection.RIGHT_TO_LEFT)


@pytest.fixture
def chapters(series):
    return [
        chapter_of(series, "1", 3, position=1),
        chapter_of(series, "2", 4, wide=[2], position=2),
        chapter_of(series, "3", 2, position=3),
    ]


@pytest.fixture
def member(alpha, alice) -> Client:
    client = Client(HTTP_HOST="a.test")
    client.force_login(alice)
    return client


def manifest_of(client: Client, chapter_id: int) -> dict:
    answer = client.get(f"/read/{chapter_id}/pages.json")
    assert answer.status_code == 200, answer.content
    return answer.json()


def signed(url: str) -> bool:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return verify(parts.path, query.get("md5"), query.get("expires")) == LinkCheck.VALID


def test_each_page_has_its_size_and_signed_links_at_the_widths_made(on_alpha, chapters):
    second = chapters[1]
    made(second.pages.get(index=0), 400, 800, 1200)
    made(second.pages.get(index=0), 200)  # a thumbnail

    pages = manifest_of(on_alpha, second.pk)["pages"]

    first, _, spread, _ = pages
    assert [p["index"] for p in pages] == [0, 1, 2, 3]
    assert (first["width"], first["height"], first["isWide"]) == (1000, 1400, False)
    assert (spread["width"], spread["isWide"]) == (2000, True)
    assert [c["width"] for c in first["srcset"]] == [400, 800, 1000]  # the original last
    paths = [urlsplit(c["url"]).path for c in first["srcset"]]
    assert paths == [
        f"/pages/{second.pk}/0/auto-400",
        f"/pages/{second.pk}/0/auto-800",
        f"/pages/{second.pk}/0/orig",
    ]
    assert urlsplit(first["thumbnail"]).path == f"/pages/{second.pk}/0/auto-200"
    # Nothing made yet: the original stands in, once, at its own width.
    assert [(urlsplit(c["url"]).path, c["width"]) for c in spread["srcset"]] == [
        (f"/pages/{second.pk}/2/orig", 2000)
    ]
    links = [c["url"] for p in pages for c in p["srcset"]] + [p["thumbnail"] for p in pages]
    assert all(signed(link) for link in links)


def test_the_chapters_around_come_in_reading_order_with_their_links(on_alpha, chapters):
    first, second, third = chapters

    middle = manifest_of(on_alpha, second.pk)
    start = manifest_of(on_alpha, first.pk)
    end = manifest_of(on_alpha, third.pk)

    assert middle["previous"]["id"] == first.pk
    assert middle["next"] == {
        "id": third.pk,
        "label": "Ch. 3",
        "pageCount": 2,
        "url": f"/read/{third.pk}/",
        "manifest": f"/read/{third.pk}/pages.json",
        "progress": f"/read/{third.pk}/progress/",
        "settings": f"/read/{third.pk}/settings/",
    }
    assert (start["previous"], start["next"]["id"]) == (None, second.pk)
    assert (end["previous"]["id"], end["next"]) == (second.pk, None)


def test_the_series_direction_is_the_default_and_a_chapters_own_wins(on_alpha, series, chapters):
    chapters[2].reading_direction = ReadingDirection.WEBTOON
    chapters[2].save()

    assert manifest_of(on_alpha, chapters[0].pk)["direction"] == "rtl"
    assert manifest_of(on_alpha, chapters[2].pk)["direction"] == "webtoon"


def test_a_member_gets_their_settings_and_place_and_a_visitor_none(
    alpha, alice, member, on_alpha, series, chapters
):
    ReaderSettings.objects.create(
        tenant=alpha, user=alice, series=series, choices={"mode": "webtoon", "gone": 1}
    )
    ReadingProgress.objects.create(
        tenant=alpha, user=alice, chapter=chapters[1], series=series, page=2, page_count=4
    )

    mine = manifest_of(member, chapters[1].pk)
    theirs = manifest_of(on_alpha, chapters[1].pk)

    assert (mine["member"], mine["settings"], mine["savedPage"]) == (True, {"mode": "webtoon"}, 2)
    assert (theirs["member"], theirs["settings"], theirs["savedPage"]) == (False, None, None)


def queries_for(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_the_manifest_and_the_page_run_the_same_queries_for_3_pages_as_for_300(member, series):
    # The first has no chapter before it, the second none after: the same count all the same.
    small = chapter_of(series, "1", 3, position=1)
    big = chapter_of(series, "2", 300, wide=range(0, 300, 7), position=2)
    for chapter in (small, big):
        for page in chapter.pages.all()[:3]:
            made(page, 400, 800)

    for path in ("/read/{}/pages.json", "/read/{}/"):
        assert queries_for(member, path.format(small.pk)) == queries_for(
            member, path.format(big.pk)
        )
    # The site, session, user and membership; the chapter; its pages, their images; the ids
    # in reading order and the neighbours; the member's settings and place.
    assert queries_for(member, f"/read/{big.pk}/pages.json") == 11


def test_chapters_this_viewer_may_not_see_are_404(alpha, alice, member, on_alpha, on_beta):
    hidden = chapter_of(comic_series("Hidden"), "1", 2)
    SeriesHiding.objects.create(tenant=alpha, series=hidden.series)
    draft = chapter_of(comic_series("Draft", publish=False), "1", 2)
    adult = chapter_of(comic_series("Adult", age_rating="Adults Only 18+"), "1", 2)
    Membership.objects.filter(user=alice).update(age_cap=13)

    for chapter in (hidden, draft):
        for path in (f"/read/{chapter.pk}/", f"/read/{chapter.pk}/pages.json"):
            assert on_alpha.get(path).status_code == 404
    assert member.get(f"/read/{adult.pk}/pages.json").status_code == 404
    assert on_alpha.get(f"/read/{adult.pk}/pages.json").status_code == 200  # no cap there
    assert on_beta.get(f"/read/{hidden.pk}/pages.json").status_code == 200  # Beta shows it
    assert on_alpha.get(f"/read/{2**63}/").status_code == 404


def reader_config(answer) -> dict:
    found = re.search(
        r'<script id="reader-config" type="application/json">(.*?)</script>',
        answer.content.decode(),
        re.S,
    )
    assert found, answer.content[:500]
    return json.loads(found.group(1))


def test_the_page_shows_the_chapter_and_lists_its_pages_without_javascript(on_alpha, chapters):
    answer = on_alpha.get(f"/read/{chapters[1].pk}/")
    page = answer.content.decode()

    assert answer.status_code == 200
    assert "<title>Ch. 2 · Berserk · Alpha</title>" in page
    assert 'href="/manga/berserk/"' in page
    assert page.count('loading="lazy" alt="Page ') == 4  # the no-script list
    assert f'href="/read/{chapters[2].pk}/" rel="next"' in page
    assert 'src="/static/js/reader/main.js"' in page
    assert "<script>" not in page  # the site's policy runs no inline script


def test_page_n_opens_there_and_a_member_resumes_where_they_stopped(
    alpha, alice, member, on_alpha, series, chapters
):
    chapter = chapters[1]
    ReadingProgress.objects.create(
        tenant=alpha, user=alice, chapter=chapter, series=series, page=2, page_count=4
    )
    path = f"/read/{chapter.pk}/"

    assert reader_config(member.get(path))["startPage"] == 2
    assert reader_config(member.get(path, {"page": "4"}))["startPage"] == 3
    assert reader_config(member.get(path, {"page": "99"}))["startPage"] == 3  # the last
    assert reader_config(member.get(path, {"page": "²"}))["startPage"] == 2  # ignored
    assert reader_config(on_alpha.get(path))["startPage"] is None  # localStorage's to say
    assert reader_config(on_alpha.get(path, {"page": "2"}))["askedPage"] is True


def test_the_chapters_around_follow_the_reading_position_not_the_numbers(on_alpha, series):
    later = chapter_of(series, "2", 1, position=1)  # an operator moved chapter 2 first
    earlier = chapter_of(series, "1", 1, position=2)
    volume_file = chapter_of(series, None, 1, position=2)  # a whole volume: no number, last

    first = manifest_of(on_alpha, later.pk)
    middle = manifest_of(on_alpha, earlier.pk)

    assert (first["previous"], first["next"]["id"]) == (None, earlier.pk)
    assert (middle["previous"]["id"], middle["next"]["id"]) == (later.pk, volume_file.pk)
