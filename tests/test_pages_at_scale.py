"""Every viewer page runs the same, stated number of queries at 50,000 titles as at 32 (and
5,000 ReadVault series as at 8).

The catalogue (tests/support/catalogue_at_scale.py) is built once per size for the whole module,
inside a transaction that is rolled back afterwards, so other modules see an empty database;
each test then runs in a savepoint of that transaction, as tests do. A count that grew with
the catalogue would differ between the two sizes; the stated numbers also catch a page that
gains a query at any size. Each test starts with an empty cache (tests/conftest.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing import invoicing
from billing.models import Provider, Subscription
from readvault.models import Series, WantToRead
from readvault.reading.progress import record_page
from streaming.models import Genre, Title
from tenants.models import Membership, ViewerPlan
from tests.factories import comic_chapter, comic_series, make_member, make_site
from tests.support.banner_rows import house_banner, tag_banner
from tests.support.branding_rows import brand_at_scale
from tests.support.campaign_rows import scale_console_pages as scale_ad_pages
from tests.support.catalogue_at_scale import (
    ADJECTIVES,
    NOUNS,
    SMALL,
    build_catalogue,
    viewer_pages,
)
from tests.support.curation_rows import curate_at_scale
from tests.support.figures_rows import fill_days, series_for_figures, titles_for_figures
from tests.support.party_rows import party_pages
from tests.support.people_rows import scale_console_pages
from tests.support.progressive_rows import progressive_film
from tests.support.stremio_rows import scale_pages as stremio_pages

pytestmark = pytest.mark.django_db
LARGE = 50_000
HOST = "scale.test"
# A second site over the same catalogue, its home page arranged (curation/): these pages
# are asked for on its hostname, so that the first site keeps the default home page.
CURATED_HOST = "curated.scale.test"
CURATED_PAGES = {"home curated", "console home page", "console home row", "console featured"}

# Queries per page for a signed-in member, at any catalogue size. Four of them are the site
# (by hostname), the session, its user and their membership. The member's plan shows ads:
# the pages with a banner slot (home, title, watch, reader) read the site's live campaigns,
# one query (none live here; ADS_EXTRA below counts them live). Where the two databases
# differ, the pair is (PostgreSQL, SQLite): SQLite's FTS5 ranks in one query, the site's
# rule applies in another.
QUERIES = {
    # 12 with an empty cache: the biggest genres are counted. ReadVault's rows add nine:
    # continue reading three and its covers three, new chapters one and its thumbnails two.
    "home": 21,
    # A site whose owner arranged the home page (curation.home), at the cap of 12 rows with
    # every kind among them, 12 picks in each hand-picked row, a series featured: its rows,
    # every pick, the picked series' covers three, newest, the genre row's genre and titles,
    # the collection row's two, continue watching, the biggest genres' three rows, the two
    # collections, continue reading one (nothing read on this site) and new chapters three.
    "home curated": 24,
    "browse": 7,
    "browse series": 7,
    "browse genre": 7,
    "browse year": 7,
    "browse A-Z": 7,
    "browse by year": 7,
    "browse films+genre by year": 7,
    "browse page 1000": 7,
    # Searches ask ReadVault's series too (shadowvault.search_sources): one query, and a
    # second when no series has the words as typed ("nigth"); then three for the covers of
    # the series found (readvault.search.covers), whether or not any has one.
    "search": (10, 11),
    "search two words": (10, 11),
    "search misspelt": (13, 14),  # no title has the word: the vocabulary, then a second search
    # A member's own age cap leaves series out of the suggestions (readvault.search.covers):
    # asking for it reads the session, the user and the membership, three more.
    "typeahead": (10, 11),
    "title: film": 13,
    "title: big series": 15,
    "watch": 9,
    # A watch party's invite page (parties.views.join) is the watch page, after the party
    # and whether the site still shows its film: two more.
    "watch party": 11,
    # A film live only through its progressive rendition (streaming.progressive): the page
    # reads the same rows; the player's list reads the rendition, every segment's times (one
    # query however many) and the window of segments with their objects. With `at`, the
    # viewer's demand: an UPDATE that finds no row, then the INSERT in a savepoint (later
    # polls: the UPDATE alone, three queries fewer).
    "watch progressive": 9,
    "progressive json": 8,
    "progressive json at": 12,
    "api titles": 7,
    "api titles genre": 7,
    "api search": (7, 8),  # the search page's, and the genres of the titles found
    "api title": 9,
    "api seasons": 8,
    "api watchlist": 7,
    "api history": 6,
    "api continue": 5,
    "account": 7,
    "account watchlist": 6,
    "account history": 6,
    # The account's Stremio tab: the member's addon tokens. The addon (stremio.views): its
    # token, then the same loaders as the pages above. The manifest: the site's primary
    # hostname and the genres it shows; a catalog: the titles and their genres (a genre's:
    # the genre first; a search: its match and the series source); a series' meta: the
    # title, its genres, seasons, episodes and versions; an episode's streams: the title,
    # the episode, its versions and their subtitles.
    "account stremio": 5,
    "stremio manifest": 5,
    "stremio catalog": 5,
    "stremio catalog skip": 5,
    "stremio catalog genre": 6,
    "stremio catalog search": (7, 8),
    "stremio meta film": 5,
    "stremio meta series": 8,
    "stremio stream episode": 7,
    # ReadVault (readvault.site): the series page reads the series, its chapters, credits,
    # genres, tags, the cover (three), the member's progress and list; the grid the genres,
    # the languages shown, a bounded count, a page and its covers (three); the Reading tab
    # a count, a page and the covers.
    "manga series": 14,
    "manga browse": 11,
    "manga browse filtered": 11,
    "account reading": 9,
    "account reading history": 9,
    # The reader (readvault.reader): the chapter, its pages and their images, the ids in
    # reading order and the chapters around, the member's settings and place.
    "reader": 12,
    # ReadVault's reading API (readvault.api), through the grid's, the series page's and the
    # Reading tab's loaders. A list: the languages shown, the genres, a count (a search: its
    # match), a page, its genres, its covers (three). A chapter: its pages and their images,
    # the ids around it, the member's progress.
    "api comics series": 12,
    "api comics series filtered": 12,
    "api comics search": 12,
    "api comics series detail": 14,
    "api comics chapter": 9,
    "api comics progress": 6,
    "api comics want-to-read": 10,
    # Billing (billing.views): the plans page reads the site's viewer plans and the member's
    # live subscriptions; the invoices list one page of invoices; an invoice itself, its
    # lines and its payments.
    "billing plans": 6,
    "billing invoices": 5,
    "billing invoice": 7,
    # The report form (takedowns.views): the thing reported, looked up on the site, one query.
    "report title": 5,
    "report series": 5,
    # A site's legal page (tenants.legal_pages): the page's row; its footer costs nothing.
    "legal page": 5,
}

# The site owner's console (console/), for a site admin of the same site: the session, user,
# site and membership, then each page's own.
CONSOLE_QUERIES = {
    # The hostnames, the member count and the open reports' count.
    "console overview": 7,
    # The curated site's (CURATED_PAGES), at the caps. The rows (with their picks' count),
    # the featured picks, which of them the site shows (titles, series), the form's genres
    # and collections.
    "console home page": 10,
    # A hand-picked row's: the row, its picks, which of them the site shows (titles, series),
    # the search's titles and series.
    "console home row": 10,
    # The same for the featured picks, without a row to load.
    "console featured": 9,
    # Members (console.people.members): the site's plans for the filter, the count, a page
    # of memberships with their users, plans and when each was last seen (two subqueries);
    # filtered, the whole site's count too (for the cap).
    "console members": 7,
    "console members filtered": 8,
    # Invitations: the count and a page, with who made each (no site plan: no cap to count).
    "console invitations": 6,
    # Viewer plans: the plans, members per plan, paying subscriptions per plan.
    "console plans": 7,
    # Moderation: the reports' count and page, the newest thread reports with their
    # comments and reporters.
    "console moderation": 7,
    # Comments, reported only: the count and a page with writers, titles and report flags.
    "console comments": 6,
    # The site's days, its revenue, its top titles and its top series (figures.report): the
    # daily tables only, however many days, titles or series.
    "console figures": 8,
    # The site's legal texts (one query for the three); the footer links and which legal
    # pages have text come with the site's own row.
    "console branding": 5,
    # Ads (console.ads): the site's and the operator's campaigns with their jobs, and their
    # placements; a campaign's form: the campaign, its placements, the genres and the site's
    # viewer plans to choose from and those it targets; a report: the span's rows with
    # campaigns and sites (one query however many days or campaigns), and for one campaign,
    # that campaign first.
    "console ads": 6,
    "console ads campaign": 10,
    "console ads report": 5,
    "console ads campaign report": 6,
}


# Banner slots (ads/slots.py) on the pages that have one, with a house banner and a tag live
# in every slot, both capped, one targeting a genre: their placements, genres and viewer plans
# (three), the cap and the budget counted for the one chosen (two); the player and the reader
# also read the genres of what they show (one; the title page has them already), and the
# player's break schedule (ads.breaks) reads them once more for its own targeting. A viewer
# who sees ads (vera: the site's default plan, "Tier 0", shows them) pays one query on these
# pages with no campaign at all, the site's live campaigns (read once per request, shared
# with the player's breaks): in QUERIES above.
ADS_EXTRA = {"home": 5, "title: film": 5, "watch": 7, "reader": 6}


@dataclass(frozen=True)
class Scene:
    titles: int
    site: object
    viewer: object
    pages: dict[str, str]
    owner: object = None  # a site admin of the same site, for the console's pages


def api_pages(landmarks) -> dict[str, str]:
    """The API's other reads, which load through the site's access layer like its pages."""
    return {
        "api search": f"/api/titles/search/?q={landmarks.search_word}",
        "api title": f"/api/titles/{landmarks.film.pk}/",
        "api seasons": f"/api/titles/{landmarks.series.pk}/seasons/",
        "api watchlist": "/api/watchlist/",
        "api history": "/api/progress/history/",
        "api continue": "/api/progress/continue/",
    }


def comics_api_pages(manga: Series) -> dict[str, str]:
    api = "/api/v1/comics/"
    chapter = manga.chapters.order_by("number").first()
    return {
        "api comics series": f"{api}series/",
        "api comics series filtered": f"{api}series/?direction=ltr&sort=updated",
        "api comics search": f"{api}series/?q=harbour",
        "api comics series detail": f"{api}series/{manga.pk}/",
        "api comics chapter": f"{api}chapters/{chapter.pk}/?width=800",
        "api comics progress": f"{api}progress/",
        "api comics want-to-read": f"{api}want-to-read/",
    }


def add_manga(titles: int) -> Series:
    """A tenth as many published series as titles (at least 8), named like the titles, and
    two the searches find as typed: "The Long Night" and "Harbour Lights" (with two
    chapters: the series page opens it, and it is returned)."""
    rng = random.Random(11)
    Series.objects.bulk_create(
        (
            Series(
                title=f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {n}",
                slug=f"manga-{n}",
                status=Series.Status.PUBLISHED,
            )
            for n in range(max(8, titles // 10))
        ),
        batch_size=2000,
    )
    comic_series("The Long Night", alternative_titles=["Nagai Yoru"])
    harbour = comic_series("Harbour Lights", alternative_titles=["Minato no Akari"])
    comic_chapter(harbour, "1")
    comic_chapter(harbour, "2")
    return harbour


def progressive_pages() -> dict[str, str]:
    """A ten-minute film being transcoded: 150 segments, 20 made from the start and 30 from
    where a viewer sought to (the gap between is still to encode)."""
    media = progressive_film("Unhurried Reel", [*range(20), *range(40, 70)], duration=600.0)
    return {
        "watch progressive": f"/watch/{media.pk}/",
        "progressive json": f"/watch/{media.pk}/progressive.json",
        "progressive json at": f"/watch/{media.pk}/progressive.json?at=170",
    }


def read_manga(site, viewer, series: Series) -> None:
    """The viewer finished chapter 1 of `series` and keeps it on their list: the home page's
    "Continue reading" (chapter 2), the series page's states and the Reading tab show rows."""
    record_page(site, viewer, series.chapters.order_by("number").first(), 0)
    WantToRead.objects.create(tenant=site, user=viewer, series=series)


def billing_pages(site, viewer) -> dict[str, str]:
    """Three viewer plans, and the viewer's three invoices for one of them, one paid."""
    for n, price in enumerate(("0", "4.99", "9.99")):
        ViewerPlan.objects.create(tenant=site, name=f"Tier {n}", price=price, is_default=n == 0)
    subscription = Subscription.objects.create(
        tenant=site,
        kind="viewer",
        user=viewer,
        viewer_plan=ViewerPlan.objects.get(tenant=site, name="Tier 1"),
        provider=Provider.MANUAL,
    )
    lines = [invoicing.Line("Tier 1, one month", 499), invoicing.Line("Extra", 100)]
    invoices = [
        invoicing.issue(subscription, lines, currency="EUR", issued_at=timezone.now())
        for _ in range(3)
    ]
    invoicing.record_payment(
        invoices[0], amount_minor=599, paid_at=timezone.now(), reference="T1", provider="manual"
    )
    return {
        "billing plans": "/billing/",
        "billing invoices": "/billing/invoices/",
        "billing invoice": f"/billing/invoices/{invoices[0].pk}/",
    }


def console_pages(site) -> dict[str, str]:
    """The console's pages; each section adds its rows for the site here."""
    # Figures: 90 days of daily rows, 12 titles and 12 series in them (more than the tops' ten).
    fill_days(site, 90, titles=titles_for_figures(12), series=series_for_figures(12))
    brand_at_scale(site)  # every page's footer: all its links and legal pages
    return {
        "console overview": "/console/",
        "console figures": "/console/figures/?days=90",
        **scale_console_pages(site),  # members, invitations, plans, moderation
        "console branding": "/console/branding/",
        "legal page": "/legal/privacy/",
        **scale_ad_pages(site),  # 13 campaigns, 90 days of counts each
    }


def curated_pages(viewer, owner, landmarks, manga: Series) -> dict[str, str]:
    """A second site (CURATED_HOST) with the viewer a member and the owner an admin, its home
    page arranged to the caps: its home page and the console's pages of its curation."""
    site = make_site("Curated", CURATED_HOST)
    Membership.objects.create(tenant=site, user=viewer)
    Membership.objects.create(tenant=site, user=owner, role=Membership.Role.ADMIN)
    titles = [landmarks.film, landmarks.series]
    titles += Title.objects.exclude(pk__in=[t.pk for t in titles]).order_by("pk")[:10]
    rows = curate_at_scale(site, titles, manga)
    picked = next(row for row in rows if row.kind == "picked")
    return {
        "home curated": "/",
        "console home page": "/console/home-page/",
        "console home row": f"/console/home-page/rows/{picked.pk}/?q={landmarks.search_word}",
        "console featured": f"/console/home-page/featured/?q={landmarks.search_word}",
    }


@pytest.fixture(scope="module", params=[SMALL, LARGE], ids=lambda n: f"{n}-titles")
def catalogue(request, django_db_setup, django_db_blocker) -> Scene:
    with django_db_blocker.unblock(), transaction.atomic():
        site = make_site("Scale", HOST)
        viewer = make_member("vera", site)
        landmarks = build_catalogue(site, viewer, request.param)
        manga = add_manga(request.param)
        read_manga(site, viewer, manga)
        # PostgreSQL checks deferred foreign keys when each test's savepoint ends (TestCase
        # does SET CONSTRAINTS ALL IMMEDIATE): checked here once, not again for every test.
        connection.check_constraints()
        pages = {**viewer_pages(landmarks), **api_pages(landmarks)}
        pages["manga series"] = f"/manga/{manga.slug}/"
        pages["reader"] = f"/read/{manga.chapters.order_by('number').first().pk}/"
        pages["manga browse"] = "/manga/"
        pages["manga browse filtered"] = "/manga/?direction=ltr&sort=updated"
        pages["account reading"] = "/account/reading/"
        pages["account reading history"] = "/account/reading/history/"
        pages.update(comics_api_pages(manga))
        pages.update(progressive_pages())
        pages.update(
            stremio_pages(
                site,
                viewer,
                landmarks.film,
                landmarks.series,
                landmarks.genre_slug,
                landmarks.search_word,
            )
        )
        pages.update(party_pages(site, viewer, landmarks.film_media_id))
        pages.update(billing_pages(site, viewer))
        pages["report title"] = f"/takedowns/report/title/{landmarks.film.pk}/"
        pages["report series"] = f"/takedowns/report/series/{manga.pk}/"
        owner = make_member("owen", site, Membership.Role.ADMIN)
        pages.update(console_pages(site))
        pages.update(curated_pages(viewer, owner, landmarks, manga))
        yield Scene(request.param, site, viewer, pages, owner)
        transaction.set_rollback(True)


@pytest.fixture
def member(catalogue) -> Client:
    client = Client(HTTP_HOST=HOST)
    client.force_login(catalogue.viewer)
    return client


@pytest.fixture
def owner(catalogue) -> Client:
    client = Client(HTTP_HOST=HOST)
    client.force_login(catalogue.owner)
    return client


def queries_for(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured.captured_queries)


def expected(page: str, table: dict = QUERIES) -> int:
    count = table[page]
    if isinstance(count, tuple):
        return count[0] if connection.vendor == "postgresql" else count[1]
    return count


@pytest.mark.parametrize("page", list(QUERIES))
def test_each_page_runs_the_stated_number_of_queries(catalogue, member, page):
    path = catalogue.pages[page]
    if page in CURATED_PAGES:
        member.defaults["HTTP_HOST"] = CURATED_HOST
    if page.startswith("home"):
        member.get(path)  # counts the biggest genres into the cache

    assert queries_for(member, path) == expected(page), path


@pytest.mark.parametrize("page", list(CONSOLE_QUERIES))
def test_each_console_page_runs_the_stated_number_of_queries(catalogue, owner, page):
    path = catalogue.pages[page]
    if page in CURATED_PAGES:
        owner.defaults["HTTP_HOST"] = CURATED_HOST

    assert queries_for(owner, path) == expected(page, CONSOLE_QUERIES), path


def test_banner_slots_cost_a_stated_number_of_queries_more(catalogue, member):
    slots = ("home", "title", "player", "reader")
    for make in (house_banner, tag_banner):
        make(catalogue.site, *slots, cap_per_day=50, daily_budget=1000)
    house_banner(catalogue.site, *slots, name="Niche").genres.add(Genre.objects.create(
        name="Nobody's genre", slug="nobodys-genre"))  # fmt: skip
    member.get("/")  # counts the biggest genres into the cache

    for page, extra in ADS_EXTRA.items():
        path = catalogue.pages[page]
        assert queries_for(member, path) == expected(page) + extra, path
        assert 'class="ad-slot' in member.get(path).content.decode(), path


def test_the_home_page_counts_the_biggest_genres_once_per_site(catalogue, member):
    first = queries_for(member, "/")
    again = queries_for(member, "/")

    # The first visit also asks whether the site arranged its home page (curation.home keeps
    # the answer in the cache, as the biggest genres are kept).
    assert (first, again) == (QUERIES["home"] + 2, QUERIES["home"])


def test_browse_counts_no_further_than_its_page_needs(catalogue, member):
    first = member.get("/browse/").content.decode()
    deep = member.get(catalogue.pages["browse page 1000"]).content.decode()

    if catalogue.titles == LARGE:
        assert "1000+ titles" in first
        assert ">Page 1</span>" in first  # no "of N": the pages were not all counted
        assert ">Page 1000</span>" in deep
        assert 'rel="next"' in deep  # and on it goes while titles remain
    else:
        shown = Title.objects.visible_on(catalogue.site).count()
        assert f"{shown} titles" in first
        assert "Page 1000" not in deep  # past the end: the last page
