"""Which campaign runs (ads.choosing): who sees ads, the site's and the operator's live
campaigns, targeting, weights, frequency caps and the daily budget."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from ads.choosing import Context, choose, live_campaigns, shows_ads, under_limits, viewer_key
from ads.models import CampaignDay, Impression, Placement
from streaming.models import Genre
from tenants.models import Tenant
from tests.factories import film
from tests.support.ads_rows import ad_free_plan, hosted_campaign, plan_with_ads

pytestmark = pytest.mark.django_db

PRE = Placement.Where.PRE_ROLL
FILM = Context(kind="film", age_rating="PG-13", title_id=None)


def site_request(site, user=None):
    request = RequestFactory().get("/", HTTP_HOST="a.test")
    request.tenant = Tenant.objects.get(pk=site.pk)
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    return request


@pytest.fixture
def free(alpha):
    return plan_with_ads(alpha)


def test_viewers_on_a_plan_with_ads_see_them_and_admins_and_premium_viewers_do_not(
    alpha, alice, alpha_admin, olivia, free
):
    assert shows_ads(site_request(alpha, alice))
    assert shows_ads(site_request(alpha))  # a visitor gets the default plan
    assert not shows_ads(site_request(alpha, alpha_admin))
    assert not shows_ads(site_request(alpha, olivia))
    ad_free_plan(alpha, alice)
    assert not shows_ads(site_request(alpha, alice))


def test_a_site_reads_its_own_and_the_operators_campaigns_not_another_sites(
    alpha, beta, alice, free
):
    ours = hosted_campaign(alpha, PRE, name="Ours")
    operators = hosted_campaign(None, PRE, name="Operator's")
    hosted_campaign(beta, PRE, name="Beta's")
    hosted_campaign(alpha, PRE, name="Paused", active=False)
    hosted_campaign(alpha, PRE, name="Over", ends_at=timezone.now() - timedelta(days=1))
    hosted_campaign(alpha, PRE, name="Later", starts_at=timezone.now() + timedelta(days=1))
    hosted_campaign(alpha, PRE, name="Unmade", video=None)

    assert {c.name for c in live_campaigns(site_request(alpha, alice))} == {
        ours.name,
        operators.name,
    }


def test_live_campaigns_are_read_once_per_request(alpha, alice, free, django_assert_num_queries):
    hosted_campaign(alpha, PRE)
    request = site_request(alpha, alice)
    with django_assert_num_queries(4):  # campaigns, then placements, genres, plans
        live_campaigns(request)
    with django_assert_num_queries(0):
        live_campaigns(request)


def test_targeting_by_kind_age_rating_genre_and_viewer_plan(alpha, alice, free):
    drama = Genre.objects.create(name="Drama", slug="drama")
    episodes = hosted_campaign(alpha, PRE, name="Episodes", kinds=["episode"])
    adults = hosted_campaign(alpha, PRE, name="Adults", age_ratings=["18"])
    dramas = hosted_campaign(alpha, PRE, name="Dramas")
    dramas.genres.add(drama)
    planned = hosted_campaign(alpha, PRE, name="Free plan")
    planned.viewer_plans.add(free)
    request = site_request(alpha, alice)

    def chosen(context: Context) -> set[str]:
        rng = random.Random(1)
        return {choose(request, PRE, context, rng=rng).name for _ in range(60)}

    assert chosen(FILM) == {"Free plan"}
    assert chosen(Context(kind="episode", age_rating="18")) == {"Episodes", "Adults", "Free plan"}
    assert "Dramas" in chosen(Context(kind="film", genre_ids=frozenset({drama.pk})))
    assert {episodes.name, adults.name} <= chosen(Context(kind=None, age_rating="18"))


def test_a_banner_campaign_never_runs_at_a_break(alpha, alice, free):
    banner = hosted_campaign(alpha, PRE, name="Banner")
    banner.creative = banner.Creative.HOUSE_BANNER
    banner.save(update_fields=["creative"])

    assert choose(site_request(alpha, alice), PRE, FILM) is None


def test_campaigns_are_chosen_in_proportion_to_their_weight(alpha, alice, free):
    hosted_campaign(alpha, PRE, name="Heavy", weight=3)
    hosted_campaign(alpha, PRE, name="Light", weight=1)
    request, rng = site_request(alpha, alice), random.Random(7)

    picks = Counter(choose(request, PRE, FILM, rng=rng).name for _ in range(2000))

    assert 0.7 < picks["Heavy"] / 2000 < 0.8


def test_only_hosted_creatives_when_asked(alpha, alice, free):
    hosted_campaign(alpha, PRE, name="Hosted")
    tag = hosted_campaign(alpha, PRE, name="Tag", video=None)
    tag.creative, tag.vast_tag_url = tag.Creative.VAST_TAG, "https://ads.example/tag"
    tag.save(update_fields=["creative", "vast_tag_url"])
    request, rng = site_request(alpha, alice), random.Random(3)

    names = {
        choose(request, PRE, FILM, creatives=("hosted_video",), rng=rng).name for _ in range(40)
    }

    assert names == {"Hosted"}


def shown(campaign, site, viewer: str, ago: timedelta, title=None, n: int = 1) -> None:
    for i in range(n):
        Impression.objects.create(
            tenant=site,
            campaign=campaign,
            viewer=viewer,
            title=title,
            shown=f"{campaign.pk}-{viewer}-{ago}-{i}",
            at=timezone.now() - ago,
        )


@time_machine.travel(datetime(2026, 3, 4, 12, 0, tzinfo=UTC), tick=False)
def test_frequency_caps_per_hour_and_day_count_this_viewers_impressions(alpha, alice, free):
    campaign = hosted_campaign(alpha, PRE, cap_per_hour=2, cap_per_day=3)
    request = site_request(alpha, alice)
    me = viewer_key(request)
    shown(campaign, alpha, "user:999", timedelta(minutes=1), n=5)  # someone else's
    shown(campaign, alpha, me, timedelta(hours=13))  # yesterday's
    shown(campaign, alpha, me, timedelta(minutes=5))
    assert choose(request, PRE, FILM) == campaign
    shown(campaign, alpha, me, timedelta(minutes=10))
    assert choose(request, PRE, FILM) is None  # two in the hour

    later = timezone.now() + timedelta(hours=1, minutes=1)
    assert under_limits(campaign, me, None, now=later)
    shown(campaign, alpha, me, timedelta(minutes=1))
    assert not under_limits(campaign, me, None, now=later)  # three in the day


def test_a_cap_per_title_counts_that_titles_impressions(alpha, alice, free):
    heat, other = film("Heat"), film("Other")
    campaign = hosted_campaign(alpha, PRE, cap_per_title=1)
    request = site_request(alpha, alice)
    shown(campaign, alpha, viewer_key(request), timedelta(minutes=1), title=heat)

    assert choose(request, PRE, Context(kind="film", title_id=heat.pk)) is None
    assert choose(request, PRE, Context(kind="film", title_id=other.pk)) == campaign


def test_a_campaign_past_its_daily_budget_gives_way_to_another(alpha, beta, alice, free):
    spent = hosted_campaign(None, PRE, name="Spent", daily_budget=10, weight=50)
    other = hosted_campaign(alpha, PRE, name="Other")
    today = timezone.now().date()
    CampaignDay.objects.create(tenant=alpha, campaign=spent, day=today, impressions=6)
    CampaignDay.objects.create(tenant=beta, campaign=spent, day=today, impressions=4)

    assert choose(site_request(alpha, alice), PRE, FILM, rng=random.Random(1)) == other


def test_a_visitors_key_is_a_digest_not_their_session_key(alpha, free):
    request = site_request(alpha)

    key = viewer_key(request)

    assert key.startswith("visitor:")
    assert request.session.session_key[:24] not in key
    assert viewer_key(request) == key
