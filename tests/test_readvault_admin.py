"""The library's CMS in the admin: operators edit, merge, renumber and give covers to series;
a site admin sees the published library read-only and hides series on their own site only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from readvault.catalogue.merge import MOVED_ABOVE, is_own_m2m, pointing_fields
from readvault.catalogue.series_admin import NOT_CONFIGURED
from readvault.models import (
    Chapter,
    Genre,
    Person,
    Series,
    SeriesCredit,
    SeriesHiding,
    Tag,
    Volume,
)
from tests.factories import comic_chapter, comic_series
from tests.support.anilist_double import serving_anilist

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/readvault/series/"


def signed_in(user, host: str = "a.test", **options) -> Client:
    client = Client(HTTP_HOST=host, **options)
    client.force_login(user)
    return client


def act(client: Client, action: str, series: list[Series], **fields):
    data = {"action": action, "_selected_action": [s.pk for s in series], **fields}
    return client.post(CHANGELIST, data, follow=True)


def said(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def numbers(series: Series) -> list[str]:
    order = series.chapters.order_by("position", "pk")
    return [
        f"{n.normalize():f}" if n is not None else "-"
        for n in order.values_list("number", flat=True)
    ]


@pytest.fixture
def manga(db) -> Series:
    series = comic_series("Blue Manga", run_status=Series.RunStatus.ONGOING, language="ja")
    for position, number in enumerate(["1", "2", "3"]):
        comic_chapter(series, number, position=position)
    return series


# --- listing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["olivia", "alpha_admin"])
def test_the_series_list_runs_the_same_queries_however_many_series(
    alpha, who, manga, request, django_assert_max_num_queries
):
    client = signed_in(request.getfixturevalue(who))
    client.get(CHANGELIST)
    with django_assert_max_num_queries(20) as first:
        client.get(CHANGELIST)
    for n in range(30):
        more = comic_series(f"More {n}", publish=n % 2 == 1, language="en" if n % 3 else "ko")
        comic_chapter(more, "1")
        if n % 5 == 0:
            SeriesHiding.objects.create(tenant=alpha, series=more)

    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert b"More 29" in response.content


def test_the_list_filters_by_status_run_status_language_and_direction(alpha, olivia, manga):
    comic_series("Draft Comic", publish=False, language="en", reading_direction="ltr")
    client = signed_in(olivia)

    def titles(query: str) -> set[str]:
        response = client.get(f"{CHANGELIST}?{query}")
        assert response.status_code == 200
        return {s.title for s in response.context["cl"].result_list}

    assert titles("status__exact=draft") == {"Draft Comic"}
    assert titles("run_status__exact=ongoing") == {"Blue Manga"}
    assert titles("language=ja") == {"Blue Manga"}
    assert titles("reading_direction__exact=ltr") == {"Blue Manga", "Draft Comic"}


def test_the_list_finds_a_series_by_another_of_its_names(alpha, olivia, manga):
    manga.alternative_titles = ["青い漫画"]
    manga.save(update_fields=["alternative_titles"])

    response = signed_in(olivia).get(CHANGELIST, {"q": "青い"})

    assert [s.title for s in response.context["cl"].result_list] == ["Blue Manga"]


def test_publish_and_unpublish_in_bulk(alpha, olivia, manga):
    draft = comic_series("Draft Comic", publish=False)
    client = signed_in(olivia)

    act(client, "publish", [manga, draft])
    assert Series.objects.published().count() == 2

    response = act(client, "unpublish", [manga, draft])
    assert Series.objects.published().count() == 0
    assert "Moved 2 series back to draft." in said(response)


# --- merging ----------------------------------------------------------------------------------


@pytest.fixture
def duplicate(db) -> Series:
    """Chapters 4 and 5 of Blue Manga, in its volume 2, filed under another name."""
    series = comic_series(
        "Aoi Manga", alternative_titles=["Blue"], summary="A summary.", publisher="Kodansha"
    )
    volume = Volume.objects.create(series=series, number=2, title="The Second")
    comic_chapter(series, "4", position=7, volume=volume)
    comic_chapter(series, "5", position=8, volume=volume)
    return series


def test_merging_shows_both_series_before_anything_changes(alpha, olivia, manga, duplicate):
    response = act(signed_in(olivia), "merge", [manga, duplicate])

    page = response.content.decode()
    assert response.templates[0].name == "admin/readvault/series/merge.html"
    assert "3 chapters, numbered 1 to 3" in page
    assert "2 chapters, numbered 4 to 5" in page
    assert 'name="confirmed"' in page
    assert "csrfmiddlewaretoken" in page
    assert Series.objects.count() == 2


def test_merging_moves_everything_into_the_kept_series(alpha, beta, olivia, manga, duplicate):
    kept_volume = Volume.objects.create(series=manga, number=2)
    Volume.objects.create(series=duplicate, number=3)
    writer = Person.objects.create(name="Mangaka")
    SeriesCredit.objects.create(series=manga, person=writer, role="writer")
    SeriesCredit.objects.create(series=duplicate, person=writer, role="writer")
    SeriesCredit.objects.create(series=duplicate, person=writer, role="penciller")
    duplicate.genres.add(Genre.objects.create(name="Drama", slug="drama"))
    duplicate.tags.add(Tag.objects.create(name="School", slug="school"))
    SeriesHiding.objects.create(tenant=beta, series=duplicate)
    cover = duplicate.chapters.get(number=4).pages.get()
    Series.objects.filter(pk=duplicate.pk).update(cover_page=cover)

    response = act(signed_in(olivia), "merge", [manga, duplicate], keep=manga.pk, confirmed="yes")

    assert "Merged “Aoi Manga” into “Blue Manga”; nothing was lost." in said(response)
    assert not Series.objects.filter(pk=duplicate.pk).exists()
    manga.refresh_from_db()
    assert numbers(manga) == ["1", "2", "3", "4", "5"]
    assert set(manga.chapters.filter(number__gte=4).values_list("volume", flat=True)) == {
        kept_volume.pk
    }
    kept_volume.refresh_from_db()
    assert kept_volume.title == "The Second"
    assert sorted(manga.volumes.values_list("number", flat=True)) == [2, 3]
    assert sorted(manga.credits.values_list("role", flat=True)) == ["penciller", "writer"]
    assert [g.name for g in manga.genres.all()] == ["Drama"]
    assert [t.name for t in manga.tags.all()] == ["School"]
    assert manga.alternative_titles == ["Aoi Manga", "Blue"]
    assert (manga.summary, manga.publisher) == ("A summary.", "Kodansha")
    assert manga.cover_page == cover
    assert SeriesHiding.objects.get(tenant=beta).series == manga


def test_the_operator_chooses_which_series_is_kept(alpha, olivia, manga, duplicate):
    act(signed_in(olivia), "merge", [manga, duplicate], keep=duplicate.pk, confirmed="yes")

    assert list(Series.objects.all()) == [duplicate]
    assert numbers(duplicate) == ["4", "5", "1", "2", "3"]  # appended in their own order


def test_a_merge_where_both_have_a_chapter_number_is_refused(alpha, olivia, manga, duplicate):
    comic_chapter(duplicate, "2.0")
    comic_chapter(duplicate, "3")
    client = signed_in(olivia)

    page = act(client, "merge", [manga, duplicate]).content.decode()
    confirmed = act(client, "merge", [manga, duplicate], keep=manga.pk, confirmed="yes")

    refusal = "Both “Blue Manga” and “Aoi Manga” have chapter 2, 3. Renumber the chapters"
    assert refusal in page
    assert 'value="Merge"' not in page
    assert confirmed.status_code == 200
    assert refusal in confirmed.content.decode()
    assert Series.objects.count() == 2
    assert sorted(numbers(duplicate)) == ["2", "3", "4", "5"]


def test_a_merge_where_both_have_the_same_whole_volume_is_refused(alpha, olivia, manga, duplicate):
    comic_chapter(manga, None, volume=Volume.objects.create(series=manga, number=2))
    comic_chapter(duplicate, None, volume=duplicate.volumes.get(number=2))

    response = act(signed_in(olivia), "merge", [manga, duplicate], keep=manga.pk, confirmed="yes")

    assert "have volume 2 as one whole file" in response.content.decode()
    assert Series.objects.count() == 2


def test_merging_needs_exactly_two_series(alpha, olivia, manga, duplicate):
    third = comic_series("Third")

    response = act(signed_in(olivia), "merge", [manga, duplicate, third])

    assert "Select exactly two series to merge." in said(response)
    assert Series.objects.count() == 3


def test_a_merge_with_a_forged_choice_is_a_form_error(alpha, olivia, manga, duplicate):
    other = comic_series("Somebody Else")

    response = act(signed_in(olivia), "merge", [manga, duplicate], keep=other.pk, confirmed="yes")

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Series.objects.count() == 3


def test_every_relation_to_a_series_is_carried_by_the_merge():
    """A new model pointing at Series must not lose its rows in a merge: plain foreign keys
    are re-pointed as they are; a relation unique per series needs its own step."""
    unhandled = [
        f"{field.model._meta.label}.{field.name}"
        for field in pointing_fields()
        if (field.model._meta.label, field.name) not in MOVED_ABOVE
        and not is_own_m2m(field)
        and (field.unique or field.many_to_many or _in_a_unique_constraint(field))
    ]

    assert unhandled == []


def _in_a_unique_constraint(field) -> bool:
    meta = field.model._meta
    together = [set(fields) for fields in meta.unique_together]
    together += [set(c.fields) for c in meta.constraints if getattr(c, "fields", None)]
    return any(field.name in fields for fields in together)


# --- chapter order ----------------------------------------------------------------------------


def test_renumbering_asks_from_which_number(alpha, olivia, manga):
    response = act(signed_in(olivia), "renumber", [manga])

    page = response.content.decode()
    assert response.templates[0].name == "admin/readvault/series/renumber.html"
    assert 'name="start"' in page
    assert "Ch. 3" in page
    assert numbers(manga) == ["1", "2", "3"]


def test_renumbering_numbers_the_chapters_in_reading_order(alpha, olivia, manga):
    Chapter.objects.filter(series=manga, number=3).update(position=0)
    Chapter.objects.filter(series=manga, number=1).update(position=2)

    response = act(signed_in(olivia), "renumber", [manga], start="10", confirmed="yes")

    assert "“Blue Manga”: 3 chapters numbered 10 to 12." in said(response)
    assert numbers(manga) == ["10", "11", "12"]
    assert list(manga.chapters.order_by("number").values_list("position", flat=True)) == [0, 1, 2]


def test_renumbering_from_a_bad_number_is_a_form_error(alpha, olivia, manga):
    for start in ["-1", "x", "9999999", ""]:
        response = act(signed_in(olivia), "renumber", [manga], start=start, confirmed="yes")

        assert response.status_code == 200
        assert "errorlist" in response.content.decode()
    assert numbers(manga) == ["1", "2", "3"]


def test_sorting_by_number_sets_the_reading_order(alpha, olivia, manga):
    Chapter.objects.filter(series=manga).update(position=5)
    Chapter.objects.filter(series=manga, number=2).update(position=0)
    comic_chapter(manga, "0.5", position=1)

    response = act(signed_in(olivia), "sort_by_number", [manga])

    assert "“Blue Manga”: 4 chapters in number order." in said(response)
    assert numbers(manga) == ["0.5", "1", "2", "3"]


def inline_form(series: Series, changes: dict[int, dict]) -> dict:
    """The series' change form as the admin renders it, with `changes` to chapter rows."""
    chapters = list(series.chapters.order_by("position", "pk"))
    data = {
        "title": series.title,
        "sort_title": series.sort_title,
        "slug": series.slug,
        "alternative_titles": "[]",
        "status": series.status,
        "run_status": series.run_status,
        "reading_direction": series.reading_direction,
        "age_rating": "",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
        "volumes-TOTAL_FORMS": "0",
        "volumes-INITIAL_FORMS": "0",
        "chapters-TOTAL_FORMS": str(len(chapters)),
        "chapters-INITIAL_FORMS": str(len(chapters)),
    }
    for i, chapter in enumerate(chapters):
        row = {"id": chapter.pk, "series": series.pk, "position": chapter.position}
        row |= {"number": chapter.number, "title": chapter.title} | changes.get(i, {})
        data |= {f"chapters-{i}-{name}": "" if v is None else v for name, v in row.items()}
    return data


def test_two_chapters_swap_numbers_in_the_chapter_list(alpha, olivia, manga):
    data = inline_form(manga, {0: {"number": "2"}, 1: {"number": "1", "position": "9"}})

    response = signed_in(olivia).post(f"{CHANGELIST}{manga.pk}/change/", data)

    assert response.status_code == 302
    assert numbers(manga) == ["2", "3", "1"]


def test_the_same_number_twice_in_the_chapter_list_is_a_form_error(alpha, olivia, manga):
    data = inline_form(manga, {0: {"number": "7"}, 1: {"number": "7.000"}})

    response = signed_in(olivia).post(f"{CHANGELIST}{manga.pk}/change/", data)

    assert response.status_code == 200
    assert "Chapter 7 would be in this series more than once" in response.content.decode()
    assert numbers(manga) == ["1", "2", "3"]


def test_a_chapter_number_taken_by_another_chapter_is_a_form_error(alpha, olivia, manga):
    data = inline_form(manga, {0: {"number": "3"}})

    response = signed_in(olivia).post(f"{CHANGELIST}{manga.pk}/change/", data)

    assert response.status_code == 200
    assert "Chapter 3 would be in this series more than once" in response.content.decode()


def test_a_negative_or_overlong_chapter_number_is_a_form_error(alpha, olivia, manga):
    for number in ["-1", "1.2345", "12345678", "nan"]:
        data = inline_form(manga, {0: {"number": number}})

        response = signed_in(olivia).post(f"{CHANGELIST}{manga.pk}/change/", data)

        assert response.status_code == 200, number
    assert numbers(manga) == ["1", "2", "3"]


def test_alternative_titles_must_be_a_list_of_names(alpha, olivia, manga):
    data = inline_form(manga, {}) | {"alternative_titles": '{"en": "Blue"}'}

    response = signed_in(olivia).post(f"{CHANGELIST}{manga.pk}/change/", data)

    assert response.status_code == 200
    assert "A JSON list of names" in response.content.decode()


# --- the cover --------------------------------------------------------------------------------


def test_the_cover_page_offers_the_first_pages_as_thumbnails(alpha, olivia, manga):
    client = signed_in(olivia)

    response = client.get(f"{CHANGELIST}{manga.pk}/cover/")

    page = response.content.decode()
    first_pages = [c.pages.get() for c in manga.chapters.order_by("position")]
    for candidate in first_pages:
        preview = f"{CHANGELIST}{manga.pk}/cover/{candidate.pk}/"
        assert f'src="{preview}"' in page
        image = client.get(preview)
        assert image.status_code == 200
        assert image["Content-Type"] == "image/jpeg"
        assert image.content.startswith(b"\xff\xd8")


def test_choosing_the_cover_saves_it(alpha, olivia, manga):
    page = manga.chapters.get(number=2).pages.get()
    client = signed_in(olivia)

    response = client.post(f"{CHANGELIST}{manga.pk}/cover/", {"page": page.pk})

    assert response.status_code == 302
    manga.refresh_from_db()
    assert manga.cover_page == page
    assert "Page 1 of Ch. 2" in client.get(f"{CHANGELIST}{manga.pk}/change/").content.decode()
    client.post(f"{CHANGELIST}{manga.pk}/cover/", {"page": ""})
    manga.refresh_from_db()
    assert manga.cover_page is None


def test_a_page_of_another_series_cannot_be_the_cover(alpha, olivia, manga):
    other = comic_chapter(comic_series("Other"), "1").pages.get()
    client = signed_in(olivia)

    for value in [other.pk, "x", str(2**63), "-1"]:
        response = client.post(f"{CHANGELIST}{manga.pk}/cover/", {"page": value})

        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert client.get(f"{CHANGELIST}{manga.pk}/cover/{other.pk}/").status_code == 404
    manga.refresh_from_db()
    assert manga.cover_page is None


# --- metadata ---------------------------------------------------------------------------------


@pytest.fixture
def anilist(settings):
    with serving_anilist(settings) as double:
        yield double


def test_matching_metadata_fills_each_series_and_says_how_it_went(alpha, olivia, anilist):
    berserk = comic_series("Berserk", is_skeleton=True)
    unsure = comic_series("Jade River")
    known = comic_series("Tanuki", anilist_id=900003)  # read by its id, whatever its title

    response = act(signed_in(olivia), "match_metadata", [berserk, unsure, known])

    assert said(response) == [
        "“Berserk”: filled in from anilist.",
        "“Jade River”: 2 candidates, none certain",
        "“Tanuki”: filled in from anilist.",
    ]
    berserk.refresh_from_db()
    assert (berserk.is_skeleton, berserk.reading_direction) == (False, "rtl")
    assert berserk.credits.exists()
    assert berserk.genres.exists()
    unsure.refresh_from_db()
    assert unsure.anilist_id is None
    assert unsure.metadata_error == "anilist: 2 candidates, none certain"
    known.refresh_from_db()
    assert (known.title, known.year) == ("Tanuki", 2020)  # a curated title stays
    assert [g.name for g in known.genres.all()] == ["Romance"]


def test_a_failing_provider_is_reported_per_series(alpha, olivia, anilist):
    anilist.fail_next(20, status=500)
    berserk = comic_series("Berserk")

    response = act(signed_in(olivia), "match_metadata", [berserk])

    assert said(response) == ["“Berserk”: AniList is failing (500): Internal Server Error"]
    berserk.refresh_from_db()
    assert berserk.metadata_error.startswith("anilist: AniList is failing")


def test_a_rate_limit_is_reported_without_waiting_it_out(alpha, olivia, anilist):
    anilist.rate_limit_next(5, retry_after=600)
    first, second = comic_series("Berserk"), comic_series("One Piece")

    response = act(signed_in(olivia), "match_metadata", [first, second])

    assert said(response) == [
        "“Berserk”: AniList rate limit: asked to wait 600 s before the next request",
        "“One Piece”: AniList rate limit: no requests for another 600 s",
    ]
    assert len(anilist.requests) == 1


def test_matching_without_a_configured_provider_says_so(alpha, olivia, settings, manga):
    settings.ANILIST_API_URL = ""

    response = act(signed_in(olivia), "match_metadata", [manga])

    assert said(response) == [NOT_CONFIGURED]
    assert "ANILIST_API_URL is off" in NOT_CONFIGURED


# --- site admins ------------------------------------------------------------------------------


def test_a_site_admin_sees_the_published_library_read_only(alpha, alpha_admin, manga):
    draft = comic_series("Draft Comic", publish=False)
    client = signed_in(alpha_admin)

    listing = client.get(CHANGELIST)
    view = client.get(f"{CHANGELIST}{manga.pk}/change/")

    assert [s.title for s in listing.context["cl"].result_list] == ["Blue Manga"]
    actions = {name for name, _ in listing.context["action_form"].fields["action"].choices}
    assert actions == {"", "hide_on_my_site", "show_on_my_site"}
    assert view.status_code == 200
    assert b'name="_save"' not in view.content
    assert client.get(f"{CHANGELIST}{draft.pk}/change/").status_code == 302
    assert client.post(f"{CHANGELIST}{manga.pk}/change/", inline_form(manga, {})).status_code == 403
    assert client.get(f"{CHANGELIST}{manga.pk}/cover/").status_code == 403
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.get("/admin/readvault/chapter/").status_code == 403


def test_a_site_admin_cannot_run_the_operators_actions(alpha, alpha_admin, manga, duplicate):
    client = signed_in(alpha_admin)

    act(client, "merge", [manga, duplicate], keep=manga.pk, confirmed="yes")
    act(client, "unpublish", [manga])
    act(client, "renumber", [manga], start="5", confirmed="yes")

    assert Series.objects.count() == 2
    assert Series.objects.get(pk=manga.pk).status == Series.Status.PUBLISHED
    assert numbers(manga) == ["1", "2", "3"]


def test_a_site_admin_hides_and_shows_series_on_their_own_site(alpha, beta, alpha_admin, manga):
    client = signed_in(alpha_admin)

    hid = act(client, "hide_on_my_site", [manga])
    again = act(client, "hide_on_my_site", [manga])

    assert "Hid 1 series on this site." in said(hid)
    assert "Hid 0 series" in said(again)[0]
    assert list(SeriesHiding.objects.values_list("tenant__slug", flat=True)) == ["alpha"]
    assert not Series.objects.visible_on(alpha).exists()
    assert Series.objects.visible_on(beta).get() == manga
    column = client.get(CHANGELIST).content.decode()
    assert 'alt="False"' in column  # "on this site": no
    act(client, "show_on_my_site", [manga])
    assert not SeriesHiding.objects.exists()


def test_a_site_admin_cannot_hide_a_draft(alpha, alpha_admin):
    draft = comic_series("Draft Comic", publish=False)

    act(signed_in(alpha_admin), "hide_on_my_site", [draft])

    assert not SeriesHiding.objects.exists()


def test_showing_again_on_one_site_leaves_the_other_sites_hidings(alpha, beta, alpha_admin, manga):
    SeriesHiding.objects.create(tenant=beta, series=manga)

    act(signed_in(alpha_admin), "show_on_my_site", [manga])

    assert SeriesHiding.objects.get().tenant == beta


def test_a_site_admin_sees_and_makes_only_their_own_sites_hidings(
    alpha, beta, alpha_admin, beta_admin, manga
):
    other = comic_series("Other")
    theirs = SeriesHiding.objects.create(tenant=beta, series=other)
    client = signed_in(alpha_admin)

    made = client.post(
        "/admin/readvault/serieshiding/add/", {"series": manga.pk, "tenant": beta.pk}
    )
    twice = client.post("/admin/readvault/serieshiding/add/", {"series": manga.pk})
    listing = client.get("/admin/readvault/serieshiding/")

    assert made.status_code == 302
    assert SeriesHiding.objects.get(series=manga).tenant == alpha
    assert twice.status_code == 200
    assert b"already exists" in twice.content
    assert [h.series.title for h in listing.context["cl"].result_list] == ["Blue Manga"]
    assert client.get(f"/admin/readvault/serieshiding/{theirs.pk}/change/").status_code == 302
    client.post(f"/admin/readvault/serieshiding/{theirs.pk}/delete/", {"post": "yes"})
    assert SeriesHiding.objects.filter(pk=theirs.pk).exists()
    on_beta = signed_in(alpha_admin, host="b.test")
    assert on_beta.get("/admin/readvault/serieshiding/").status_code == 302


def test_the_actions_need_the_csrf_token(alpha, olivia, manga):
    client = signed_in(olivia, enforce_csrf_checks=True)

    response = client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [manga.pk]})

    assert response.status_code == 403
    assert Series.objects.get(pk=manga.pk).status == Series.Status.PUBLISHED


# --- chapters ---------------------------------------------------------------------------------


def test_a_chapter_shows_its_archive_and_page_facts_read_only(alpha, olivia, manga):
    chapter = manga.chapters.get(number=1)

    page = signed_in(olivia).get(f"/admin/readvault/chapter/{chapter.pk}/change/").content.decode()

    assert "CBZ / ZIP" in page
    assert "bytes" in page  # the archive's size, as filesizeformat writes it
    assert "0001.jpg" in page
    assert 'name="pages-0-width"' not in page


def test_a_chapter_cannot_take_a_number_of_its_series(alpha, olivia, manga):
    chapter = manga.chapters.get(number=1)
    other_volume = Volume.objects.create(series=comic_series("Other"), number=1)
    form = {
        "number": "2",
        "title": "",
        "position": "0",
        "reading_direction": "",
        "pages-TOTAL_FORMS": "1",
        "pages-INITIAL_FORMS": "1",
    }
    client = signed_in(olivia)

    taken = client.post(f"/admin/readvault/chapter/{chapter.pk}/change/", form)
    foreign = client.post(
        f"/admin/readvault/chapter/{chapter.pk}/change/",
        form | {"number": "9", "volume": other_volume.pk},
    )

    assert taken.status_code == 200
    assert b"Chapter 2 is already in this series." in taken.content
    assert foreign.status_code == 200
    assert b"Select a valid choice" in foreign.content
    chapter.refresh_from_db()
    assert chapter.number == Decimal(1)
    assert chapter.volume is None
