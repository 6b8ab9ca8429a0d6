"""The watch page and video ads (streaming/site/player_views.py, templates/streaming/watch.html):
a viewer who sees ads gets the break schedule, the ad overlay and a policy letting a network's
media and trackers in; an ad-free viewer's page has none of it, so the player can make no ad
request. The player itself: tests/test_browser_ads_player.py."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from ads.models import Placement
from tests.factories import film, film_file
from tests.support.ads_rows import ad_free_plan, hosted_campaign, plan_with_ads

pytestmark = pytest.mark.django_db

CONFIG = re.compile(r'<script id="player-config" type="application/json">(.*?)</script>', re.S)


@pytest.fixture
def movie():
    return film_file(film("Heat"), duration_seconds=3600.0)


@pytest.fixture
def running(alpha):
    plan_with_ads(alpha)
    return hosted_campaign(
        alpha, Placement.Where.PRE_ROLL, Placement.Where.POST_ROLL, mid=((None, 50),)
    )


def watch(site_host: str, user, media):
    client = Client(HTTP_HOST=site_host)
    client.force_login(user)
    answer = client.get(reverse("watch", args=[media.pk]))
    assert answer.status_code == 200
    return answer, json.loads(CONFIG.search(answer.content.decode())[1])


def directive(answer, name: str) -> str:
    policy = answer["Content-Security-Policy"]
    return next((part.strip() for part in policy.split(";") if part.strip().startswith(name)), "")


def test_a_viewer_who_sees_ads_gets_the_schedule_the_overlay_and_https_media(
    alpha, alice, movie, running
):
    answer, config = watch("a.test", alice, movie)

    assert config["ads"] == {
        "breakUrl": reverse("ad-break", args=[movie.pk]),
        "preRoll": True,
        "midRolls": [1800],
        "postRoll": True,
        "timeout": 2.0,
    }
    page = answer.content.decode()
    assert 'id="player-ad"' in page
    assert "css/player-ads.css" in page
    assert directive(answer, "media-src") == "media-src 'self' blob: https:"
    assert directive(answer, "connect-src") == "connect-src 'self' https:"
    assert directive(answer, "script-src") == ""  # scripts stay default-src 'self'
    assert "default-src 'self'" in answer["Content-Security-Policy"]


def test_an_ad_free_viewer_gets_no_schedule_no_overlay_and_the_sites_policy(
    alpha, alice, movie, running
):
    ad_free_plan(alpha, alice)
    answer, config = watch("a.test", alice, movie)

    assert config["ads"] is None
    page = answer.content.decode()
    assert "player-ad" not in page
    assert "player-ads.css" not in page
    assert directive(answer, "media-src") == "media-src 'self' blob:"
    assert directive(answer, "connect-src") == ""


def test_a_site_admin_sees_no_ads_even_where_campaigns_run(alpha, alpha_admin, movie, running):
    _, config = watch("a.test", alpha_admin, movie)
    assert config["ads"] is None
