"""The console's Home page (console/curation/, curation/): the site's rows and featured picks
in the owner's order, what the site does not show leaving them silently, another site's rows
out of reach, a fixed number of queries, and a site that arranges nothing keeping today's
home page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curation import editing
from curation.models import DEFAULT_ROWS, MAX_ROWS, HomeRow, Pick, RowKind
from streaming.models import Collection, CollectionEntry, Genre, Title
from streaming.site.home_rows import HomeRows
from takedowns.targets import hide_on_site, unpublish
from tests.factories import comic_series, film

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_on_alpha(on_alpha, alpha_admin):
    on_alpha.force_login(alpha_admin)
    return on_alpha


@pytest.fixture
def films():
    drama = Genre.objects.create(name="Drama", slug="drama")
    made = [film(name, genres=[drama]) for name in ("Heat", "Ronin", "Thief")]
    collection = Collection.objects.create(name="Mann", slug="mann")
    for order, title in enumerate(made):
        CollectionEntry.objects.create(collection=collection, title=title, order=order)
    return made


def headings(page: str) -> list[str]:
    """The shelves' headings on a home page, top to bottom."""
    found = []
    for part in page.split('<h2 id="shelf-')[1:]:
        found.append(part.split(">", 1)[1].split("<", 1)[0])
    return found


def picked_row(alpha, heading: str, *items) -> HomeRow:
    row = editing.add_row(alpha, RowKind.PICKED, heading)
    for item in items:
        editing.add_pick(alpha, row, item)
    return row


def test_a_site_that_arranges_nothing_keeps_todays_home_page(on_alpha, alpha, films):
    response = on_alpha.get("/")

    assert isinstance(response.context["home"], HomeRows)
    assert headings(response.content.decode()) == ["New on the site", "Drama", "Mann"]


def test_starting_from_the_default_rows_shows_the_same_rows(on_alpha, alpha, films):
    before = on_alpha.get("/")
    editing.start_from_default(alpha)

    after = on_alpha.get("/")

    assert after.context["home"].curated
    assert headings(after.content.decode()) == headings(before.content.decode())
    assert after.context["home"].featured == before.context["home"].featured


def test_the_home_page_follows_the_order_set_in_the_console(admin_on_alpha, alpha, films):
    heat, ronin, _ = films
    admin_on_alpha.post("/console/home-page/rows/add/", {"kind": "picked", "heading": "Staff"})
    row = HomeRow.objects.get(tenant=alpha, heading="Staff")
    for title in (heat, ronin):
        admin_on_alpha.post(f"/console/home-page/rows/{row.pk}/picks/add/", {"title": title.pk})
    for _ in range(MAX_ROWS):  # after the default rows, then past the top, where it stays
        admin_on_alpha.post(f"/console/home-page/rows/{row.pk}/up/")
    ronin_pick = Pick.objects.get(row=row, title=ronin)
    admin_on_alpha.post(f"/console/home-page/picks/{ronin_pick.pk}/up/")

    page = admin_on_alpha.get("/").content.decode()

    assert headings(page)[:3] == ["Staff", "New on the site", "Drama"]
    staff = page.split('id="shelf-row-')[1]
    assert staff.index("Ronin") < staff.index("Heat")


def test_hidden_and_removed_rows_leave_the_home_page(admin_on_alpha, alpha, films):
    editing.start_from_default(alpha)
    newest = HomeRow.objects.get(tenant=alpha, kind=RowKind.NEWEST)
    genres = HomeRow.objects.get(tenant=alpha, kind=RowKind.BIGGEST_GENRES)

    admin_on_alpha.post(f"/console/home-page/rows/{newest.pk}/hide/")
    admin_on_alpha.post(f"/console/home-page/rows/{genres.pk}/remove/")

    assert headings(admin_on_alpha.get("/").content.decode()) == ["Mann"]
    admin_on_alpha.post(f"/console/home-page/rows/{newest.pk}/show/")
    assert headings(admin_on_alpha.get("/").content.decode()) == ["New on the site", "Mann"]


def test_removing_every_row_gives_back_the_default_page(admin_on_alpha, alpha, films):
    editing.start_from_default(alpha)
    for row in HomeRow.objects.filter(tenant=alpha):
        admin_on_alpha.post(f"/console/home-page/rows/{row.pk}/remove/")

    assert isinstance(admin_on_alpha.get("/").context["home"], HomeRows)


def test_genre_and_collection_rows_show_their_titles(on_alpha, alpha, films):
    editing.add_row(alpha, RowKind.GENRE, genre=Genre.objects.get(slug="drama"))
    editing.add_row(alpha, RowKind.COLLECTION, "Michael Mann", collection=Collection.objects.get())

    page = on_alpha.get("/").content.decode()

    assert headings(page)[-2:] == ["Drama", "Michael Mann"]
    assert page.split('id="shelf-row-')[-1].count('class="title-card"') == 3


def test_a_hidden_taken_down_or_draft_title_silently_leaves_its_row(on_alpha, alpha, films):
    heat, ronin, thief = films
    draft = film("Draft", status=Title.Status.DRAFT)
    picked_row(alpha, "Staff", heat, ronin, thief)
    Pick.objects.create(tenant=alpha, row=HomeRow.objects.get(heading="Staff"), title=draft)
    hide_on_site(alpha, "title", heat.pk)
    unpublish("title", ronin.pk)

    page = on_alpha.get("/").content.decode()
    staff = page.split('id="shelf-row-')[-1]

    assert "Thief" in staff
    assert "Heat" not in page
    assert "Ronin" not in page
    assert "Draft" not in page


def test_a_row_whose_picks_are_all_gone_is_not_shown(on_alpha, alpha, films):
    picked_row(alpha, "Staff", films[0])
    hide_on_site(alpha, "title", films[0].pk)

    assert "Staff" not in headings(on_alpha.get("/").content.decode())


def test_the_hero_shows_the_first_featured_pick_the_site_shows(on_alpha, alpha, films):
    heat, ronin, _ = films
    editing.add_pick(alpha, None, heat)
    editing.add_pick(alpha, None, ronin)
    assert on_alpha.get("/").context["home"].featured == heat

    hide_on_site(alpha, "title", heat.pk)

    assert on_alpha.get("/").context["home"].featured == ronin


def test_a_featured_series_leads_the_hero(on_alpha, alpha, films):
    manga = comic_series("Akira Manga", summary="Neo-Tokyo")
    editing.add_pick(alpha, None, manga)

    page = on_alpha.get("/").content.decode()

    assert "Akira Manga" in page.split("</section>")[0]
    assert f"/manga/{manga.slug}/" in page


def test_series_and_titles_mix_in_a_picked_row(on_alpha, alpha, films):
    manga = comic_series("Akira Manga")
    picked_row(alpha, "Staff", manga, films[0])

    staff = on_alpha.get("/").content.decode().split('id="shelf-row-')[-1]

    assert staff.index("Akira Manga") < staff.index("Heat")


def test_the_console_lists_rows_and_marks_picks_the_site_does_not_show(
    admin_on_alpha, alpha, films
):
    row = picked_row(alpha, "Staff", films[0], films[1])
    hide_on_site(alpha, "title", films[1].pk)

    rows = admin_on_alpha.get("/console/home-page/").content.decode()
    picks = admin_on_alpha.get(f"/console/home-page/rows/{row.pk}/").content.decode()

    assert "Staff" in rows
    assert "Preview the home page" in rows
    assert "Ronin" in picks
    assert "not shown" in picks


def test_the_search_finds_only_what_the_site_shows(admin_on_alpha, alpha, films):
    row = picked_row(alpha, "Staff")
    film("Heat Draft", status=Title.Status.DRAFT)
    hide_on_site(alpha, "title", films[1].pk)

    def found(query: str) -> str:
        page = admin_on_alpha.get(f"/console/home-page/rows/{row.pk}/?q={query}")
        return page.content.decode().split('id="picks-search"')[1]

    assert "Heat" in found("heat")
    assert "Heat Draft" not in found("heat")
    assert "Ronin" not in found("ronin")


def test_another_sites_rows_and_picks_answer_404(admin_on_alpha, beta, films):
    theirs = picked_row(beta, "Beta own row", films[0])
    pick = Pick.objects.get(row=theirs)
    paths = [f"/console/home-page/rows/{theirs.pk}/{action}/" for action in ("up", "hide")]
    paths += [f"/console/home-page/rows/{theirs.pk}/remove/"]
    paths += [f"/console/home-page/picks/{pick.pk}/remove/"]

    assert admin_on_alpha.get(f"/console/home-page/rows/{theirs.pk}/").status_code == 404
    for path in paths:
        assert admin_on_alpha.post(path).status_code == 404, path
    assert HomeRow.objects.filter(pk=theirs.pk, hidden=False).exists()
    assert Pick.objects.filter(pk=pick.pk).exists()
    assert "Beta own row" not in admin_on_alpha.get("/console/home-page/").content.decode()


def test_another_sites_admin_is_sent_to_sign_in(on_alpha, alpha, beta_admin, films):
    row = picked_row(alpha, "Staff", films[0])
    on_alpha.force_login(beta_admin)

    response = on_alpha.post(f"/console/home-page/rows/{row.pk}/remove/")

    assert response.status_code == 302
    assert HomeRow.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize(
    "value", ["hidden", "draft", "999999", str(2**64), "²", "", "series:draft"]
)
def test_a_title_the_site_does_not_show_cannot_be_picked(admin_on_alpha, alpha, films, value):
    row = picked_row(alpha, "Staff")
    hide_on_site(alpha, "title", films[0].pk)
    draft = film("Draft", status=Title.Status.DRAFT)
    manga_draft = comic_series("Draft Manga", publish=False)
    named = {"hidden": str(films[0].pk), "draft": str(draft.pk)}
    field, value = ("series", str(manga_draft.pk)) if value == "series:draft" else ("title", value)

    response = admin_on_alpha.post(
        f"/console/home-page/rows/{row.pk}/picks/add/", {field: named.get(value, value)}
    )

    assert response.status_code == 404
    assert not Pick.objects.filter(row=row).exists()


def test_only_a_hand_picked_row_takes_picks(admin_on_alpha, alpha, films):
    editing.start_from_default(alpha)
    newest = HomeRow.objects.get(tenant=alpha, kind=RowKind.NEWEST)

    response = admin_on_alpha.post(
        f"/console/home-page/rows/{newest.pk}/picks/add/", {"title": films[0].pk}
    )

    assert response.status_code == 404


def test_a_pick_already_in_the_row_is_refused_with_a_message(admin_on_alpha, alpha, films):
    row = picked_row(alpha, "Staff", films[0])

    response = admin_on_alpha.post(
        f"/console/home-page/rows/{row.pk}/picks/add/", {"title": films[0].pk}
    )

    assert response.status_code == 400
    assert "is there already" in response.content.decode()
    assert Pick.objects.filter(row=row).count() == 1


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"kind": "picked"}, "needs a heading"),
        ({"kind": "genre"}, "Choose the genre"),
        ({"kind": "collection", "collection": "999999"}, "Select a valid choice"),
        ({"kind": "nonsense"}, "Select a valid choice"),
    ],
)
def test_a_bad_row_is_a_form_error(admin_on_alpha, alpha, form, error):
    response = admin_on_alpha.post("/console/home-page/rows/add/", form)

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not HomeRow.objects.filter(tenant=alpha).exists()


def test_rows_past_the_cap_are_a_form_error(admin_on_alpha, alpha):
    editing.start_from_default(alpha)
    while HomeRow.objects.filter(tenant=alpha).count() < MAX_ROWS:
        editing.add_row(alpha, RowKind.NEWEST)

    response = admin_on_alpha.post("/console/home-page/rows/add/", {"kind": "newest"})

    assert response.status_code == 400
    assert f"{MAX_ROWS} rows" in response.content.decode()
    assert HomeRow.objects.filter(tenant=alpha).count() == MAX_ROWS


def test_the_first_row_added_comes_after_the_default_ones(admin_on_alpha, alpha, films):
    admin_on_alpha.post("/console/home-page/rows/add/", {"kind": "newest", "heading": "Again"})

    kinds = list(HomeRow.objects.filter(tenant=alpha).values_list("kind", flat=True))

    assert kinds == [*(kind.value for kind in DEFAULT_ROWS), "newest"]


def curate(alpha, films, rows: int) -> None:
    """`rows` hand-picked rows of every film plus a featured pick and one row of each kind."""
    editing.start_from_default(alpha)
    editing.add_row(alpha, RowKind.GENRE, genre=Genre.objects.get(slug="drama"))
    editing.add_row(alpha, RowKind.COLLECTION, collection=Collection.objects.get())
    editing.add_pick(alpha, None, films[0])
    for number in range(rows):
        picked_row(alpha, f"Row {number}", *films, comic_series(f"Manga {number}"))


def home_queries(client) -> int:
    client.get("/")  # the biggest genres, counted into the cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured.captured_queries)


def test_the_curated_home_page_runs_the_same_queries_for_any_number_of_rows(
    on_alpha, alpha, alice, films
):
    on_alpha.force_login(alice)
    curate(alpha, films, 1)
    few = home_queries(on_alpha)
    for number in range(3):
        more = film(f"More {number}", genres=[Genre.objects.get(slug="drama")])
        editing.add_pick(alpha, HomeRow.objects.get(heading="Row 0"), more)
    curate_more = MAX_ROWS - HomeRow.objects.filter(tenant=alpha).count()
    for number in range(curate_more):
        picked_row(alpha, f"Extra {number}", *films, comic_series(f"Extra {number}"))

    assert home_queries(on_alpha) == few
