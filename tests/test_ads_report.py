"""ads.report and ads.csv_export: a campaign report adds up the per-day counts of its span
(today included), gives completion per quartile of the ads that started, the click-through
rate and the errors by VAST code, by campaign and by site, in one query however long the
span; its CSV has every count and defuses a name that would be a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ads import csv_export, report
from ads.models import CampaignDay
from tests.support.campaign_rows import fill_days, today, vast_campaign

pytestmark = pytest.mark.django_db


def day_row(campaign, site, days_ago: int = 0, **counts) -> CampaignDay:
    day = today() - timedelta(days=days_ago)
    return CampaignDay.objects.create(campaign=campaign, tenant=site, day=day, **counts)


def test_a_span_ends_today_and_counts_its_days():
    span = report.Span.ending_on(today(), 7)

    assert (span.last, len(span.days)) == (today(), 7)
    assert span.first == today() - timedelta(days=6)


def test_the_counts_add_up_to_rates_per_quartile_ctr_and_errors_by_code(alpha, beta):
    campaign = vast_campaign(None, "Everywhere")
    day_row(campaign, alpha, 0, impressions=100, starts=80, first_quartiles=60, midpoints=40,
            third_quartiles=30, completes=20, clicks=5, errors=4,
            error_codes={"303": 3, "405": 1})  # fmt: skip
    day_row(campaign, beta, 1, impressions=100, starts=20, completes=20, clicks=1, errors=2,
            error_codes={"303": 2})  # fmt: skip
    day_row(campaign, alpha, 40, impressions=999)  # outside a 30-day span

    found = report.load(CampaignDay.objects.filter(campaign=campaign), _span(30))

    assert found.totals["impressions"] == 200
    assert [(q.count, q.percent) for q in found.quartiles] == [
        (60, "60%"), (40, "40%"), (30, "30%"), (40, "40%"),
    ]  # fmt: skip
    assert found.ctr == "3%"
    assert [(e.label, e.count, e.percent) for e in found.errors] == [
        ("303 (no ad in the answer)", 5, "83.3%"),
        ("405 (media file could not be played)", 1, "16.7%"),
    ]
    assert [(line.name, line.impressions) for line in found.by_site] == [
        ("Alpha", 100), ("Beta", 100),
    ]  # fmt: skip
    charted = {chart.key: chart.total for chart in found.charts}
    assert charted["impressions"] == "200"
    assert charted["clicks"] == "6"
    impressions = next(chart.svg for chart in found.charts if chart.key == "impressions")
    assert "<svg" in impressions
    assert "200 impressions in all" in impressions


def test_nothing_to_divide_by_says_so(alpha):
    campaign = vast_campaign(alpha)
    day_row(campaign, alpha, impressions=0, errors=1, error_codes={"301": 1})

    found = report.load(CampaignDay.objects.filter(campaign=campaign), _span(7))

    assert found.ctr == "n/a"
    assert {q.percent for q in found.quartiles} == {"n/a"}


def test_an_empty_span_has_no_rows():
    found = report.load(CampaignDay.objects.all(), _span(7))

    assert not found.has_rows
    assert found.charts == []


def test_a_report_is_one_query_however_many_campaigns_and_days(alpha):
    for n in range(5):
        fill_days(vast_campaign(alpha, f"Campaign {n}"), alpha, 90, seed=n)

    with CaptureQueriesContext(connection) as queries:
        found = report.load(CampaignDay.objects.for_tenant(alpha), _span(90))
        [chart.svg for chart in found.charts]

    assert len(queries) == 1
    assert len(found.by_campaign) == 5
    assert len(found.rows) == 450


def test_the_csv_has_every_count_and_defuses_formulas(alpha):
    campaign = vast_campaign(alpha, '=HYPERLINK("http://evil")')
    day_row(campaign, alpha, impressions=7, starts=6, completes=4, clicks=1, errors=2,
            error_codes={"405": 1, "303": 1})  # fmt: skip

    found = report.load(CampaignDay.objects.filter(campaign=campaign), _span(7))
    rows = list(csv.reader(io.StringIO(csv_export.write_rows(found))))

    assert rows[0][:4] == ["day", "campaign", "site", "impressions"]
    assert rows[1][0] == today().isoformat()
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert rows[1][2] == "Alpha"
    assert rows[1][3:5] == ["7", "6"]
    assert rows[1][-1] == "303: 1; 405: 1"


def _span(days: int) -> report.Span:
    return report.Span.ending_on(today(), days)
