"""The viewer's account pages: overview, watchlist and history, for members of one site only,
with that site's data only, in a constant number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from streaming.models import (
    Episode,
    MediaFile,
    Season,
    Title,
    TitleHiding,
    WatchlistEntry,
    WatchProgress,
)
from tenants.models import Membership, ViewerPlan
from tests import factories
from tests.factories import make_member

pytestmark = pytest.mark.django_db

PAGES = ["/account/", "/account/watchlist/", "/account/history/", "/account/history/clear/"]


def film(name: str, status: str = Title.Status.PUBLISHED) -> Title:
    """A film with one file of 600 s, the length `watched` records (so do episodes)."""
    title = factories.film(name, status, year=2001)
    factories.film_file(title, duration_seconds=600)
    return title


def episode_file(series_name: str, number: int = 1) -> MediaFile:
    """Episode `number` of season 1 of `series_name`, the series made on first use."""
    show, _ = Title.objects.get_or_create(
        title=series_name, kind=Title.Kind.SERIES, status=Title.Status.PUBLISHED
    )
    season, _ = Season.objects.get_or_create(title=show, number=1)
    episode = Episode.objects.create(season=season, number=number, name=f"Part {number}")
    return factories.episode_file(episode, duration_seconds=600)


def make_member_of(tenant, user) -> None:
    Membership.objects.create(tenant=tenant, user=user)


def media_of(title: Title) -> MediaFile:
    return MediaFile.objects.get(title=title)


def watched(tenant, user, media: MediaFile, position: float = 120, minutes_ago: int = 0):
    """A history entry, `minutes_ago` old (auto_now would stamp it now)."""
    progress = WatchProgress.objects.create(
        tenant=tenant, user=user, media_file=media, position_seconds=position, duration_seconds=600
    )
    when = timezone.now() - timedelta(minutes=minutes_ago)
    WatchProgress.objects.filter(pk=progress.pk).update(updated_at=when)
    return progress


def listed(tenant, user, title: Title) -> WatchlistEntry:
    return WatchlistEntry.objects.create(tenant=tenant, user=user, title=title)


def page_of(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def posted(client: Client, path: str, **data) -> str:
    """POST, follow the redirect back to the list, and return that page."""
    response = client.post(path, data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def member(on_alpha, alice) -> Client:
    on_alpha.force_login(alice)
    return on_alpha


@pytest.fixture
def heat() -> Title:
    return film("Heat")


# --- who may see them -----------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_visitors_are_sent_to_sign_in(on_alpha, path):
    response = on_alpha.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(f"/account/login/?next={path}")


@pytest.mark.parametrize("path", PAGES)
def test_a_member_of_another_site_is_sent_to_sign_in_as_the_player_does(on_alpha, bob, path):
    on_alpha.force_login(bob)

    response = on_alpha.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_a_refused_removal_removes_nothing_and_comes_back_to_the_overview(
    alpha, on_alpha, bob, heat
):
    entry = listed(alpha, bob, heat)
    on_alpha.force_login(bob)

    response = on_alpha.post("/account/watchlist/remove/", {"title": heat.pk})

    assert response["Location"] == "/account/login/?next=/account/"
    assert WatchlistEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("path", PAGES)
def test_each_page_renders_for_a_member(member, path):
    response = member.get(path)

    assert response.status_code == 200
    assert response.context["tenant"].name == "Alpha"
    assert response["Cache-Control"].startswith("max-age=0")  # never_cache: private pages


def test_the_username_in_the_top_bar_leads_to_the_account(member):
    page = page_of(member, "/")

    assert '<a href="/account/">alice</a>' in page


# --- overview -------------------------------------------------------------------------------


def test_the_overview_shows_continue_watching_watchlist_and_history(alpha, alice, member, heat):
    ronin = film("Ronin")
    watched(alpha, alice, media_of(heat), position=300)
    watched(alpha, alice, episode_file("The Wire", 2), position=60, minutes_ago=5)
    listed(alpha, alice, ronin)

    page = page_of(member, "/account/")

    assert 'id="shelf-continue"' in page
    assert f'href="/watch/{media_of(heat).pk}/"' in page
    assert 'style="width: 50%"' in page  # 300 s of 600: a progress bar half full
    assert "S01E02 Part 2" in page
    assert 'id="shelf-watchlist"' in page
    assert f'href="/title/{ronin.slug}/"' in page
    assert 'id="shelf-history"' in page
    assert 'href="/account/history/"' in page
    assert 'href="/account/password/change/"' in page
    assert 'action="/account/logout/"' in page
    assert "Member of Alpha since" in page


def test_an_empty_account_points_to_the_catalogue(member):
    page = page_of(member, "/account/")

    assert "Nothing to pick up again" in page
    assert "Your watchlist is empty" in page
    assert "You have not watched anything here yet" in page
    assert page.count('href="/browse/"') >= 3


# --- watchlist ------------------------------------------------------------------------------


def test_the_watchlist_lists_titles_last_added_first_with_a_remove_button(
    alpha, alice, member, heat
):
    ronin = film("Ronin")
    listed(alpha, alice, heat)
    listed(alpha, alice, ronin)

    page = page_of(member, "/account/watchlist/")

    assert page.index("Ronin") < page.index("Heat")
    assert page.count('action="/account/watchlist/remove/"') == 2
    assert f'name="title" value="{heat.pk}"' in page
    assert "csrfmiddlewaretoken" in page


def test_an_empty_watchlist_points_to_the_catalogue(member):
    page = page_of(member, "/account/watchlist/")

    assert "Your watchlist is empty" in page
    assert 'href="/browse/"' in page


def test_the_watchlist_is_paginated(alpha, alice, member):
    for number in range(30):
        listed(alpha, alice, film(f"Film {number:02d}"))

    first, second = (
        page_of(member, "/account/watchlist/"),
        page_of(member, "/account/watchlist/?page=2"),
    )

    assert "Page 1 of 2" in first
    assert first.count('name="title"') == 24
    assert second.count('name="title"') == 6


@pytest.mark.parametrize("number", ["abc", "0", "-1", "999", "1.5", "²"])
def test_a_bad_page_number_still_shows_a_page(alpha, alice, member, heat, number):
    listed(alpha, alice, heat)
    watched(alpha, alice, media_of(heat))

    for path in ("/account/watchlist/", "/account/history/"):
        assert "Heat" in page_of(member, f"{path}?page={number}")


def test_removing_a_title_takes_it_off_and_comes_back_with_a_message(alpha, alice, member, heat):
    listed(alpha, alice, heat)

    page = posted(member, "/account/watchlist/remove/", title=heat.pk)

    assert "“Heat” is off your watchlist." in page
    assert "Your watchlist is empty" in page
    assert not WatchlistEntry.objects.filter(user=alice).exists()


def test_after_a_removal_the_viewer_stays_on_their_page(alpha, alice, member):
    titles = [film(f"Film {number:02d}") for number in range(30)]
    for title in titles:
        listed(alpha, alice, title)

    response = member.post("/account/watchlist/remove/", {"title": titles[0].pk, "page": "2"})

    assert response["Location"] == "/account/watchlist/?page=2"


@pytest.mark.parametrize("junk", ["", "abc", "-3", "1e3", "99999999999999999999999", "٣"])
def test_removing_something_that_is_not_a_title_says_so(member, junk):
    page = posted(member, "/account/watchlist/remove/", title=junk, page=junk)

    assert "That title is not on your watchlist." in page


def test_removing_a_title_not_on_the_list_says_so_and_touches_no_one_else(
    alpha, beta, alice, bob, member, heat
):
    make_member_of(beta, alice)
    theirs = listed(alpha, make_member("carol", alpha), heat)
    other_site = listed(beta, alice, heat)

    page = posted(member, "/account/watchlist/remove/", title=heat.pk)

    assert "That title is not on your watchlist." in page
    assert WatchlistEntry.objects.filter(pk__in=[theirs.pk, other_site.pk]).count() == 2


def test_removing_needs_a_post(member, heat):
    assert member.get(f"/account/watchlist/remove/?title={heat.pk}").status_code == 405
    assert member.get("/account/history/remove/").status_code == 405


def test_removing_needs_the_csrf_token(alpha, alice, heat):
    strict = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)
    strict.force_login(alice)
    listed(alpha, alice, heat)
    progress = watched(alpha, alice, media_of(heat))

    assert strict.post("/account/watchlist/remove/", {"title": heat.pk}).status_code == 403
    assert strict.post("/account/history/remove/", {"entry": progress.pk}).status_code == 403
    assert strict.post("/account/history/clear/").status_code == 403
    assert WatchlistEntry.objects.filter(user=alice).exists()
    assert WatchProgress.objects.filter(user=alice).exists()


def test_the_remove_form_posts_with_the_csrf_token(alpha, alice, heat):
    strict = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)
    strict.force_login(alice)
    listed(alpha, alice, heat)
    page = page_of(strict, "/account/watchlist/")
    token = page.split('name="csrfmiddlewaretoken" value="', 2)[2].split('"', 1)[0]

    response = strict.post(
        "/account/watchlist/remove/", {"title": heat.pk, "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert not WatchlistEntry.objects.filter(user=alice).exists()


# --- history --------------------------------------------------------------------------------


def test_the_history_lists_what_was_watched_newest_first(alpha, alice, member, heat):
    ronin = film("Ronin")
    watched(alpha, alice, media_of(heat), minutes_ago=60)
    watched(alpha, alice, media_of(ronin), minutes_ago=5)
    watched(alpha, alice, episode_file("The Wire", 3), minutes_ago=30)

    page = page_of(member, "/account/history/")

    assert page.index("Ronin") < page.index("The Wire") < page.index("Heat")
    assert "S01E03 Part 3" in page
    assert page.count('action="/account/history/remove/"') == 3
    assert 'href="/account/history/clear/"' in page


def test_the_history_is_paginated(alpha, alice, member):
    for number in range(30):
        watched(alpha, alice, media_of(film(f"Film {number:02d}")), minutes_ago=number)

    first, second = (
        page_of(member, "/account/history/"),
        page_of(member, "/account/history/?page=2"),
    )

    assert "Page 1 of 2" in first
    assert first.count('name="entry"') == 24
    assert "Film 00" in first
    assert second.count('name="entry"') == 6
    assert "Film 29" in second


def test_an_empty_history_points_to_the_catalogue(member):
    page = page_of(member, "/account/history/")

    assert "Nothing watched yet" in page
    assert 'href="/browse/"' in page
    assert "/account/history/clear/" not in page  # nothing to clear


def test_removing_one_entry_keeps_the_others(alpha, alice, member, heat):
    ronin = film("Ronin")
    gone = watched(alpha, alice, media_of(heat))
    kept = watched(alpha, alice, media_of(ronin))

    page = posted(member, "/account/history/remove/", entry=gone.pk)

    assert "“Heat” is off your history." in page
    assert list(WatchProgress.objects.filter(user=alice)) == [kept]


def test_removing_an_episode_names_it_with_its_series(alpha, alice, member):
    entry = watched(alpha, alice, episode_file("The Wire", 4))

    page = posted(member, "/account/history/remove/", entry=entry.pk)

    assert "“The Wire S01E04 Part 4” is off your history." in page


@pytest.mark.parametrize("junk", ["", "abc", "99999999999999999999999"])
def test_removing_an_entry_that_is_not_in_the_history_says_so(member, junk):
    page = posted(member, "/account/history/remove/", entry=junk)

    assert "That is not in your history." in page


def test_removing_someone_elses_entry_leaves_it_alone(alpha, beta, alice, member, heat):
    make_member_of(beta, alice)
    theirs = watched(alpha, make_member("carol", alpha), media_of(heat))
    other_site = watched(beta, alice, media_of(heat))

    for entry in (theirs, other_site):
        page = posted(member, "/account/history/remove/", entry=entry.pk)
        assert "That is not in your history." in page
    assert WatchProgress.objects.count() == 2


def test_clearing_the_history_asks_first(alpha, alice, member, heat):
    watched(alpha, alice, media_of(heat))

    page = page_of(member, "/account/history/clear/")

    assert "Clear your history?" in page
    assert "the 1 thing you watched on Alpha" in page
    assert '<form method="post" action="/account/history/clear/">' in page
    assert WatchProgress.objects.filter(user=alice).count() == 1


def test_clearing_the_history_empties_it_on_this_site_only(alpha, beta, alice, member, heat):
    make_member_of(beta, alice)
    hidden = film("Hidden")
    watched(alpha, alice, media_of(heat))
    watched(alpha, alice, media_of(hidden))
    TitleHiding.objects.create(tenant=alpha, title=hidden)
    elsewhere = watched(beta, alice, media_of(heat))
    theirs = watched(alpha, make_member("carol", alpha), media_of(heat))

    page = posted(member, "/account/history/clear/")

    assert "Your history on Alpha is cleared." in page
    assert "Nothing watched yet" in page
    assert set(WatchProgress.objects.all()) == {elsewhere, theirs}


# --- isolation and visibility ---------------------------------------------------------------


def test_each_site_shows_only_its_own_data(alpha, beta, alice, heat):
    make_member_of(beta, alice)
    ronin, fargo = film("Ronin"), film("Fargo")
    listed(alpha, alice, heat)
    watched(alpha, alice, media_of(heat))
    listed(beta, alice, ronin)
    watched(beta, alice, media_of(ronin))
    bob_on_alpha = make_member("bob_alpha", alpha)
    listed(alpha, bob_on_alpha, fargo)
    watched(alpha, bob_on_alpha, media_of(fargo))
    on_alpha, on_beta = Client(HTTP_HOST="a.test"), Client(HTTP_HOST="b.test")
    on_alpha.force_login(alice)
    on_beta.force_login(alice)

    for path in ("/account/", "/account/watchlist/", "/account/history/"):
        alpha_page, beta_page = page_of(on_alpha, path), page_of(on_beta, path)
        assert "Heat" in alpha_page
        assert "Ronin" not in alpha_page
        assert "Fargo" not in alpha_page
        assert "Ronin" in beta_page
        assert "Heat" not in beta_page
        assert "Fargo" not in beta_page


def test_drafts_and_hidden_titles_never_show(alpha, alice, member, heat):
    draft = film("Secret Draft", status=Title.Status.DRAFT)
    hidden = film("Hidden Gem")
    TitleHiding.objects.create(tenant=alpha, title=hidden)
    for title in (heat, draft, hidden):
        listed(alpha, alice, title)
        watched(alpha, alice, media_of(title))

    for path in ("/account/", "/account/watchlist/", "/account/history/"):
        page = page_of(member, path)
        assert "Heat" in page
        assert "Secret Draft" not in page
        assert "Hidden Gem" not in page
    page = posted(member, "/account/watchlist/remove/", title=draft.pk)
    assert "That title is not on your watchlist." in page
    assert "Secret Draft" not in page


# --- query counts ---------------------------------------------------------------------------


def fill_account(tenant, user, count: int) -> None:
    """`count` titles on the watchlist and in the history, films and episodes mixed."""
    for number in range(count):
        title = film(f"{user} film {number:02d}")
        listed(tenant, user, title)
        show = f"{user}'s long show"
        media = episode_file(show, number + 1) if number % 2 else media_of(title)
        watched(tenant, user, media, position=120, minutes_ago=number)


def queries_for(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/account/", "/account/watchlist/", "/account/history/"])
def test_a_page_costs_the_same_queries_for_3_items_as_for_30(alpha, alice, path):
    few, many = make_member("few", alpha), make_member("many", alpha)
    fill_account(alpha, few, 3)
    fill_account(alpha, many, 30)
    client = Client(HTTP_HOST="a.test")

    client.force_login(few)
    with_few = queries_for(client, path)
    client.force_login(many)
    with_many = queries_for(client, path)

    assert with_few == with_many


def test_the_overview_names_the_viewers_plan_and_whether_it_shows_ads(on_alpha, alice, alpha):
    free = ViewerPlan.objects.create(tenant=alpha, name="Free", ads=True, is_default=True)
    premium = ViewerPlan.objects.create(tenant=alpha, name="Premium", ads=False, price="4.99")
    on_alpha.force_login(alice)

    first = on_alpha.get("/account/").content.decode()
    alice.memberships.filter(tenant=alpha).update(viewer_plan=premium)
    then = on_alpha.get("/account/").content.decode()

    assert [free.name in first, "With ads" in first] == [True, True]
    assert ["Premium" in then, "No ads" in then, "With ads" in then] == [True, True, False]
