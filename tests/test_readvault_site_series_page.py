"""The series page (/manga/<slug>/): the series' facts, its chapters with the member's read
state, "Start reading" / "Continue chapter 12, page 7", and the member's actions (want to
read, mark read or unread, read up to here) as POST forms; a constant number of queries
however many chapters."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readvault.models import (
    Genre,
    Person,
    ReadingProgress,
    SeriesCredit,
    Tag,
    Volume,
    WantToRead,
)
from readvault.pages.links import page_uri
from readvault.reading.progress import mark_read, record_page
from stored_media.signing import signed_link
from tests.factories import comic_chapter, comic_series
from tests.support.comic_rows import many_chapters

pytestmark = pytest.mark.django_db


@pytest.fixture
def series():
    manga = comic_series(
        "Blue Harbour",
        summary="A lighthouse keeper's daughter.",
        publisher="Harbour Press",
        age_rating="Teen",
        run_status="ongoing",
        reading_direction="rtl",
        year=2019,
    )
    manga.genres.add(Genre.objects.create(name="Drama", slug="drama"))
    manga.tags.add(Tag.objects.create(name="Sea", slug="sea"))
    SeriesCredit.objects.create(
        series=manga, person=Person.objects.create(name="Aoi Mori"), role="writer"
    )
    SeriesCredit.objects.create(
        series=manga, person=Person.objects.create(name="Ren Sato"), role="penciller", order=1
    )
    return manga


@pytest.fixture
def chapters(series):
    volume = Volume.objects.create(series=series, number=1)
    return many_chapters(series, 3, volume=volume)


@pytest.fixture
def member_client(on_alpha, alice):
    on_alpha.force_login(alice)
    return on_alpha


def page_of(client, series) -> str:
    response = client.get(f"/manga/{series.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def main_button(html: str) -> str:
    actions = html.split('<div class="actions">', 1)[1]
    return re.search(r'<a class="button" href="([^"]*)">([^<]*)</a>', actions).groups()


def test_the_page_shows_the_series_facts(on_alpha, series, chapters):
    html = page_of(on_alpha, series)

    for shown in ("Blue Harbour", "lighthouse keeper", "Harbour Press", "Teen", "Ongoing"):
        assert shown in html
    assert "<dt>Writer</dt><dd>Aoi Mori</dd>" in html
    assert "<dt>Penciller</dt><dd>Ren Sato</dd>" in html
    assert 'href="/manga/?genre=drama"' in html
    assert "Sea" in html
    assert "Volume 1" in html
    assert "Ch. 3" in html


def test_a_visitor_reads_without_forms_and_is_offered_to_sign_in(on_alpha, series, chapters):
    html = page_of(on_alpha, series)

    assert "<form" not in html.split('id="main"', 1)[1]
    assert main_button(html) == (f"/read/{chapters[0].pk}/", "Start reading")
    assert "to keep track of what you read" in html
    assert "Mark as read" not in html
    assert "Want to read" not in html


def test_a_member_starts_at_the_first_chapter(member_client, series, chapters):
    href, label = main_button(page_of(member_client, series))

    assert label == "Start reading"
    assert href == f"/read/{chapters[0].pk}/"


def test_a_member_continues_where_they_stopped(member_client, alpha, alice, series, chapters):
    record_page(alpha, alice, chapters[1], 6)

    html = page_of(member_client, series)
    href, label = main_button(html)

    assert label == "Continue chapter 2, page 7"
    assert href == f"/read/{chapters[1].pk}/?page=7"
    assert "Page 7 of 20" in html


def test_a_finished_chapter_continues_with_the_next(member_client, alpha, alice, series, chapters):
    mark_read(alpha, alice, [chapters[0]])

    html = page_of(member_client, series)

    assert main_button(html) == (f"/read/{chapters[1].pk}/", "Continue chapter 2, page 1")
    assert re.search(rf'id="chapter-{chapters[0].pk}".*?Read</span>', html, re.S)
    assert f'value="{chapters[0].pk}" formaction="/manga/{series.slug}/mark-unread/"' in html


def test_a_series_read_to_its_end_offers_to_read_again(
    member_client, alpha, alice, series, chapters
):
    mark_read(alpha, alice, chapters)

    assert main_button(page_of(member_client, series)) == (
        f"/read/{chapters[0].pk}/",
        "Read again",
    )


def test_progress_on_another_site_is_not_shown(member_client, beta, alice, series, chapters):
    record_page(beta, alice, chapters[2], 4)

    html = page_of(member_client, series)

    assert main_button(html)[1] == "Start reading"
    assert "Page 5 of 20" not in html


def test_want_to_read_toggles(member_client, alpha, alice, series):
    url = f"/manga/{series.slug}/want-to-read/"

    on = member_client.post(url, {"wanted": "1"}, follow=True)
    assert WantToRead.objects.filter(tenant=alpha, user=alice, series=series).exists()
    assert "✓ Want to read" in on.content.decode()
    assert "is on your want-to-read list" in on.content.decode()

    member_client.post(url, {"wanted": "0"})
    assert not WantToRead.objects.filter(user=alice).exists()


def test_mark_read_and_unread(member_client, alpha, alice, series, chapters):
    base = f"/manga/{series.slug}"
    answer = member_client.post(f"{base}/mark-read/", {"chapter": chapters[1].pk})

    assert answer.status_code == 302
    assert answer["Location"] == f"{base}/#chapter-{chapters[1].pk}"
    row = ReadingProgress.objects.get(tenant=alpha, user=alice)
    assert (row.chapter_id, row.finished, row.page) == (chapters[1].pk, True, 19)

    member_client.post(f"{base}/mark-unread/", {"chapter": chapters[1].pk})
    assert not ReadingProgress.objects.exists()


def test_read_up_to_here_marks_every_chapter_before_it(
    member_client, alpha, alice, series, chapters
):
    record_page(alpha, alice, chapters[0], 3)  # an unfinished row is finished too

    answer = member_client.post(
        f"/manga/{series.slug}/read-up-to/", {"chapter": chapters[1].pk}, follow=True
    )

    rows = ReadingProgress.objects.filter(tenant=alpha, user=alice).order_by("chapter__position")
    assert [(r.chapter_id, r.finished) for r in rows] == [
        (chapters[0].pk, True),
        (chapters[1].pk, True),
    ]
    assert "Marked 2 chapters read, up to chapter 2." in answer.content.decode()
    assert main_button(answer.content.decode())[1] == "Continue chapter 3, page 1"


@pytest.mark.parametrize("value", ["", "abc", "-1", "²", str(2**64), "1.5"])
def test_a_bad_chapter_is_a_404(member_client, series, chapters, value):
    answer = member_client.post(f"/manga/{series.slug}/mark-read/", {"chapter": value})

    assert answer.status_code == 404
    assert not ReadingProgress.objects.exists()


def test_a_chapter_of_another_series_is_a_404(member_client, series, chapters):
    other = comic_chapter(comic_series("Other"), "1")

    answer = member_client.post(f"/manga/{series.slug}/read-up-to/", {"chapter": other.pk})

    assert answer.status_code == 404


def test_visitors_and_non_members_are_sent_to_sign_in(on_alpha, bob, series, chapters):
    for who in (None, bob):
        if who is not None:
            on_alpha.force_login(who)
        answer = on_alpha.post(f"/manga/{series.slug}/mark-read/", {"chapter": chapters[0].pk})
        assert answer.status_code == 302
        assert answer["Location"].startswith("/account/login/")
    assert not ReadingProgress.objects.exists()


def test_a_form_without_its_csrf_token_is_refused(alpha, alice, series, chapters):
    from django.test import Client

    client = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)
    client.force_login(alice)

    answer = client.post(f"/manga/{series.slug}/mark-read/", {"chapter": chapters[0].pk})

    assert answer.status_code == 403
    assert not ReadingProgress.objects.exists()


def test_a_series_above_the_sites_cap_is_not_there(member_client, alpha, series, chapters):
    alpha.age_cap = 10
    alpha.save()

    assert member_client.get(f"/manga/{series.slug}/").status_code == 404
    answer = member_client.post(f"/manga/{series.slug}/mark-read/", {"chapter": chapters[0].pk})
    assert answer.status_code == 404


def test_a_series_above_the_members_cap_is_not_there_for_them(
    member_client, on_beta, alice, series, chapters
):
    alice.memberships.update(age_cap=10)

    assert member_client.get(f"/manga/{series.slug}/").status_code == 404
    assert on_beta.get(f"/manga/{series.slug}/").status_code == 200  # their cap, not Beta's


def test_the_page_takes_the_same_queries_for_3_and_500_chapters(
    member_client, alpha, alice, series
):
    few = many_chapters(series, 3)
    record_page(alpha, alice, few[1], 2)
    with CaptureQueriesContext(connection) as small:
        page_of(member_client, series)

    long_one = comic_series("Long One")
    chapters = many_chapters(long_one, 500)
    mark_read(alpha, alice, chapters[:250])
    record_page(alpha, alice, chapters[250], 2)
    with CaptureQueriesContext(connection) as large:
        html = page_of(member_client, long_one)

    assert "Continue chapter 251, page 3" in html
    assert len(large.captured_queries) == len(small.captured_queries) == 14


def test_the_sites_cap_closes_the_reader_and_the_page_links(member_client, alpha, alice):
    chapter = comic_chapter(comic_series("Grown Up", age_rating="Adults Only 18+"), "1")
    link = signed_link(page_uri(chapter.pk, 0, "orig"))
    assert member_client.get(link).status_code == 200

    alpha.age_cap = 17
    alpha.save()

    assert member_client.get(link).status_code in (403, 404)
    assert member_client.get(f"/read/{chapter.pk}/").status_code == 404
    assert member_client.get("/manga/grown-up/").status_code == 404


def test_the_members_cap_closes_the_reader_for_them(member_client, on_beta, alice):
    chapter = comic_chapter(comic_series("Grown Up", age_rating="Adults Only 18+"), "1")
    alice.memberships.update(age_cap=17)

    assert member_client.get(f"/read/{chapter.pk}/").status_code == 404
    assert on_beta.get(f"/read/{chapter.pk}/").status_code == 200
