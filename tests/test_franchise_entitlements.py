"""What a viewer may do is one function of (site plan, viewer plan, role)
(tenants.entitlements), and the site applies it: the quality cap on versions and links,
ReadVault left out of a plan on each of its routes, downloads, the ads flag."""

from __future__ import annotations

from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from stored_media.signing import signed_link
from tenants.entitlements import OPERATOR, UNLIMITED, entitlements
from tenants.models import Membership, SitePlan, ViewerPlan
from tests.factories import comic_chapter, comic_series, film, film_file

pytestmark = pytest.mark.django_db

VIEWER, ADMIN, VISITOR = Membership.Role.VIEWER, Membership.Role.ADMIN, None
ACQUISITION = 'rel="http://opds-spec.org/acquisition"'


def site_plan(**fields) -> SitePlan:
    defaults = {"name": "Standard", "max_height": 1080, "readvault": True, "downloads": True}
    return SitePlan.objects.create(**(defaults | fields))


def viewer_plan(tenant, name="Free", **fields) -> ViewerPlan:
    return ViewerPlan.objects.create(tenant=tenant, name=name, **fields)


def on_plan(tenant, plan: SitePlan | None) -> None:
    tenant.plan = plan
    tenant.save(update_fields=["plan"])
    tenant.__dict__.pop("default_viewer_plan", None)  # as a fresh request would find it


# --- the function's table -------------------------------------------------------------------

# (site plan fields or None, viewer plan fields or None, role) ->
# (max_height, downloads, readvault, ads)
TABLE = [
    # No site plan: no limits, whoever asks.
    (None, None, VIEWER, (None, True, True, False)),
    (None, None, VISITOR, (None, True, True, False)),
    (None, {"ads": True, "max_height": 720}, VIEWER, (720, False, True, True)),
    # A site plan and no viewer plan: the site plan's limits for everyone.
    ({"max_height": 1080, "must_show_ads": True}, None, VIEWER, (1080, True, True, True)),
    ({"max_height": 1080, "must_show_ads": True}, None, VISITOR, (1080, True, True, True)),
    # Operators and site admins: all the site plan allows, without ads.
    (
        {"max_height": 1080, "must_show_ads": True},
        {"max_height": 480},
        ADMIN,
        (1080, True, True, False),
    ),
    (
        {"max_height": 2160, "readvault": False},
        {"max_height": 480},
        OPERATOR,
        (2160, True, False, False),
    ),
    # A viewer plan within the site plan: its own limits.
    (
        {"max_height": 2160},
        {"max_height": 720, "ads": True, "downloads": False},
        VIEWER,
        (720, False, True, True),
    ),
    (
        {"max_height": 2160},
        {"max_height": None, "ads": False, "downloads": True},
        VIEWER,
        (2160, True, True, False),
    ),
    # The site plan's refusals win over anything the viewer plan says.
    (
        {"max_height": 720, "downloads": False, "readvault": False},
        {"max_height": 2160, "downloads": True, "readvault": True, "ads": False},
        VIEWER,
        (720, False, False, False),
    ),
    ({"must_show_ads": True}, {"ads": False}, VIEWER, (1080, False, True, True)),
]


@pytest.mark.parametrize(("site_fields", "plan_fields", "role", "expected"), TABLE)
def test_the_function_of_site_plan_viewer_plan_and_role(
    alpha, alice, site_fields, plan_fields, role, expected
):
    if site_fields is not None:
        on_plan(alpha, site_plan(**site_fields))
    membership = Membership.objects.get(user=alice)
    if plan_fields is not None:
        membership.viewer_plan = viewer_plan(alpha, **plan_fields)
        membership.save(update_fields=["viewer_plan"])

    allowed = entitlements(alpha, None if role is VISITOR else membership, role)

    assert (allowed.max_height, allowed.downloads, allowed.readvault, allowed.ads) == expected


def test_a_member_without_a_plan_of_their_own_gets_the_sites_default_plan(alpha, alice):
    on_plan(alpha, site_plan(max_height=2160))
    viewer_plan(alpha, "Premium", max_height=2160, ads=False)
    viewer_plan(alpha, "Free", max_height=480, ads=True, is_default=True)
    membership = Membership.objects.get(user=alice)

    allowed = entitlements(alpha, membership, VIEWER)
    visitor = entitlements(alpha, None, VISITOR)

    assert (allowed.max_height, allowed.ads) == (480, True)
    assert visitor == allowed
    assert "“Free”" in allowed.refusal("max_height")


def test_a_plan_saved_above_the_site_plan_is_clamped_with_the_site_plans_reason(alpha, alice):
    # The operator moved the site to a smaller plan after the viewer plan was made.
    premium = viewer_plan(alpha, "Premium", max_height=2160, downloads=True, ads=False)
    on_plan(alpha, site_plan(max_height=720, downloads=False, must_show_ads=True))
    membership = Membership.objects.get(user=alice)
    membership.viewer_plan = premium
    membership.save(update_fields=["viewer_plan"])

    allowed = entitlements(alpha, membership, VIEWER)

    assert (allowed.max_height, allowed.downloads, allowed.ads) == (720, False, True)
    assert allowed.refusal("max_height") == "This site's plan plays up to 720p."
    assert allowed.refusal("downloads") == "Downloads are not part of this site's plan."


def test_another_sites_viewer_plan_counts_as_none(alpha, beta, alice):
    membership = Membership.objects.get(user=alice)
    membership.viewer_plan = viewer_plan(beta, "Beta premium", max_height=2160, ads=False)
    membership.save(update_fields=["viewer_plan"])
    viewer_plan(alpha, "Alpha free", max_height=480, is_default=True)

    assert entitlements(alpha, membership, VIEWER).max_height == 480


def test_no_plans_at_all_is_unlimited(alpha, alice):
    assert entitlements(alpha, Membership.objects.get(user=alice), VIEWER) == UNLIMITED


def test_the_plans_cost_a_page_no_query(on_alpha, alice, alpha):
    """The host lookup brings the site plan and its default viewer plan; the membership
    lookup the member's plan: a page counts the same with plans as without."""
    title = film("Heat")
    media = film_file(title, height=720)
    on_alpha.force_login(alice)
    on_alpha.get(f"/watch/{media.pk}/")  # warm what is cached per process

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert on_alpha.get(f"/watch/{media.pk}/").status_code == 200
        return len(captured.captured_queries)

    without = queries()
    on_plan(alpha, site_plan(max_height=1080))
    # Without ads: a plan that shows them reads the site's campaigns, which the ads count
    # (tests/test_pages_at_scale.py, ADS_EXTRA).
    viewer_plan(alpha, "Free", max_height=720, is_default=True, ads=False)
    with_default = queries()
    membership = Membership.objects.get(user=alice)
    membership.viewer_plan = viewer_plan(alpha, "Premium", ads=False)
    membership.save(update_fields=["viewer_plan"])

    assert without == with_default == queries()


# --- the quality cap ------------------------------------------------------------------------


@pytest.fixture
def capped(alpha, alice, on_alpha) -> Client:
    """alice on the free plan of Alpha: 1080p at most."""
    on_plan(alpha, site_plan(max_height=2160))
    membership = Membership.objects.get(user=alice)
    membership.viewer_plan = viewer_plan(alpha, "Free", max_height=1080)
    membership.save(update_fields=["viewer_plan"])
    on_alpha.force_login(alice)
    return on_alpha


def test_a_version_above_the_cap_moves_to_the_best_one_within_it(capped):
    title = film("Heat")
    uhd = film_file(title, height=2160, quality_label="2160p")
    hd = film_file(title, height=1080, quality_label="1080p")

    answer = capped.get(f"/watch/{uhd.pk}/")
    page = capped.get(f"/watch/{hd.pk}/")

    assert answer.status_code == 302
    assert answer["Location"] == f"/watch/{hd.pk}/"
    assert [v.pk for v in page.context["versions"]] == [hd.pk]
    assert page.context["player_config"]["src"].startswith(f"/media/{hd.stored_id}/")


def test_a_title_only_above_the_cap_says_so_instead_of_an_empty_player(capped):
    uhd = film_file(film("Planet"), height=2160)

    answer = capped.get(f"/watch/{uhd.pk}/")
    renewal = capped.get(f"/watch/{uhd.pk}/link/")

    assert answer.status_code == 403
    text = answer.content.decode()
    assert "only above 1080p" in text
    assert "Your plan “Free” plays up to 1080p." in text
    assert "/media/" not in text
    assert renewal.status_code == 403
    assert "1080p" in renewal.json()["detail"]


def test_the_title_page_and_the_api_offer_no_version_above_the_cap(capped):
    title = film("Heat")
    uhd = film_file(title, height=2160)
    hd = film_file(title, height=1080)

    page = capped.get(f"/title/{title.slug}/")
    api = capped.get(f"/api/titles/{title.pk}/").json()

    assert [v.pk for v in page.context["page"].versions] == [hd.pk]
    links = {f["id"]: f["stream_url"] for f in api["media_files"]}
    assert links[uhd.pk] is None
    assert links[hd.pk].startswith(f"/media/{hd.stored_id}/")


def test_a_site_admin_plays_what_the_site_plan_allows(alpha, alpha_admin, on_alpha):
    on_plan(alpha, site_plan(max_height=2160))
    viewer_plan(alpha, "Free", max_height=720, is_default=True)
    uhd = film_file(film("Planet"), height=2160)
    on_alpha.force_login(alpha_admin)

    assert on_alpha.get(f"/watch/{uhd.pk}/").status_code == 200


# --- ReadVault left out ---------------------------------------------------------------------


@pytest.fixture
def no_readvault(alpha, alice, on_alpha):
    on_plan(alpha, site_plan(readvault=False))
    on_alpha.force_login(alice)
    chapter = comic_chapter(comic_series("Berserk", slug="berserk"))
    return on_alpha, chapter


@pytest.mark.parametrize(
    "path",
    [
        "/manga/",
        "/manga/berserk/",
        "/read/{chapter}/",
        "/read/{chapter}/pages.json",
        "/account/reading/",
        "/account/reader-apps/",
        "/opds/",
        "/opds/series/",
        "/opds/pages/{chapter}/0",
        "/api/v1/comics/series/",
        "/api/v1/comics/chapters/{chapter}/",
        "/api/v1/comics/progress/",
    ],
)
def test_readvault_left_out_of_the_plan_answers_403_with_the_reason(no_readvault, path):
    client, chapter = no_readvault

    answer = client.get(path.format(chapter=chapter.pk))

    assert answer.status_code == 403
    assert "Manga and comics are not part of this site's plan." in unescape(answer.content.decode())


def test_readvault_left_out_of_a_viewer_plan_refuses_that_viewer_only(
    alpha, alice, alpha_admin, on_alpha
):
    membership = Membership.objects.get(user=alice)
    membership.viewer_plan = viewer_plan(alpha, "Films only", readvault=False)
    membership.save(update_fields=["viewer_plan"])
    comic_chapter(comic_series("Berserk", slug="berserk"))
    admin = Client(HTTP_HOST="a.test")
    admin.force_login(alpha_admin)
    on_alpha.force_login(alice)

    refused = on_alpha.get("/manga/")
    home = on_alpha.get("/").content.decode()

    assert refused.status_code == 403
    assert "not part of your plan “Films only”" in refused.content.decode()
    assert 'href="/manga/"' not in home
    assert "New chapters" not in home
    assert admin.get("/manga/").status_code == 200


def test_readvault_left_out_of_the_site_plan_serves_no_page_or_archive_link(no_readvault):
    client, chapter = no_readvault
    archive = f"/media/{chapter.archive.pk}/{chapter.archive.link_name}"

    page = client.get(signed_link(f"/pages/{chapter.pk}/0/orig"))
    download = client.get(signed_link(archive))

    assert page.status_code == 403
    assert "not part of this site's plan" in page.content.decode()
    assert download.status_code == 404  # not servable here, as for another site's object


def test_readvault_left_out_hides_its_search_hits_and_account_tabs(no_readvault):
    client, _ = no_readvault

    search = client.get("/search/?q=Berserk").content.decode()
    typeahead = client.get("/search/typeahead?q=Berserk").json()
    account = client.get("/account/").content.decode()

    assert "/manga/berserk/" not in search
    assert "/manga/berserk/" not in str(typeahead)
    assert "/account/reading/" not in account
    assert "/account/reader-apps/" not in account


def test_readvault_in_the_plan_keeps_its_search_hits_and_tabs(alpha, alice, on_alpha):
    comic_chapter(comic_series("Berserk", slug="berserk"))
    on_alpha.force_login(alice)

    assert "/manga/berserk/" in on_alpha.get("/search/?q=Berserk").content.decode()
    assert "/account/reading/" in on_alpha.get("/account/").content.decode()


def test_the_reading_api_checks_the_tokens_user_not_the_session(alpha, alice, on_alpha):
    """A token's user has their own plan: the check runs after DRF found them."""
    viewer_plan(alpha, "Visitors", readvault=False, is_default=True)
    membership = Membership.objects.get(user=alice)
    membership.viewer_plan = viewer_plan(alpha, "Reader", readvault=True)
    membership.save(update_fields=["viewer_plan"])
    token = on_alpha.post(
        "/api/token/", {"username": "alice", "password": "correct horse battery staple"}
    ).json()["token"]

    anonymous = on_alpha.get("/api/v1/comics/series/")
    with_token = on_alpha.get("/api/v1/comics/series/", HTTP_AUTHORIZATION=f"Token {token}")

    assert anonymous.status_code == 403
    assert with_token.status_code == 200


# --- downloads and ads ----------------------------------------------------------------------


def test_downloads_off_removes_the_opds_acquisition_link_and_refuses_the_download(
    alpha, alice, on_alpha
):
    on_plan(alpha, site_plan(downloads=False))
    chapter = comic_chapter(comic_series("Berserk", slug="berserk"))
    on_alpha.force_login(alice)

    feed = on_alpha.get("/opds/series/berserk/").content.decode()
    download = on_alpha.get(f"/opds/chapters/{chapter.pk}/download")

    assert ACQUISITION not in feed
    assert "opds-pse/stream" in feed  # pages still stream
    assert download.status_code == 403
    assert "Downloads are not part of this site's plan." in download.content.decode()


def test_downloads_on_keeps_the_opds_download(alpha, alice, on_alpha):
    chapter = comic_chapter(comic_series("Berserk", slug="berserk"))
    on_alpha.force_login(alice)

    assert ACQUISITION in on_alpha.get("/opds/series/berserk/").content.decode()
    assert on_alpha.get(f"/opds/chapters/{chapter.pk}/download").status_code == 302


def test_the_ads_flag_reaches_the_templates(alpha, alice, on_alpha):
    on_plan(alpha, site_plan(must_show_ads=True))
    on_alpha.force_login(alice)

    assert on_alpha.get("/").context["entitlements"].ads is True
