"""The player's ad schedule (ads.breaks.schedule_for) and the break endpoint
(/ads/break/<media>/): who gets breaks, where mid-rolls fall, the ad's JSON for a hosted
creative and for an external tag served by a local ad-server double, and the refusals."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from django.urls import reverse

from ads.breaks import schedule_for
from ads.models import CampaignDay, Placement
from ads.vast.build import build_vast
from ads.vast.model import MediaFile as VastMedia
from tenants.models import Membership, Tenant
from tests.factories import film, film_file
from tests.support.ads_rows import ad_free_plan, hosted_campaign, plan_with_ads, tag_campaign
from tests.support.vast_double import VastDouble
from tests.support.vast_samples import EMPTY, wrapper

pytestmark = pytest.mark.django_db

PRE, MID, POST = Placement.Where.PRE_ROLL, Placement.Where.MID_ROLL, Placement.Where.POST_ROLL
AN_HOUR = 3600.0


@pytest.fixture
def movie():
    return film_file(film("Heat"), duration_seconds=AN_HOUR)


@pytest.fixture
def viewer(alpha, alice) -> Client:
    plan_with_ads(alpha)
    client = Client(HTTP_HOST="a.test")
    client.force_login(alice)
    return client


def site_request(site, user):
    """A request on `site` as the middleware leaves it (the site, its plans, the user)."""
    request = RequestFactory().get("/", HTTP_HOST="a.test")
    request.tenant = Tenant.objects.get(pk=site.pk)
    request.user = user
    request.session = SessionStore()
    return request


def break_url(media, where: str = PRE, at: str | None = None) -> str:
    query = f"?where={where}" + (f"&at={at}" if at is not None else "")
    return reverse("ad-break", args=[media.pk]) + query


# --- the schedule ----------------------------------------------------------------------------


def test_a_viewer_who_sees_ads_gets_the_breaks_the_campaigns_place(alpha, alice, movie):
    plan_with_ads(alpha)
    hosted_campaign(alpha, PRE, mid=[(600, None), (None, 50)])
    hosted_campaign(None, POST, name="Operator's", mid=[(600, None), (1200, None)])

    schedule = schedule_for(site_request(alpha, alice), movie)

    assert schedule == {
        "breakUrl": reverse("ad-break", args=[movie.pk]),
        "preRoll": True,
        "midRolls": [600, 1200, 1800],  # the same point from two campaigns comes once
        "postRoll": True,
        "timeout": 2.0,
    }


def test_no_mid_roll_falls_in_the_first_or_the_last_minute(alpha, alice, movie):
    plan_with_ads(alpha)
    points = [(30, None), (60, None), (None, 1), (None, 99), (3540, None), (3541, None)]
    hosted_campaign(alpha, mid=points)

    schedule = schedule_for(site_request(alpha, alice), movie)

    assert schedule["midRolls"] == [60, 3540]
    assert (schedule["preRoll"], schedule["postRoll"]) == (False, False)


def test_a_video_of_unknown_length_gets_no_mid_rolls(alpha, alice):
    plan_with_ads(alpha)
    hosted_campaign(alpha, PRE, mid=[(600, None)])
    unknown = film_file(film("Unknown"), duration_seconds=None)

    schedule = schedule_for(site_request(alpha, alice), unknown)

    assert (schedule["preRoll"], schedule["midRolls"]) == (True, [])


def test_ad_free_viewers_site_admins_and_sites_without_campaigns_get_no_schedule(
    alpha, alice, alpha_admin, movie
):
    assert schedule_for(site_request(alpha, alice), movie) is None  # no ads on this site yet
    plan_with_ads(alpha)
    assert schedule_for(site_request(alpha, alice), movie) is None  # ads, but no campaign
    hosted_campaign(alpha, PRE)
    assert schedule_for(site_request(alpha, alice), movie) is not None

    assert schedule_for(site_request(alpha, alpha_admin), movie) is None
    ad_free_plan(alpha, alice)
    assert schedule_for(site_request(alpha, alice), movie) is None


def test_banner_campaigns_and_campaigns_targeting_other_content_make_no_break(alpha, alice, movie):
    plan_with_ads(alpha)
    hosted_campaign(alpha, PRE, kinds=["episode"])
    hosted_campaign(alpha, PRE, name="Teens", age_ratings=["PG-13"])
    banner = hosted_campaign(alpha, Placement.Where.HOME, name="Banner")
    banner.creative = banner.Creative.HOUSE_BANNER
    banner.save(update_fields=["creative"])

    assert schedule_for(site_request(alpha, alice), movie) is None


def test_the_schedule_costs_the_same_queries_however_many_campaigns(
    alpha, alice, movie, django_assert_max_num_queries
):
    plan_with_ads(alpha)
    hosted_campaign(alpha, PRE, mid=[(600, None)])
    with django_assert_max_num_queries(7) as one:
        schedule_for(site_request(alpha, alice), movie)
    for n in range(6):
        hosted_campaign(alpha, PRE, POST, name=f"More {n}", mid=[(900 + n, None)])
        hosted_campaign(None, name=f"Operator {n}", mid=[(None, 10 + n)])

    with django_assert_max_num_queries(len(one.captured_queries)):
        schedule = schedule_for(site_request(alpha, alice), movie)

    assert len(schedule["midRolls"]) == 13


# --- the break endpoint: a hosted creative ----------------------------------------------------


def test_a_hosted_pre_roll_answers_its_signed_link_and_our_trackers(viewer, alpha, movie):
    campaign = hosted_campaign(alpha, PRE, skip_after=5)

    answer = viewer.get(break_url(movie))

    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]
    ad = answer.json()["ad"]
    assert ad["label"] == "Ad"
    assert len(ad["id"]) >= 16
    assert ad["mediaUrl"].startswith(campaign.video.stored.media_uri + "?")
    assert (ad["mediaType"], ad["duration"], ad["skipOffset"]) == ("video/mp4", 15.0, 5.0)
    assert ad["clickThrough"] == "https://advertiser.example/spring"
    for event, urls in ad["tracking"].items():
        assert urls[0].startswith("/ads/t/"), event
        assert f"/{event}/" in urls[0], event
    assert ad["tracking"]["error"][0].endswith("/error/?code=[ERRORCODE]")


def test_the_hosted_creatives_file_is_served_where_its_campaign_runs(viewer, alpha, beta, movie):
    campaign = hosted_campaign(alpha, PRE)
    link = viewer.get(break_url(movie)).json()["ad"]["mediaUrl"]

    served_here = Client(HTTP_HOST="a.test").get(link).status_code
    served_on_beta = Client(HTTP_HOST="b.test").get(link).status_code
    campaign.active = False
    campaign.save(update_fields=["active"])
    served_when_paused = Client(HTTP_HOST="a.test").get(link).status_code

    assert (served_here, served_on_beta, served_when_paused) == (200, 404, 404)


def test_a_break_with_nothing_to_show_answers_no_ad(viewer, alpha, alice, movie):
    assert viewer.get(break_url(movie)).json() == {"ad": None}  # no campaign
    hosted_campaign(alpha, PRE, cap_per_day=1)
    first = viewer.get(break_url(movie)).json()["ad"]
    viewer.get(first["tracking"]["impression"][0])

    assert viewer.get(break_url(movie)).json() == {"ad": None}  # capped
    assert viewer.get(break_url(movie, POST)).json() == {"ad": None}  # no post-roll runs


def test_an_ad_free_viewer_is_answered_no_ad(viewer, alpha, alice, movie):
    hosted_campaign(alpha, PRE)
    ad_free_plan(alpha, alice)

    assert viewer.get(break_url(movie)).json() == {"ad": None}


@pytest.mark.parametrize(
    "query",
    ["", "?where=banner", "?where=home", "?where=pre_roll&at=-1", "?where=mid_roll&at=nan",
     "?where=mid_roll&at=inf", "?where=mid_roll&at=1e400", "?where=mid_roll&at=%D9%A1%D9%A2",
     "?where=mid_roll&at=ten"],
)  # fmt: skip
def test_a_bad_where_or_at_is_a_400_with_a_message(viewer, movie, query):
    answer = viewer.get(reverse("ad-break", args=[movie.pk]) + query)

    assert answer.status_code == 400
    assert answer.json()["detail"]


def test_a_mid_roll_is_asked_for_with_its_point(viewer, alpha, movie):
    hosted_campaign(alpha, mid=[(600, None)])

    assert viewer.get(break_url(movie, MID, "600.5")).json()["ad"] is not None


def test_visitors_are_refused_and_a_video_the_viewer_cannot_see_is_a_404(
    viewer, alpha, beta, movie
):
    hosted_campaign(alpha, PRE)
    draft = film_file(film("Draft", status="draft"))

    visitor = Client(HTTP_HOST="a.test").get(break_url(movie))
    hidden = viewer.get(break_url(draft))
    missing = viewer.get(f"/ads/break/{2**63 + 5}/?where=pre_roll")

    assert visitor.status_code == 403
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.json()["detail"]


def test_a_member_of_another_site_gets_no_break_here(alpha, beta, bob, movie):
    plan_with_ads(alpha)
    hosted_campaign(alpha, PRE)
    elsewhere = Client(HTTP_HOST="a.test")
    elsewhere.force_login(bob)

    assert elsewhere.get(break_url(movie)).status_code == 403
    assert not Membership.objects.filter(tenant=alpha, user=bob).exists()


# --- the break endpoint: an external tag -------------------------------------------------------


@pytest.fixture
def double(settings):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]  # the SSRF guard refuses loopback otherwise
    with VastDouble() as server:
        yield server


PLACEHOLDER = "http://double.invalid"


def network_ad() -> str:
    """A network's inline ad; "{base}" becomes the double's URL when it is served."""
    return (
        build_vast(
            ad_id="net-1",
            title="A network's ad",
            duration=20,
            media=[VastMedia(f"{PLACEHOLDER}/ad.mp4", "video/mp4", 1280, 720, 1500)],
            skip_offset=5,
            tracking={
                "impression": [f"{PLACEHOLDER}/imp"],
                "error": [f"{PLACEHOLDER}/err?c=[ERRORCODE]"],
            },
            click_through="https://advertiser.example/network",
        )
        .decode()
        .replace(PLACEHOLDER, "{base}")
    )


def test_a_tags_ad_carries_the_networks_trackers_after_ours(viewer, alpha, movie, double):
    url = double.serve("/tag", network_ad())
    tag_campaign(alpha, url + "?pos=[CONTENTPLAYHEAD]", mid=[(600, None)])
    hosted_campaign(alpha, mid=[(600, None)], name="Hosted", active=False)

    ad = viewer.get(break_url(movie, MID, "600")).json()["ad"]

    assert ad["mediaUrl"] == f"{double.url.rstrip('/')}/ad.mp4"
    assert ad["tracking"]["impression"][0].startswith("/ads/t/")
    assert ad["tracking"]["impression"][1] == f"{double.url.rstrip('/')}/imp"
    assert double.hits("/tag?pos=00%3A10%3A00.000")


@pytest.mark.parametrize(
    ("answer", "code"),
    [({"status": 500}, 301), ({"status": 200, "body": "<VAST"}, 100), ({"status": 204}, 303)],
)
def test_a_broken_tag_answers_no_ad_with_its_code_and_counts_the_error(
    viewer, alpha, movie, double, answer, code
):
    url = double.serve("/tag", answer.get("body", ""), status=answer["status"])
    campaign = tag_campaign(alpha, url, PRE)

    body = viewer.get(break_url(movie)).json()

    assert body == {"ad": None, "error": code}
    day = CampaignDay.objects.get(campaign=campaign, tenant=alpha)
    assert (day.errors, day.error_codes) == (1, {str(code): 1})


def test_a_slow_tag_is_given_up_in_well_under_the_players_timeout(viewer, alpha, movie, double):
    url = double.serve("/tag", network_ad(), delay=5)
    tag_campaign(alpha, url, PRE)

    started = time.monotonic()
    body = viewer.get(break_url(movie)).json()

    assert time.monotonic() - started < 1.5
    assert body == {"ad": None, "error": 301}


def test_a_slow_error_url_is_called_after_the_answer_not_before_it(viewer, alpha, movie, double):
    # The wrapper's Error URL takes 1 s; its inline tag is empty (303). The viewer's break
    # answers at once and the ad server still hears of the error, from a thread of its own.
    double.serve("/err/slow", "", delay=1.0)
    empty = double.serve("/empty", EMPTY)
    url = double.serve("/tag", wrapper(empty, "slow"))
    tag_campaign(alpha, url, PRE)

    started = time.monotonic()
    body = viewer.get(break_url(movie)).json()

    assert time.monotonic() - started < 0.9
    assert body == {"ad": None, "error": 303}
    deadline = time.monotonic() + 5
    while not double.hits("/err/slow") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert double.hits("/err/slow") == ["/err/slow?code=303"]
