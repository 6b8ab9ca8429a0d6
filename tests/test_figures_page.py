"""The console's Figures page and its CSV files (console.figures): charts of the daily
tables for 7, 30 or 90 days, totals, the top lists, revenue per currency, an empty state
saying when the next roll-up runs; hostile ranges refused with a sentence; CSV escaped
against formulas; another site's figures never shown."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from figures.csv_export import cell, write
from figures.models import RevenueDay, SiteDay, TitleDay
from tests.factories import comic_series, film
from tests.support.figures_rows import BETA_VIEWS, distinctive_day, fill_days, yesterday

pytestmark = pytest.mark.django_db


def as_(user, host: str = "a.test") -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


@pytest.fixture
def admin(alpha_admin) -> Client:
    return as_(alpha_admin)


@pytest.fixture
def month(alpha):
    return fill_days(alpha, 30)


def test_a_month_of_figures_is_charted_with_its_totals(admin, month):
    page = admin.get("/console/figures/").content.decode()

    for label in ("Views", "Watch time", "Pages read", "Active viewers", "New members"):
        assert f">{label}</h2>" in page
    assert page.count("<svg") == 6  # five figures and the revenue in euros
    assert page.count('class="figures-bar"') == 6 * 30
    views = sum(day.views for day in month)
    assert f"{views:,} views</p>" in page
    assert "Revenue in EUR" in page
    assert "Top titles" in page
    assert "The Long Night" in page
    assert "Sky Atlas" in page


@pytest.mark.parametrize("days", [7, 30, 90])
def test_each_range_shows_that_many_days_ending_yesterday(admin, month, days):
    page = admin.get("/console/figures/", {"days": days}).content.decode()

    first = yesterday() - timedelta(days=days - 1)
    assert page.count('class="figures-bar"') == 6 * days
    assert f"{first:%-d %B %Y} to {yesterday():%-d %B %Y}" in page
    assert f'href="?days={days}" aria-current="page"' in page


@pytest.mark.parametrize(
    "days", ["0", "-7", "31", "7.0", "²", "١٢", "9" * 40, "7 ", "<script>", "x" * 4000]
)
def test_a_hostile_range_is_refused_with_a_sentence(admin, month, days):
    page = admin.get("/console/figures/", {"days": days})
    csv_answer = admin.get("/console/figures/views.csv", {"days": days})

    assert page.status_code == 400
    assert "Choose a range of 7, 30 or 90 days." in page.content.decode()
    assert csv_answer.status_code == 400
    assert csv_answer.content.decode() == "Choose a range of 7, 30 or 90 days."


def test_with_nothing_rolled_up_the_page_says_when_the_next_roll_up_runs(admin):
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=UTC), tick=False):
        page = admin.get("/console/figures/").content.decode()

    assert "No figures yet: they are rolled up each night." in page
    assert "11 March 2026 at 00:15 UTC" in page
    assert "<svg" not in page


def test_days_without_revenue_say_so_rather_than_chart_zero(admin, alpha):
    fill_days(alpha, 7)
    RevenueDay.objects.all().delete()

    page = admin.get("/console/figures/", {"days": 7}).content.decode()

    assert "No payments from viewers in these days." in page
    assert page.count("<svg") == 5


def test_each_currency_has_its_own_chart_and_total(admin, alpha):
    fill_days(alpha, 7)
    RevenueDay.objects.all().delete()
    RevenueDay.objects.create(tenant=alpha, day=yesterday(), currency="EUR", amount_minor=1000,
                              payments=2)  # fmt: skip
    RevenueDay.objects.create(tenant=alpha, day=yesterday(), currency="JPY", amount_minor=500,
                              payments=1)  # fmt: skip

    page = admin.get("/console/figures/", {"days": 7}).content.decode()

    assert "€10.00 · ¥500" in page
    assert "Revenue in EUR" in page
    assert "Revenue in JPY" in page


def test_the_top_lists_hold_ten_ranked_by_views(admin, alpha):
    titles = [film(f"Film {n:02d}") for n in range(12)]
    fill_days(alpha, 7, titles=titles, series=[])

    page = admin.get("/console/figures/", {"days": 7}).content.decode()
    top = page.split('id="top-titles"')[1].split("</table>")[0]

    assert top.count("<tr>") == 11  # the head and ten
    assert top.index("Film 00") < top.index("Film 01")
    assert "Film 11" not in top
    assert "Nothing was read in these days." in page


def test_a_viewer_member_is_refused_and_a_visitor_sent_to_sign_in(on_alpha, alice, month):
    assert as_(alice).get("/console/figures/").status_code == 403
    assert as_(alice).get("/console/figures/views.csv").status_code == 403
    assert on_alpha.get("/console/figures/views.csv").status_code == 302


@pytest.fixture
def both_sites(alpha, beta):
    """Alpha's month, and Beta's day of BETA_VIEWS on a title and a series of its own."""
    fill_days(alpha, 30)
    distinctive_day(beta, film("Beta Own Film"), comic_series("Beta Own Manga"))


NAMES = ["views", "watch-time", "pages-read", "active-viewers", "new-members", "revenue",
         "top-titles", "top-series"]  # fmt: skip


@pytest.mark.parametrize("who", ["alpha_admin", "bob", "beta_admin"])
def test_betas_figures_never_show_on_alpha(both_sites, who, request):
    client = as_(request.getfixturevalue(who))
    answers = [client.get("/console/figures/", {"days": days}) for days in (7, 30, 90)]
    answers += [client.get(f"/console/figures/{name}.csv", {"days": 90}) for name in NAMES]

    for answer in answers:
        text = answer.content.decode()
        assert str(BETA_VIEWS) not in text
        assert f"{BETA_VIEWS:,}" not in text
        assert "Beta Own" not in text
        assert "JPY" not in text
        assert "¥" not in text
    statuses = {answer.status_code for answer in answers}
    assert statuses == ({200} if who == "alpha_admin" else {302})


def test_beta_sees_its_own_figures_on_its_own_host(both_sites, beta_admin):
    page = as_(beta_admin, "b.test").get("/console/figures/").content.decode()

    assert f"{BETA_VIEWS:,} views" in page
    assert "Beta Own Film" in page


def rows_of(answer) -> list[list[str]]:
    return list(csv.reader(io.StringIO(answer.content.decode())))


def test_a_figure_downloads_as_csv_named_for_the_site_and_range(admin, alpha, month):
    answer = admin.get("/console/figures/views.csv", {"days": 7})

    first, last = yesterday() - timedelta(days=6), yesterday()
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert answer["Content-Disposition"] == (
        f'attachment; filename="alpha-views-{first}-to-{last}.csv"'
    )
    rows = rows_of(answer)
    assert rows[0] == ["day", "views"]
    assert rows[1:] == [[d.day.isoformat(), str(d.views)] for d in month[-7:]]


def test_watch_time_downloads_in_seconds_and_revenue_per_currency(admin, alpha, month):
    watch = rows_of(admin.get("/console/figures/watch-time.csv", {"days": 7}))
    revenue = rows_of(admin.get("/console/figures/revenue.csv", {"days": 30}))

    assert watch[0] == ["day", "watch seconds"]
    assert watch[-1] == [month[-1].day.isoformat(), str(month[-1].watch_seconds)]
    assert revenue[0] == ["day", "currency", "amount", "payments"]
    stored = RevenueDay.objects.for_tenant(alpha).order_by("day").first()
    assert [stored.day.isoformat(), "EUR", f"{stored.amount_minor / 100:.2f}",
            str(stored.payments)] in revenue  # fmt: skip


def test_an_unknown_figure_is_a_404(admin, month):
    assert admin.get("/console/figures/nothing.csv").status_code == 404


def test_a_title_named_like_a_formula_is_defused_in_the_csv(admin, alpha):
    fill_days(alpha, 7, titles=[film("=HYPERLINK(\"http://evil\")"), film("-2+3"),
                                film("@SUM(A1)"), film("+1")], series=[])  # fmt: skip

    answer = admin.get("/console/figures/top-titles.csv", {"days": 7})
    names = [row[1] for row in rows_of(answer)[1:]]

    assert sorted(names) == sorted(['\'=HYPERLINK("http://evil")', "'-2+3", "'@SUM(A1)", "'+1"])
    assert '"\'=HYPERLINK(""http://evil"")"' in answer.content.decode()  # quoted, too


def test_cells_are_defused_and_quoted_but_numbers_stay_numbers():
    assert [cell(v) for v in ("=1", "+1", "-1", "@a", "\tx", "\rx", "ok", -5, 2.5)] == [
        "'=1", "'+1", "'-1", "'@a", "'\tx", "'\rx", "ok", -5, 2.5,
    ]  # fmt: skip
    assert write([["a title", 3, -2]]) == '"a title",3,-2\r\n'


def test_the_page_reads_only_the_daily_tables_in_four_queries(admin, alpha, month):
    assert SiteDay.objects.exists()
    assert TitleDay.objects.exists()
    # The raw tables are not read: the page's queries name none of them.
    with CaptureQueriesContext(connection) as captured:
        admin.get("/console/figures/", {"days": 90})
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "figures_watchactivity" not in sql
    assert "figures_readingactivity" not in sql
    assert sum("figures_" in q["sql"] for q in captured.captured_queries) == 4
