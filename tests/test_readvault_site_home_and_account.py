"""ReadVault on the home page ("Continue reading", "New chapters") and the account's
"Reading" tab (want to read, history with remove and clear, the member's own age limit);
the site's age cap in the sites admin; search hits above the member's cap."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readvault.models import ReadingProgress, SeriesHiding, WantToRead
from readvault.reading.progress import mark_read, record_page
from tenants.models import Membership
from tests.factories import comic_series, film, make_member
from tests.support.comic_rows import many_chapters

pytestmark = pytest.mark.django_db


@pytest.fixture
def reading(alpha, alice):
    """Alice is on page 7 of chapter 12 of one series, read another to its end, and
    finished chapter 1 of a third (so goes on with chapter 2)."""
    first = comic_series("Blue Harbour", age_rating="Teen")
    first_chapters = many_chapters(first, 12)
    record_page(alpha, alice, first_chapters[11], 6)
    done = comic_series("Finished Tale", age_rating="Everyone")
    mark_read(alpha, alice, many_chapters(done, 2))
    third = comic_series("Cedar Road", age_rating="Mature 17+")
    third_chapters = many_chapters(third, 3)
    mark_read(alpha, alice, third_chapters[:1])
    return {"first": first, "chapters": first_chapters, "third": third, "done": done}


@pytest.fixture
def member(on_alpha, alice):
    on_alpha.force_login(alice)
    return on_alpha


def shelf(html: str, key: str) -> str:
    match = re.search(
        rf'<section class="shelf" aria-labelledby="shelf-{key}">.*?</section>', html, re.S
    )
    return match.group(0) if match else ""


def test_continue_reading_lists_series_last_read_first_one_card_each(member, reading):
    row = shelf(member.get("/").content.decode(), "continue-reading")

    assert re.findall(r'title-card-name">([^<]*)<', row) == ["Cedar Road", "Blue Harbour"]
    assert "Ch. 12 · page 7" in row
    assert f'href="/read/{reading["chapters"][11].pk}/?page=7"' in row
    assert "Ch. 2 · page 1" in row
    assert "Finished Tale" not in row


def test_continue_reading_is_for_members_of_this_site_only(on_alpha, on_beta, alice, reading):
    assert shelf(on_alpha.get("/").content.decode(), "continue-reading") == ""
    on_beta.force_login(alice)  # not a member of Beta: signed out there
    assert shelf(on_beta.get("/").content.decode(), "continue-reading") == ""


def test_the_members_cap_and_the_sites_hiding_apply_to_continue_reading(
    member, alpha, alice, reading
):
    alice.memberships.update(age_cap=13)
    SeriesHiding.objects.create(tenant=alpha, series=reading["first"])

    assert shelf(member.get("/").content.decode(), "continue-reading") == ""


def newest_chapter(series) -> int:
    return series.chapters.order_by("-created_at", "-pk").first().pk


def test_new_chapters_shows_the_latest_chapters_of_shown_series(on_alpha, alpha, reading):
    SeriesHiding.objects.create(tenant=alpha, series=reading["done"])
    row = shelf(on_alpha.get("/").content.decode(), "new-chapters")

    assert "Cedar Road" in row
    assert "Finished Tale" not in row
    assert f'href="/read/{newest_chapter(reading["third"])}/"' in row  # into the reader


def test_a_site_with_manga_and_no_films_is_not_empty(on_alpha, reading):
    html = on_alpha.get("/").content.decode()

    assert "Nothing to watch yet" not in html
    assert "New chapters" in html


def test_a_site_with_nothing_says_so(on_alpha):
    assert "Nothing to watch yet" in on_alpha.get("/").content.decode()


def test_the_home_rows_take_the_same_queries_for_a_short_and_a_long_history(
    member, alpha, alice, reading
):
    film("A Film")
    member.get("/")  # the biggest genres, counted once into the cache
    with CaptureQueriesContext(connection) as short:
        member.get("/")
    for n in range(20):
        chapters = many_chapters(comic_series(f"More {n}", age_rating="Teen"), 5)
        record_page(alpha, alice, chapters[2], 1)
    with CaptureQueriesContext(connection) as long_history:
        html = member.get("/").content.decode()

    assert len(re.findall("title-card-name", shelf(html, "continue-reading"))) == 12
    assert len(short.captured_queries) == len(long_history.captured_queries)


# --- the account's Reading tab ----------------------------------------------------------------


def test_the_reading_tab_lists_want_to_read_and_removes_from_it(member, alpha, alice, reading):
    WantToRead.objects.create(tenant=alpha, user=alice, series=reading["first"])
    html = member.get("/account/reading/").content.decode()
    assert "Blue Harbour" in html
    assert 'aria-current="page">Reading</a>' in html

    answer = member.post("/account/reading/want-to-read/remove/", {"series": reading["first"].pk})

    assert answer.status_code == 302
    assert not WantToRead.objects.exists()


def test_the_history_lists_chapters_read_most_recent_first(member, reading):
    html = member.get("/account/reading/history/").content.decode()

    metas = re.findall(r'title-card-meta">([^<]*)<', html)
    assert metas[0] == "Ch. 1 · read"  # Cedar Road's, read last
    assert "Ch. 12 · page 7 of 20" in metas
    assert "4 chapters read" in html


def test_a_history_entry_is_removed_and_the_history_cleared(member, alpha, alice, bob, reading):
    entry = ReadingProgress.objects.filter(user=alice).first()
    member.post("/account/reading/history/remove/", {"entry": entry.pk})
    assert not ReadingProgress.objects.filter(pk=entry.pk).exists()

    assert (
        "forgets the 3 chapters" in member.get("/account/reading/history/clear/").content.decode()
    )
    member.post("/account/reading/history/clear/")
    assert not ReadingProgress.objects.filter(tenant=alpha, user=alice).exists()


def test_another_readers_entry_and_another_sites_are_not_removed(
    member, alpha, beta, alice, reading
):
    carol = make_member("carol", alpha)
    theirs = record_page(alpha, carol, reading["chapters"][0], 1)
    elsewhere = record_page(beta, alice, reading["chapters"][1], 1)

    for entry in (theirs, elsewhere):
        answer = member.post("/account/reading/history/remove/", {"entry": entry.pk}, follow=True)
        assert "That is not in your reading history." in answer.content.decode()
        assert ReadingProgress.objects.filter(pk=entry.pk).exists()
    member.post("/account/reading/history/clear/")
    assert ReadingProgress.objects.filter(pk__in=[theirs.pk, elsewhere.pk]).count() == 2


@pytest.mark.parametrize("value", ["", "x", "-1", "²", str(2**64)])
def test_bad_ids_are_warnings(member, reading, value):
    for path in ("/account/reading/history/remove/", "/account/reading/want-to-read/remove/"):
        answer = member.post(path, {"entry": value, "series": value}, follow=True)
        assert answer.status_code == 200
        assert "message-warning" in answer.content.decode()
    assert ReadingProgress.objects.count() == 4


def test_the_reading_tab_is_for_members(on_alpha, on_beta, alice):
    assert on_alpha.get("/account/reading/")["Location"].startswith("/account/login/")
    on_beta.force_login(alice)
    assert on_beta.get("/account/reading/history/")["Location"].startswith("/account/login/")


def test_a_member_sets_and_clears_their_age_limit(member, alice, reading):
    member.post("/account/reading/age-limit/", {"age_cap": "13"})
    assert Membership.objects.get(user=alice).age_cap == 13
    assert member.get(f"/manga/{reading['third'].slug}/").status_code == 404
    assert "Cedar Road" not in member.get("/account/reading/history/").content.decode()

    member.post("/account/reading/age-limit/", {"age_cap": ""})
    assert Membership.objects.get(user=alice).age_cap is None


def test_a_bad_age_limit_is_refused_with_a_message(member, alice):
    answer = member.post("/account/reading/age-limit/", {"age_cap": "99"}, follow=True)

    assert "Choose an age from the list" in answer.content.decode()
    assert Membership.objects.get(user=alice).age_cap is None


def test_site_admins_set_the_sites_age_cap_in_the_admin(on_alpha, alpha, alpha_admin):
    on_alpha.force_login(alpha_admin)
    url = f"/admin/tenants/tenant/{alpha.pk}/change/"
    form = on_alpha.get(url).content.decode()
    assert 'name="age_cap"' in form

    answer = on_alpha.post(
        url,
        {
            "name": alpha.name,
            "tagline": "",
            "accent_colour": alpha.accent_colour,
            "accent_colour_2": alpha.accent_colour_2,
            "signup_mode": "open",
            "age_cap": "13",
            "domains-TOTAL_FORMS": "0",
            "domains-INITIAL_FORMS": "0",
            "sitestatechanges-TOTAL_FORMS": "0",
            "sitestatechanges-INITIAL_FORMS": "0",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    alpha.refresh_from_db()
    assert alpha.age_cap == 13


def test_search_leaves_out_series_above_the_members_cap(member, alice):
    comic_series("Harbour Teen", age_rating="Teen")
    comic_series("Harbour Adult", age_rating="Adults Only 18+")
    alice.memberships.update(age_cap=13)

    html = member.get("/search/?q=harbour").content.decode()
    suggestions = member.get("/search/typeahead?q=harbour").json()["results"]

    assert "Harbour Teen" in html
    assert "Harbour Adult" not in html
    assert [s["title"] for s in suggestions] == ["Harbour Teen"]


def test_another_sites_list_and_progress_are_not_shown_here(member, beta, alice):
    elsewhere = comic_series("Beta Only Reading", age_rating="Teen")
    chapters = many_chapters(elsewhere, 3)
    WantToRead.objects.create(tenant=beta, user=alice, series=elsewhere)
    record_page(beta, alice, chapters[1], 4)

    assert "Beta Only Reading" not in member.get("/account/reading/").content.decode()
    assert "Beta Only Reading" not in member.get("/account/reading/history/").content.decode()
    home = member.get("/").content.decode()
    assert "Beta Only Reading" not in shelf(home, "continue-reading")
