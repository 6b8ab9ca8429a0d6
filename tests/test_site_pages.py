"""The viewer-facing pages: home rows, browse, search, title pages, the player and its endpoints."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from streaming.models import (
    Collection,
    CollectionEntry,
    Comment,
    Credit,
    Episode,
    Genre,
    MediaFile,
    Person,
    Season,
    Title,
    TitleHiding,
    WatchlistEntry,
    WatchProgress,
)
from streaming.viewer import activity
from tests import factories
from tests.factories import film_file, subtitle

pytestmark = pytest.mark.django_db


def film(name: str, year: int = 2001, status=Title.Status.PUBLISHED, genres=()) -> Title:
    """A film with an overview and one 1080p file."""
    title = factories.film(name, status, genres, year=year, overview=f"About {name}.")
    film_file(title, quality_label="1080p", height=1080)
    return title


def series(name: str, episodes: int = 3) -> Title:
    return factories.series(name, {1: list(range(1, episodes + 1))})


@pytest.fixture
def genres() -> list[Genre]:
    return [
        Genre.objects.create(name=name, slug=name.lower()) for name in ("Drama", "Crime", "Comedy")
    ]


@pytest.fixture
def heat(genres) -> Title:
    return film("Heat", 1995, genres=genres[:2])


@pytest.fixture
def member(on_alpha, alice) -> Client:
    on_alpha.force_login(alice)
    return on_alpha


def media_of(title: Title) -> MediaFile:
    return MediaFile.objects.get(title=title)


def player_config(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="player-config" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


# --- every page renders --------------------------------------------------------------------


def test_each_page_renders_for_a_site(member, heat, genres):
    show = series("The Wire")
    pages = [
        "/",
        "/browse/",
        "/browse/?kind=film&genre=drama&year=1995&sort=title",
        "/search/",
        "/search/?q=heat",
        f"/title/{heat.slug}/",
        f"/title/{show.slug}/",
        f"/watch/{media_of(heat).pk}/",
    ]
    for path in pages:
        response = member.get(path)
        assert response.status_code == 200, path
        assert response.context["tenant"].name == "Alpha"


def test_the_home_page_shows_rows_of_the_catalogue(on_alpha, heat, genres):
    collection = Collection.objects.create(name="Michael Mann", slug="mann")
    CollectionEntry.objects.create(collection=collection, title=heat)

    page = on_alpha.get("/").content.decode()

    assert "New on the site" in page
    assert 'id="shelf-genre-drama"' in page
    assert "Michael Mann" in page
    assert f'href="/title/{heat.slug}/"' in page


def test_the_home_rows_follow_publishing_and_unpublishing_at_once(on_alpha, heat, genres):
    draft = film("Ronin", 1998, status=Title.Status.DRAFT, genres=genres[:1])
    on_alpha.get("/")  # the site's biggest genres are now cached
    # What the admin's bulk actions do: a plain UPDATE, no signal to clear any cache with.
    Title.objects.filter(pk=heat.pk).update(status=Title.Status.DRAFT)
    Title.objects.filter(pk=draft.pk).update(status=Title.Status.PUBLISHED)

    page = on_alpha.get("/").content.decode()

    assert f'href="/title/{heat.slug}/"' not in page
    assert 'id="shelf-genre-drama"' in page
    assert f'href="/title/{draft.slug}/"' in page.split('id="shelf-genre-drama"', 1)[1]


def test_an_empty_catalogue_gets_a_helpful_empty_state(on_alpha, alpha_admin):
    anonymous = on_alpha.get("/").content.decode()
    on_alpha.force_login(alpha_admin)
    admin = on_alpha.get("/").content.decode()

    assert "Nothing to watch yet" in anonymous
    assert "Check back soon" in anonymous
    assert 'href="/admin/"' in admin
    assert "Import films and series" in admin


def test_continue_watching_shows_what_the_viewer_started(member, alpha, alice, heat):
    activity.record_progress(alpha, alice, media_of(heat), 1800, 3600)

    page = member.get("/").content.decode()

    assert "Continue watching" in page
    assert f'href="/watch/{media_of(heat).pk}/"' in page
    assert "50% watched" in page


def test_posters_are_lazy_and_sized_and_cards_have_text(on_alpha, heat):
    heat.poster = "public/posters/heat.jpg"
    heat.save(update_fields=["poster"])

    page = on_alpha.get("/browse/").content.decode()

    assert (
        '<img src="/uploads/public/posters/heat.jpg" alt="" width="200" height="300" '
        'loading="lazy"' in page
    )
    assert '<span class="title-card-name">Heat</span>' in page


# --- what a site may not show --------------------------------------------------------------


def test_drafts_and_titles_the_site_hid_answer_404(member, on_beta, bob, alpha):
    draft = film("Unfinished", status=Title.Status.DRAFT)
    hidden = film("Hidden Here")
    TitleHiding.objects.create(tenant=alpha, title=hidden)
    on_beta.force_login(bob)

    for title in (draft, hidden):
        assert member.get(f"/title/{title.slug}/").status_code == 404
        assert member.get(f"/watch/{media_of(title).pk}/").status_code == 404
        assert member.get(f"/watch/{media_of(title).pk}/link/").status_code == 404
    assert on_beta.get(f"/title/{hidden.slug}/").status_code == 200
    assert member.get("/title/no-such-title/").status_code == 404


def test_hidden_titles_appear_in_no_row_or_list(member, alpha, heat):
    TitleHiding.objects.create(tenant=alpha, title=heat)
    film("Draft Film", status=Title.Status.DRAFT)

    for path in ("/", "/browse/", "/search/?q=heat"):
        page = member.get(path).content.decode()
        assert "Heat" not in page, path
        assert "Draft Film" not in page, path


# --- the player ----------------------------------------------------------------------------


def test_the_player_requires_membership(on_alpha, bob, heat):
    url = f"/watch/{media_of(heat).pk}/"

    anonymous = on_alpha.get(url)
    on_alpha.force_login(bob)  # a member of Beta only: signed out here
    stranger = on_alpha.get(url)

    for response in (anonymous, stranger):
        assert response.status_code == 302
        assert response["Location"] == f"/account/login/?next={url}"


def test_the_player_page_carries_a_signed_link_subtitles_and_a_noscript(member, heat):
    media = media_of(heat)
    subtitle(media, "en", label="English", is_default=True)

    response = member.get(f"/watch/{media.pk}/")
    page = response.content.decode()
    config = player_config(response)

    assert config["src"].startswith(f"/media/{media.stored.pk}/heat-1995.mp4?md5=")
    assert "expires=" in config["src"]
    assert config["resumeAt"] == 0
    assert config["progressUrl"] == f"/watch/{media.pk}/progress/"
    assert config["csrfToken"]
    assert '<track kind="subtitles" src="/media/' in page
    assert 'srclang="en" label="English"' in page
    assert "<noscript>" in page
    assert "The player needs JavaScript" in page


def test_the_player_resumes_at_the_saved_position(member, alpha, alice, heat):
    media = media_of(heat)
    activity.record_progress(alpha, alice, media, 754.0, 6000)

    config = player_config(member.get(f"/watch/{media.pk}/"))

    assert config["resumeAt"] == 754.0


def test_a_fresh_link_is_signed_anew_for_members_only(on_alpha, alice, heat, settings):
    settings.MEDIA_LINK_LIFETIME = 120
    url = f"/watch/{media_of(heat).pk}/link/"

    refused = on_alpha.get(url)
    on_alpha.force_login(alice)
    fresh = on_alpha.get(url)

    assert refused.status_code == 403
    assert fresh.status_code == 200
    assert fresh["Cache-Control"].startswith("max-age=0")
    body = fresh.json()
    assert body["src"].startswith(f"/media/{media_of(heat).stored.pk}/")
    assert body["expiresIn"] == 120
    assert 0 < body["renewIn"] < 120


def test_progress_is_saved_with_the_csrf_token_in_the_body(alpha, alice, heat):
    """What navigator.sendBeacon sends: a form body, no custom headers."""
    client = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)
    client.force_login(alice)
    media = media_of(heat)
    token = player_config(client.get(f"/watch/{media.pk}/"))["csrfToken"]
    url = f"/watch/{media.pk}/progress/"

    without_token = client.post(url, {"position": "42.5"})
    saved = client.post(url, {"position": "42.5", "duration": "6000", "csrfmiddlewaretoken": token})

    assert without_token.status_code == 403
    assert saved.status_code == 204
    progress = WatchProgress.objects.get(user=alice, media_file=media)
    assert (progress.tenant, progress.position_seconds) == (alpha, 42.5)


@pytest.mark.parametrize(
    ("form", "status"),
    [
        ({}, 400),
        ({"position": "soon"}, 400),
        ({"position": "nan"}, 400),
        ({"position": "-3"}, 400),
        ({"position": "99999", "duration": "60"}, 400),
        ({"position": "12", "duration": "Infinity"}, 204),  # an unknown length is no reason to fail
    ],
)
def test_impossible_progress_is_refused_with_400(member, heat, form, status):
    response = member.post(f"/watch/{media_of(heat).pk}/progress/", form)

    assert response.status_code == status


def test_progress_from_a_non_member_is_refused(on_alpha, bob, heat):
    on_alpha.force_login(bob)

    response = on_alpha.post(f"/watch/{media_of(heat).pk}/progress/", {"position": "5"})

    assert response.status_code == 403
    assert not WatchProgress.objects.exists()


# --- comments and the watchlist ------------------------------------------------------------


def test_a_member_posts_a_comment_through_the_page(member, alice, heat):
    body = "Best heist ever <script>alert(1)</script> see https://example.com/heat"

    response = member.post(f"/title/{heat.slug}/comments/", {"body": body})

    comment = Comment.objects.get()
    assert (comment.user, comment.title, comment.body) == (alice, heat, body)
    assert response.status_code == 302
    assert response["Location"] == f"/title/{heat.slug}/#comment-{comment.pk}"
    page = member.get(f"/title/{heat.slug}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert '<a href="https://example.com/heat" rel="nofollow">' in page


def test_a_reply_shows_under_its_comment(member, alpha, alice, heat):
    first = Comment.objects.create(tenant=alpha, user=alice, title=heat, body="First!")

    member.post(f"/title/{heat.slug}/comments/", {"body": "A reply", "parent": first.pk})

    reply = Comment.objects.get(parent=first)
    page = member.get(f"/title/{heat.slug}/").content.decode()
    replies = page.split('class="replies"', 1)[1]
    assert f'id="comment-{reply.pk}"' in replies


def test_an_empty_comment_is_refused_and_the_form_keeps_its_place(member, heat):
    response = member.post(f"/title/{heat.slug}/comments/", {"body": "   "})

    assert response.status_code == 400
    assert "field-invalid" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_rejected_comment_keeps_what_was_written(member, heat, settings):
    for n in range(5):
        member.post(f"/title/{heat.slug}/comments/", {"body": f"comment {n}"})

    response = member.post(f"/title/{heat.slug}/comments/", {"body": "one too many"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "commenting too fast" in page
    assert "one too many</textarea>" in page


def test_hidden_comments_and_other_sites_comments_are_not_shown(member, alpha, beta, bob, heat):
    Comment.objects.create(tenant=alpha, user=bob, title=heat, body="moderated", is_hidden=True)
    Comment.objects.create(tenant=beta, user=bob, title=heat, body="said on beta")

    page = member.get(f"/title/{heat.slug}/").content.decode()

    assert "moderated" not in page
    assert "said on beta" not in page
    assert "No comments yet." in page


def test_visitors_are_sent_to_sign_in_to_comment_or_keep_a_watchlist(on_alpha, heat):
    comment = on_alpha.post(f"/title/{heat.slug}/comments/", {"body": "hi"})
    watchlist = on_alpha.post(f"/title/{heat.slug}/watchlist/", {"wanted": "1"})

    assert comment.status_code == 302
    assert comment["Location"].startswith("/account/login/?next=")
    assert watchlist.status_code == 302
    assert not Comment.objects.exists()
    assert not WatchlistEntry.objects.exists()


def test_the_watchlist_button_toggles(member, alpha, alice, heat):
    url = f"/title/{heat.slug}/watchlist/"

    added = member.post(url, {"wanted": "1"})
    page_after_adding = member.get(f"/title/{heat.slug}/").content.decode()
    member.post(url, {"wanted": "0"})
    page_after_removing = member.get(f"/title/{heat.slug}/").content.decode()

    assert added.status_code == 302
    assert "On your watchlist" in page_after_adding
    assert 'name="wanted" value="0"' in page_after_adding
    assert "+ Watchlist" in page_after_removing
    assert not WatchlistEntry.objects.filter(tenant=alpha, user=alice).exists()


def test_the_watchlist_needs_a_post(member, heat):
    assert member.get(f"/title/{heat.slug}/watchlist/").status_code == 405


# --- browse and search ---------------------------------------------------------------------


def test_browse_filters_by_kind_genre_and_year(on_alpha, genres):
    film("Heat", 1995, genres=[genres[1]])
    film("Ronin", 1998, genres=[genres[1]])
    film("Airplane", 1980, genres=[genres[2]])
    series("The Wire")

    def names(query: str) -> list[str]:
        page = on_alpha.get(f"/browse/?{query}").context["page"]
        return sorted(t.title for t in page.object_list)

    assert names("kind=series") == ["The Wire"]
    assert names("genre=crime") == ["Heat", "Ronin"]
    assert names("genre=crime&year=1998") == ["Ronin"]
    assert names("kind=film&genre=comedy") == ["Airplane"]


def test_browse_pages_through_the_catalogue(on_alpha):
    for n in range(30):
        Title.objects.create(title=f"Film {n:02d}", status=Title.Status.PUBLISHED)

    first = on_alpha.get("/browse/?sort=title")
    second = on_alpha.get("/browse/?sort=title&page=2")

    assert len(first.context["page"].object_list) == 24
    assert [t.title for t in second.context["page"].object_list] == [
        f"Film {n:02d}" for n in range(24, 30)
    ]
    assert 'href="?sort=title&amp;page=2"' in first.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind=cartoon", "There is no kind “cartoon”"),
        ("genre=nope", "There is no genre “nope”"),
        ("year=abc", "“abc” is not a year we know"),
        ("year=99999999999999999999", "is not a year we know"),
        ("sort=random", "Unknown order “random”"),
    ],
)
def test_bad_filters_still_render_the_page_with_a_message(on_alpha, heat, query, message):
    response = on_alpha.get(f"/browse/?{query}")

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Heat" in response.content.decode()


@pytest.mark.parametrize("page", ["zz", "0", "-1", "999", "1e9"])
def test_a_bad_page_number_shows_a_page(on_alpha, heat, page):
    assert on_alpha.get(f"/browse/?page={page}").status_code == 200
    assert on_alpha.get(f"/search/?q=heat&page={page}").status_code == 200


def test_search_finds_titles_and_says_when_nothing_matched(on_alpha, heat):
    found = on_alpha.get("/search/?q=heat").content.decode()
    nothing = on_alpha.get("/search/?q=zzzzqqq").content.decode()
    prompt = on_alpha.get("/search/?q=").content.decode()

    assert f'href="/title/{heat.slug}/"' in found
    assert "Nothing found for “zzzzqqq”" in nothing
    assert "Type part of a title" in prompt


@pytest.mark.parametrize("query", ["a" * 5000, "\x00", "'; drop table", "(((", "%", "*:*"])
def test_odd_search_input_is_not_a_server_error(on_alpha, heat, query):
    # A NUL is refused for the whole request (shadowvault/nul_guard.py): a 400, not a page.
    expected = 400 if "\x00" in query else 200
    assert on_alpha.get("/search/", {"q": query}).status_code == expected


def test_the_search_box_offers_typeahead(on_alpha, heat):
    page = on_alpha.get("/search/").content.decode()

    assert 'data-suggest-url="/search/typeahead"' in page
    assert 'data-title-url="/title/__slug__/"' in page
    assert on_alpha.get("/search/typeahead?q=hea").json()["results"][0]["slug"] == heat.slug


# --- constant query counts -----------------------------------------------------------------

BIG = 30


def grow_catalogue(count: int, genres: list[Genre], collection: Collection) -> None:
    start = Title.objects.count()
    for n in range(start, start + count):
        title = film(f"Film {n}", 1990 + n % 30, genres=[genres[n % 3], genres[(n + 1) % 3]])
        CollectionEntry.objects.create(collection=collection, title=title, order=n)


def queries_for(client: Client, path: str) -> int:
    cache.clear()  # like for like: the home page keeps its biggest genres a few minutes
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    ("path", "most"),
    # The home page: 12 of its own, whether the site arranged it (curation.home: asked on an
    # empty cache, as here), and ReadVault's two rows when the library is empty (one query
    # each; their counts with manga are in tests/test_readvault_site_home_and_account.py).
    [("/", 15), ("/browse/", 8), ("/browse/?genre=drama&kind=film&sort=year", 8)],
)
def test_list_pages_run_as_many_queries_for_30_titles_as_for_3(
    member, alpha, alice, genres, path, most, django_assert_max_num_queries
):
    collection = Collection.objects.create(name="Picks", slug="picks")
    grow_catalogue(3, genres, collection)
    for media in MediaFile.objects.all():
        activity.record_progress(alpha, alice, media, 100, 6000)
    small = queries_for(member, path)

    grow_catalogue(BIG - 3, genres, collection)
    for media in MediaFile.objects.all():
        activity.record_progress(alpha, alice, media, 100, 6000)
    with django_assert_max_num_queries(most):
        big = queries_for(member, path)

    assert big == small


def test_the_title_page_runs_as_many_queries_for_a_big_title_as_a_small_one(
    member, alpha, alice, bob, genres, django_assert_max_num_queries
):
    def title_with(size: int) -> Title:
        show = series(f"Show {size}", episodes=size)
        show.genres.set(genres)
        for n in range(size):
            factories.episode_file(Episode.objects.filter(season__title=show)[n])
            person = Person.objects.create(name=f"Actor {size}-{n}")
            Credit.objects.create(title=show, person=person, role=Credit.Role.CAST, order=n)
            top = Comment.objects.create(tenant=alpha, user=alice, title=show, body=f"c{n}")
            Comment.objects.create(tenant=alpha, user=alice, title=show, body="r", parent=top)
        Season.objects.create(title=show, number=2)
        return show

    small = queries_for(member, f"/title/{title_with(3).slug}/")
    big_title = title_with(BIG)
    with django_assert_max_num_queries(16):
        big = queries_for(member, f"/title/{big_title.slug}/")

    assert big == small


def test_the_player_page_runs_a_fixed_number_of_queries(
    member, alpha, alice, heat, django_assert_max_num_queries
):
    media = media_of(heat)
    for n in range(5):
        subtitle(media, f"l{n}")
    activity.record_progress(alpha, alice, media, 300, 6000)

    with django_assert_max_num_queries(10):
        assert member.get(f"/watch/{media.pk}/").status_code == 200
