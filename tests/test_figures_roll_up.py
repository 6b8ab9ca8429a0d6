"""The nightly roll-up (figures.roll_up): one UTC day of raw activity into the daily tables,
per site; again is the same (idempotent); day boundaries are UTC; raw rows are pruned after
FIGURES_RAW_DAYS; beat runs it shortly after midnight; the command backfills."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core.management import CommandError, call_command

from billing import invoicing
from billing.models import Provider, Subscription
from figures import roll_up
from figures.models import (
    ReadingActivity,
    RevenueDay,
    SeriesDay,
    SiteDay,
    TitleDay,
    WatchActivity,
)
from figures.schedule import next_roll_up
from figures.tasks import roll_up_day
from shadowvault.task_queues import QUEUE_FOR_TASK
from streaming.models import Episode, Season, Title
from tenants.models import Membership, SitePlan, ViewerPlan
from tests.factories import (
    comic_chapter,
    comic_series,
    episode_file,
    film,
    film_file,
    make_member,
)

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)
AFTER = datetime(2026, 3, 11, 0, 15, tzinfo=UTC)  # when beat rolls DAY up


def watched(site, user, media, seconds: float, day: date = DAY) -> WatchActivity:
    return WatchActivity.objects.create(
        tenant=site, day=day, user=user, media_file=media, seconds=seconds, position=0, seen_at=0
    )


def read(site, user, chapter, pages: int, day: date = DAY) -> ReadingActivity:
    return ReadingActivity.objects.create(
        tenant=site, day=day, user=user, chapter=chapter, series=chapter.series, pages=pages,
        page=0, seen_at=0,
    )  # fmt: skip


@pytest.fixture
def activity(alpha, beta, alice, bob):
    """On DAY: alice watched a film (two of its versions) and two episodes of a show, and
    read a manga; carol read only; bob watched on Beta."""
    carol = make_member("carol", alpha)
    heat = film("Heat")
    show = Title.objects.create(title="Show", kind=Title.Kind.SERIES, status="published")
    season = Season.objects.create(title=show, number=1)
    episodes = [Episode.objects.create(season=season, number=n) for n in (1, 2)]
    versions = [film_file(heat), film_file(heat)]
    watched(alpha, alice, versions[0], 600.4)
    watched(alpha, alice, versions[1], 100)
    for episode in episodes:
        watched(alpha, alice, episode_file(episode), 1200)
    manga = comic_series("Manga")
    chapter = comic_chapter(manga, "1")
    read(alpha, alice, chapter, 12)
    read(alpha, carol, chapter, 30)
    watched(beta, bob, versions[0], 50)
    return {"heat": heat, "show": show, "manga": manga}


def test_a_day_is_rolled_up_per_site(alpha, beta, activity):
    roll_up.roll_up(DAY, AFTER)

    ours = SiteDay.objects.get(tenant=alpha, day=DAY)
    assert (ours.views, ours.watch_seconds, ours.pages_read, ours.active_viewers) == (
        2,  # alice on Heat (two versions: one view) and on Show (two episodes: one view)
        3100,
        42,
        2,  # alice and carol
    )
    theirs = SiteDay.objects.get(tenant=beta, day=DAY)
    assert (theirs.views, theirs.watch_seconds, theirs.active_viewers) == (1, 50, 1)


def test_titles_and_series_get_rows_of_their_own_for_the_tops(alpha, activity):
    roll_up.roll_up(DAY, AFTER)

    titles = TitleDay.objects.for_tenant(alpha).order_by("title__title")
    assert [(t.title.title, t.views, t.watch_seconds) for t in titles] == [
        ("Heat", 1, 700),
        ("Show", 1, 2400),
    ]
    series = SeriesDay.objects.for_tenant(alpha).get()
    assert (series.series.title, series.readers, series.pages_read) == ("Manga", 2, 42)


def test_rolling_a_day_up_again_replaces_it(alpha, alice, activity):
    roll_up.roll_up(DAY, AFTER)
    first = list(SiteDay.objects.values_list("tenant_id", "views", "watch_seconds"))
    roll_up.roll_up(DAY, AFTER)

    assert list(SiteDay.objects.values_list("tenant_id", "views", "watch_seconds")) == first
    assert TitleDay.objects.for_tenant(alpha).count() == 2
    WatchActivity.objects.filter(tenant=alpha).delete()
    roll_up.roll_up(DAY, AFTER)
    assert SiteDay.objects.get(tenant=alpha).views == 0
    assert not TitleDay.objects.for_tenant(alpha).exists()


def test_every_site_gets_a_row_even_on_a_quiet_day(alpha, beta):
    roll_up.roll_up(DAY, AFTER)

    assert SiteDay.objects.filter(day=DAY).count() == 2
    assert not SiteDay.objects.filter(day=DAY).exclude(views=0).exists()


def test_new_members_are_counted_by_their_utc_day(alpha):
    for username, at in (
        ("late_before", datetime(2026, 3, 9, 23, 59, 59, tzinfo=UTC)),
        ("first_second", datetime(2026, 3, 10, 0, 0, 0, tzinfo=UTC)),
        ("last_second", datetime(2026, 3, 10, 23, 59, 59, tzinfo=UTC)),
        ("next_day", datetime(2026, 3, 11, 0, 0, 0, tzinfo=UTC)),
    ):
        user = make_member(username, alpha)
        Membership.objects.filter(user=user).update(joined_at=at)
    roll_up.roll_up(DAY, AFTER)

    assert SiteDay.objects.get(tenant=alpha, day=DAY).new_members == 2


def pay(site, user, amount: int, currency: str, at: datetime) -> None:
    plan = ViewerPlan.objects.create(tenant=site, name=f"Plan {amount}", price=1)
    subscription = Subscription.objects.create(
        tenant=site, kind="viewer", user=user, viewer_plan=plan, provider=Provider.MANUAL
    )
    line = invoicing.Line("a month", amount)
    invoice = invoicing.issue(subscription, [line], currency=currency, issued_at=at)
    invoicing.record_payment(
        invoice, amount_minor=amount, paid_at=at, reference="T", provider=Provider.MANUAL
    )


def test_revenue_is_per_currency_and_utc_day_never_summed_across(alpha, alice):
    pay(alpha, alice, 499, "EUR", datetime(2026, 3, 10, 0, 0, tzinfo=UTC))
    pay(alpha, alice, 999, "EUR", datetime(2026, 3, 10, 23, 59, tzinfo=UTC))
    pay(alpha, alice, 500, "JPY", datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    pay(alpha, alice, 700, "EUR", datetime(2026, 3, 11, 0, 0, tzinfo=UTC))  # the next day
    roll_up.roll_up(DAY, AFTER)

    rows = RevenueDay.objects.for_tenant(alpha).order_by("currency")
    assert [(r.currency, r.amount_minor, r.payments) for r in rows] == [
        ("EUR", 1498, 2),
        ("JPY", 500, 1),
    ]


def test_the_operators_invoices_to_a_site_are_not_its_revenue(alpha, alpha_admin):
    plan = SitePlan.objects.create(name="Studio", monthly_price=20, currency="EUR")
    subscription = Subscription.objects.create(
        tenant=alpha, kind="site", user=alpha_admin, site_plan=plan, provider=Provider.MANUAL
    )
    at = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    invoice = invoicing.issue(subscription, [invoicing.Line("Studio", 2000)], currency="EUR",
                              issued_at=at)  # fmt: skip
    invoicing.record_payment(invoice, amount_minor=2000, paid_at=at, reference="OP",
                             provider=Provider.MANUAL)  # fmt: skip
    roll_up.roll_up(DAY, AFTER)

    assert not RevenueDay.objects.exists()


def test_a_day_not_over_yet_is_refused(alpha):
    with pytest.raises(roll_up.DayRefused, match="not over yet"):
        roll_up.roll_up(DAY, datetime(2026, 3, 10, 23, 59, tzinfo=UTC))


def test_a_day_whose_raw_rows_are_pruned_is_refused(alpha, settings):
    settings.FIGURES_RAW_DAYS = 35
    with pytest.raises(roll_up.DayRefused, match="older than the 35 days"):
        roll_up.roll_up(DAY, AFTER + timedelta(days=40))


def test_the_nightly_run_rolls_up_yesterday_and_prunes_old_raw_rows(
    alpha, alice, activity, settings
):
    settings.FIGURES_RAW_DAYS = 35
    media = WatchActivity.objects.first().media_file
    old = watched(alpha, alice, media, 10, day=date(2026, 2, 3))  # 36 days before 11 March
    kept = watched(alpha, alice, media, 10, day=date(2026, 2, 4))

    done = roll_up.nightly(now=AFTER)

    assert (done.day, done.pruned) == (DAY, 1)
    assert not WatchActivity.objects.filter(pk=old.pk).exists()
    assert WatchActivity.objects.filter(pk=kept.pk).exists()
    assert SiteDay.objects.filter(day=DAY).count() == 2


def test_the_task_rolls_up_the_day_it_is_given_or_yesterday(alpha):
    with time_machine.travel(AFTER, tick=False):
        assert roll_up_day.run("2026-03-09")["day"] == "2026-03-09"
        assert roll_up_day.run()["day"] == "2026-03-10"

    assert sorted(SiteDay.objects.values_list("day", flat=True)) == [date(2026, 3, 9), DAY]


def test_beat_rolls_up_shortly_after_midnight_utc_on_the_default_queue():
    entry = settings.CELERY_BEAT_SCHEDULE["roll-up-figures"]

    assert entry["task"] == "figures.tasks.roll_up_day"
    assert isinstance(entry["schedule"], crontab)
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({0}, {15})
    assert QUEUE_FOR_TASK["figures.tasks.roll_up_day"] == "default"
    assert not getattr(settings, "CELERY_TIMEZONE", None)  # Celery's clock is UTC


def test_the_next_roll_up_is_tonight_or_tomorrow_night():
    assert next_roll_up(datetime(2026, 3, 10, 0, 10, tzinfo=UTC)) == datetime(
        2026, 3, 10, 0, 15, tzinfo=UTC
    )
    assert next_roll_up(datetime(2026, 3, 10, 0, 15, tzinfo=UTC)) == datetime(
        2026, 3, 11, 0, 15, tzinfo=UTC
    )


def test_the_command_backfills_from_a_day_to_yesterday(alpha, capsys):
    with time_machine.travel(AFTER, tick=False):
        call_command("roll_up_figures", "--since", "2026-03-08")

    days = sorted(SiteDay.objects.for_tenant(alpha).values_list("day", flat=True))
    assert days == [date(2026, 3, 8), date(2026, 3, 9), DAY]
    assert "2026-03-10: " in capsys.readouterr().out


def test_the_command_rolls_up_one_day(alpha):
    with time_machine.travel(AFTER, tick=False):
        call_command("roll_up_figures", "--day", "2026-03-09")

    assert list(SiteDay.objects.values_list("day", flat=True)) == [date(2026, 3, 9)]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--day", "2026-13-01"], "is not a date"),
        (["--day", "2026-03-11"], "not over yet"),
        (["--since", "2026-03-12"], "nothing is over yet"),
        (["--since", "2025-01-01"], "older than the"),
    ],
)
def test_the_command_refuses_bad_days_with_a_sentence(alpha, args, says):
    with time_machine.travel(AFTER, tick=False), pytest.raises(CommandError, match=says):
        call_command("roll_up_figures", *args)

    assert not SiteDay.objects.exists()  # nothing half done


def test_the_command_has_help(capsys):
    with pytest.raises(SystemExit):
        call_command("roll_up_figures", "--help")

    out = capsys.readouterr().out
    assert "--since" in out
    assert "FIGURES_RAW_DAYS" in out


def test_a_series_merge_adds_the_duplicates_days_to_the_kept_series(alpha):
    from readvault.catalogue.merge import merge_series
    from tests.factories import comic_series

    keep, duplicate = comic_series("Kept"), comic_series("Twin")
    day, other = date(2026, 11, 1), date(2026, 11, 2)
    SeriesDay.objects.create(tenant=alpha, day=day, series=keep, readers=2, pages_read=30)
    SeriesDay.objects.create(tenant=alpha, day=day, series=duplicate, readers=1, pages_read=12)
    SeriesDay.objects.create(tenant=alpha, day=other, series=duplicate, readers=4, pages_read=9)

    merge_series(keep, duplicate)

    rows = SeriesDay.objects.filter(series=keep).order_by("day")
    assert [(r.day, r.readers, r.pages_read) for r in rows] == [(day, 3, 42), (other, 4, 9)]
