"""The console's ad report (console/ads/reports.py): the site's campaigns together or one of
them, today's counts at once, as charts and CSV for 7, 30 or 90 days; only the site's own
rows, the operator's campaign included (what it did here, not elsewhere)."""

from __future__ import annotations

import pytest

from ads.models import CampaignDay
from tests.support.billing_rows import signed_in
from tests.support.campaign_rows import (
    BETA_IMPRESSIONS,
    fill_days,
    sweep_pool,
    today,
    vast_campaign,
)

pytestmark = pytest.mark.django_db

REPORT = "/console/ads/report/"


def test_the_days_figures_show_at_once(alpha, alpha_admin):
    campaign = vast_campaign(alpha, "Spring sale")
    CampaignDay.objects.create(
        campaign=campaign, tenant=alpha, day=today(), impressions=41, starts=40, completes=30,
        clicks=2, errors=1, error_codes={"402": 1},
    )  # fmt: skip

    page = signed_in(alpha_admin).get(REPORT).content.decode()
    one = signed_in(alpha_admin).get(f"/console/ads/{campaign.pk}/report/?days=7").content.decode()

    for html in (page, one):
        assert "41 impressions in all" in html
        assert "75%" in html  # 30 of 40 starts completed
        assert "402 (media file timed out)" in html
    assert "By campaign" in page
    assert "Spring sale" in page


def test_a_range_other_than_7_30_or_90_days_is_refused(alpha_admin):
    client = signed_in(alpha_admin)

    page = client.get(f"{REPORT}?days=8")
    csv = client.get("/console/ads/report.csv?days=abc")

    assert page.status_code == 400
    assert "Choose a range of 7, 30 or 90 days." in page.content.decode()
    assert csv.status_code == 400


def test_nothing_shown_yet_says_so(alpha_admin):
    page = signed_in(alpha_admin).get(REPORT).content.decode()

    assert "Nothing shown yet" in page


def test_the_csv_is_the_sites_rows_only(alpha, beta, alpha_admin):
    ids = sweep_pool(alpha, beta, "BETAMARK")["campaign_id"]
    client = signed_in(alpha_admin)

    every = client.get("/console/ads/report.csv?days=7")
    operators = client.get(f"/console/ads/{ids[1]}/report.csv?days=7")
    page = client.get(f"/console/ads/{ids[1]}/report/").content.decode()

    body = every.content.decode()
    assert every["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="alpha-ads-' in every["Content-Disposition"]
    assert body.count("\r\n") == 1 + 14  # a week of Alpha's campaign and the operator's
    assert "Alpha pre-roll" in body
    assert "Operator pre-roll" in body
    for answer in (body, operators.content.decode(), page):
        assert str(BETA_IMPRESSIONS) not in answer
        assert "BETAMARK" not in answer


def test_ninety_days_of_a_dozen_campaigns_render(alpha, alpha_admin):
    for n in range(12):
        fill_days(vast_campaign(alpha, f"Campaign {n}"), alpha, 90, seed=n)

    answer = signed_in(alpha_admin).get(f"{REPORT}?days=90")

    assert answer.status_code == 200
    assert answer.content.decode().count("<svg") == 6
