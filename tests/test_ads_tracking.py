"""Our tracker (/ads/t/<token>/<event>/) and the banner click (/ads/c/<token>/): each event
counted once into the day's row, an impression recorded for the caps, tokens that cannot
be forged, reused elsewhere or kept past a day, and the counting race-safe."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ads import tasks, tracking
from ads.models import CampaignDay, Impression, Placement
from ads.tracking import COLUMNS, Mark
from ads.vast.player import EVENTS
from tests.support.ads_rows import hosted_campaign

PRE = Placement.Where.PRE_ROLL


@pytest.fixture
def campaign(alpha):
    return hosted_campaign(alpha, PRE)


@pytest.fixture
def mark(alpha, campaign) -> Mark:
    return Mark(campaign.pk, alpha.pk, None, "user:7", "break-one")


def track(mark: Mark, event: str, query: str = "", *, host="a.test", method="get"):
    url = reverse("ad-track", args=[mark.token(), event]) + query
    return getattr(Client(HTTP_HOST=host, enforce_csrf_checks=True), method)(url)


def today(campaign, site) -> CampaignDay:
    return CampaignDay.objects.get(campaign=campaign, tenant=site, day=timezone.now().date())


def test_the_players_events_and_the_trackers_columns_are_one_list():
    assert set(COLUMNS) == set(EVENTS)


@pytest.mark.django_db
def test_each_event_counts_in_its_column_of_the_days_row(alpha, campaign, mark):
    for event in EVENTS:
        assert track(mark, event).status_code == 204, event

    row = today(campaign, alpha)
    assert CampaignDay.objects.count() == 1
    assert all(getattr(row, column) == 1 for column in COLUMNS.values())


@pytest.mark.django_db
def test_sendbeacons_post_counts_without_a_csrf_token(alpha, campaign, mark):
    assert track(mark, "start", method="post").status_code == 204
    assert today(campaign, alpha).starts == 1


@pytest.mark.django_db
def test_an_impression_is_recorded_for_the_caps_and_a_repeat_counts_once(alpha, campaign, mark):
    track(mark, "impression")
    track(mark, "impression")

    shown = Impression.objects.get()
    assert (shown.campaign, shown.tenant, shown.viewer) == (campaign, alpha, "user:7")
    assert shown.shown == "break-one"
    assert today(campaign, alpha).impressions == 1


@pytest.mark.django_db
def test_once_per_break_events_count_once_and_the_others_each_time(alpha, campaign, mark):
    for _ in range(3):
        for event in ("start", "complete", "skip", "pause", "click", "mute"):
            track(mark, event)
    track(Mark(campaign.pk, alpha.pk, None, "user:7", "break-two"), "start")

    row = today(campaign, alpha)
    assert (row.starts, row.completes, row.skips) == (2, 1, 1)
    assert (row.pauses, row.clicks, row.mutes) == (3, 3, 3)


@pytest.mark.django_db
def test_errors_count_by_vast_code_and_an_unfilled_code_counts_as_undefined(alpha, campaign, mark):
    for query in ("?code=405", "?code=405", "?code=402", "?code=[ERRORCODE]", ""):
        assert track(mark, "error", query).status_code == 204

    row = today(campaign, alpha)
    assert row.errors == 5
    assert row.error_codes == {"405": 2, "402": 1, "900": 2}


@pytest.mark.django_db
def test_bad_tokens_and_events_are_400s_with_a_message_and_count_nothing(
    alpha, beta, campaign, mark
):
    edited = mark.token()[:-3] + "abc"
    betas = Mark(campaign.pk, beta.pk, None, "user:7", "b")
    answers = [
        Client(HTTP_HOST="a.test").get(reverse("ad-track", args=[edited, "start"])),
        Client(HTTP_HOST="a.test").get(reverse("ad-track", args=["nonsense", "start"])),
        track(mark, "launch"),
        track(betas, "start"),  # a token of Beta's, used on Alpha
    ]

    assert [answer.status_code for answer in answers] == [400] * 4
    assert all(answer.json()["detail"] for answer in answers)
    assert not CampaignDay.objects.exists()


@pytest.mark.django_db
def test_a_token_expires_after_a_day(alpha, campaign, mark):
    token_time = timezone.now()
    with time_machine.travel(token_time, tick=False):
        url = reverse("ad-track", args=[mark.token(), "start"])
    with time_machine.travel(token_time + timedelta(hours=23), tick=False):
        assert Client(HTTP_HOST="a.test").get(url).status_code == 204
    with time_machine.travel(token_time + timedelta(hours=25), tick=False):
        assert Client(HTTP_HOST="a.test").get(url).status_code == 400


@pytest.mark.django_db
def test_a_deleted_campaigns_events_count_nothing(alpha, campaign, mark):
    campaign.delete()

    assert track(mark, "impression").status_code == 204
    assert not Impression.objects.exists()


@pytest.mark.django_db
def test_a_mark_naming_another_sites_campaign_counts_nothing_here(alpha, beta):
    theirs = hosted_campaign(beta, PRE, name="Beta's")
    operators = hosted_campaign(None, PRE, name="Operator's")

    assert not tracking.record(Mark(theirs.pk, alpha.pk, None, "user:7", "x"), "start")
    assert tracking.record(Mark(operators.pk, alpha.pk, None, "user:7", "y"), "start")
    assert list(CampaignDay.objects.values_list("campaign", "tenant")) == [(operators.pk, alpha.pk)]


# --- the banner click ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_banner_click_counts_and_goes_to_the_campaigns_link(alpha, campaign, mark):
    campaign.banner_link = "https://advertiser.example/banner"
    campaign.save(update_fields=["banner_link"])

    answer = Client(HTTP_HOST="a.test").get(tracking.click_url(mark))

    assert answer.status_code == 302
    assert answer["Location"] == "https://advertiser.example/banner"
    assert today(campaign, alpha).clicks == 1


@pytest.mark.django_db
def test_a_click_with_a_bad_token_or_no_link_goes_nowhere(alpha, campaign, mark):
    campaign.click_url = ""
    campaign.save(update_fields=["click_url"])
    forged = reverse("ad-click", args=["x" * 40]) + "?next=https://evil.example/"

    assert Client(HTTP_HOST="a.test").get(forged).status_code == 400
    assert Client(HTTP_HOST="a.test").get(tracking.click_url(mark)).status_code == 404
    assert not CampaignDay.objects.exists()


# --- race-safe counting ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_counts_from_many_connections_at_once_all_land_in_one_row(alpha, campaign):
    threads, start = 6, threading.Barrier(6)
    failures: list[BaseException] = []

    def count() -> None:
        try:
            start.wait()
            for _ in range(5):
                tracking.count(campaign.pk, alpha.pk, "pause")
            tracking.count(campaign.pk, alpha.pk, "error", 303)
        except Exception as exc:  # reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=count) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert failures == []
    row = today(campaign, alpha)
    assert (row.pauses, row.errors, row.error_codes) == (30, 6, {"303": 6})


# --- pruning ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_beat_prunes_impressions_older_than_the_setting(alpha, campaign, settings):
    settings.ADS_IMPRESSIONS_DAYS = 2
    now = timezone.now()
    for n, age in enumerate((timedelta(days=3), timedelta(days=2, minutes=1), timedelta(hours=47))):
        Impression.objects.create(
            tenant=alpha, campaign=campaign, viewer="user:1", shown=f"s{n}", at=now - age
        )

    assert tasks.prune_impressions() == 2
    assert list(Impression.objects.values_list("shown", flat=True)) == ["s2"]
    beat = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "ads.tasks.prune_impressions" in beat
