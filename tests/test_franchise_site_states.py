"""A site's state changes through one function that records who and why
(tenants.site_states); a suspended or closed site shows one clear page on every viewer
route (tenants.site_gate); beat suspends past-due sites after their grace period and removes
a closed site's own rows after its date (tenants.closed_site_data)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from readvault.models import ReadingProgress, WantToRead
from readvault.reading.progress import record_page
from stored_media.signing import signed_link
from streaming.models import Comment, MediaFile, Title, WatchlistEntry, WatchProgress
from tenants import tasks
from tenants.closed_site_data import remove_expired
from tenants.models import Domain, Membership, SiteStateChange, Tenant, ViewerPlan
from tenants.site_gate import SiteStateGate
from tenants.site_state_rules import InvalidTransition, SiteState
from tenants.site_states import DATA_KEPT_DAYS, GRACE_DAYS, change_state, suspend_overdue
from tests.factories import comic_chapter, comic_series, film, film_file

pytestmark = pytest.mark.django_db


def state_of(site: Tenant) -> str:
    return Tenant.objects.get(pk=site.pk).state


# --- the one function and its record --------------------------------------------------------


def test_a_change_is_recorded_with_who_why_and_when(alpha, olivia):
    before = timezone.now()

    change = change_state(alpha, SiteState.PAST_DUE, by=olivia, reason="Card declined")

    alpha.refresh_from_db()
    assert alpha.state == SiteState.PAST_DUE
    row = SiteStateChange.objects.for_tenant(alpha).get()
    assert row == change
    assert (row.from_state, row.to_state, row.by, row.reason) == (
        SiteState.ACTIVE, SiteState.PAST_DUE, olivia, "Card declined"
    )  # fmt: skip
    assert row.at >= before
    grace = alpha.grace_ends_at - row.at
    assert grace == timedelta(days=GRACE_DAYS)
    assert row.until == alpha.grace_ends_at


def test_closing_sets_the_date_the_data_goes(alpha, olivia):
    change_state(alpha, SiteState.CLOSED, by=olivia, reason="Owner left")

    alpha.refresh_from_db()
    assert alpha.remove_data_after - timezone.now() > timedelta(days=DATA_KEPT_DAYS - 1)
    assert alpha.grace_ends_at is None


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        (SiteState.ACTIVE, SiteState.ACTIVE, "already active"),
        (SiteState.ACTIVE, SiteState.TRIAL, "cannot become trial"),
        (SiteState.SUSPENDED, SiteState.PAST_DUE, "cannot become past due"),
        (SiteState.CLOSED, SiteState.SUSPENDED, "cannot become suspended"),
        (SiteState.ACTIVE, "frozen", "not a site state"),
    ],
)
def test_an_invalid_transition_raises_a_clear_error_and_records_nothing(
    alpha, olivia, start, to, message
):
    Tenant.objects.filter(pk=alpha.pk).update(state=start)
    alpha.refresh_from_db()

    with pytest.raises(InvalidTransition, match=message):
        change_state(alpha, to, by=olivia, reason="Trying")

    assert state_of(alpha) == start
    assert not SiteStateChange.objects.exists()


def test_only_an_operator_reopens_a_closed_site(alpha, olivia):
    change_state(alpha, SiteState.CLOSED, by=olivia, reason="Owner left")

    with pytest.raises(InvalidTransition, match="Only an operator reopens"):
        change_state(alpha, SiteState.ACTIVE, by=None, reason="The task")
    change_state(alpha, SiteState.ACTIVE, by=olivia, reason="Owner came back")

    assert state_of(alpha) == SiteState.ACTIVE
    assert Tenant.objects.get(pk=alpha.pk).remove_data_after is None


def test_a_site_admin_changes_no_state_and_a_reason_is_required(alpha, alpha_admin, olivia):
    with pytest.raises(InvalidTransition, match="Only an operator"):
        change_state(alpha, SiteState.CLOSED, by=alpha_admin, reason="Mine to close")
    with pytest.raises(InvalidTransition, match="Say why"):
        change_state(alpha, SiteState.SUSPENDED, by=olivia, reason="   ")

    assert state_of(alpha) == SiteState.ACTIVE


def test_a_date_in_the_past_is_refused(alpha, olivia):
    with pytest.raises(InvalidTransition, match="future"):
        change_state(
            alpha,
            SiteState.PAST_DUE,
            by=olivia,
            reason="Late",
            until=timezone.now() - timedelta(days=1),
        )


# --- the page of a suspended or closed site -------------------------------------------------


@pytest.fixture
def heat(alpha) -> MediaFile:
    return film_file(film("Heat", slug="heat"), height=1080)


@pytest.fixture
def suspended(alpha, olivia, heat):
    change_state(alpha, SiteState.SUSPENDED, by=olivia, reason="Unpaid")
    return alpha


def media_path(media: MediaFile) -> str:
    return f"/media/{media.stored.pk}/{media.stored.link_name}"


@pytest.mark.parametrize(
    "where", ["/", "/browse/", "/title/heat/", "/manga/", "/opds/", "/account/login/"]
)
def test_a_suspended_site_shows_its_page_on_every_viewer_route(suspended, on_alpha, alice, where):
    on_alpha.force_login(alice)

    answer = on_alpha.get(where)

    assert answer.status_code == 403
    text = answer.content.decode()
    assert "Alpha is suspended for now. Nothing has been deleted" in text
    assert answer["Cache-Control"] == "no-store"


def test_a_suspended_sites_api_says_so_in_json(suspended, on_alpha):
    answer = on_alpha.get("/api/titles/")

    assert answer.status_code == 403
    assert answer.json()["detail"].startswith("Alpha is suspended")


def test_a_suspended_sites_media_links_are_refused_and_nothing_is_deleted(
    suspended, on_alpha, heat, alice, alpha_admin
):
    answer = on_alpha.get(signed_link(media_path(heat)))

    assert answer.status_code == 403
    assert MediaFile.objects.filter(pk=heat.pk).exists()
    assert Membership.objects.for_tenant(suspended).count() == 2  # alice and the admin stay


def test_the_operator_and_the_admin_still_work_on_a_suspended_site(
    suspended, olivia, alpha_admin, heat
):
    operator = Client(HTTP_HOST="a.test")
    operator.force_login(olivia)
    admin = Client(HTTP_HOST="a.test")
    admin.force_login(alpha_admin)

    assert operator.get("/").status_code == 200
    assert operator.get(signed_link(media_path(heat))).status_code == 200
    assert admin.get("/admin/").status_code == 200
    assert admin.get("/").status_code == 403
    assert Client(HTTP_HOST="a.test").get("/admin/login/").status_code == 200


def test_the_gate_works_on_the_async_stack_too(alpha, olivia):
    """The stream view runs on the async stack (uvicorn): the gate answers there as well,
    asking for the user only on a suspended or closed site."""

    async def downstream(request):
        return HttpResponse("served")

    gate = SiteStateGate(downstream)  # an async get_response: the gate runs async
    change_state(alpha, SiteState.SUSPENDED, by=olivia, reason="Unpaid")
    alpha.refresh_from_db()
    alpha.__dict__["default_viewer_plan"] = None  # as the host lookup leaves it

    def request_as(user):
        request = RequestFactory().get("/media/1/film.mp4", HTTP_HOST="a.test")
        request.tenant, request.user = alpha, user

        async def auser():
            return user

        request.auser = auser
        return request

    refused = async_to_sync(gate)(request_as(AnonymousUser()))
    served = async_to_sync(gate)(request_as(olivia))

    assert refused.status_code == 403
    assert "Alpha is suspended" in refused.content.decode()
    assert served.content == b"served"


def test_another_site_is_untouched(suspended, on_beta):
    assert on_beta.get("/").status_code == 200


def test_a_closed_site_says_it_closed(alpha, olivia, on_alpha):
    change_state(alpha, SiteState.CLOSED, by=olivia, reason="Owner left")

    answer = on_alpha.get("/")

    assert answer.status_code == 403
    assert "Alpha has closed." in answer.content.decode()


# --- beat: the grace period, then a closed site's data --------------------------------------


def test_beat_runs_both_tasks():
    tasks_run = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {
        "tenants.tasks.suspend_overdue_sites",
        "tenants.tasks.remove_closed_site_data",
    } <= tasks_run


def test_a_past_due_site_is_suspended_when_its_grace_period_ends(alpha, beta, olivia):
    now = timezone.now()
    change_state(alpha, SiteState.PAST_DUE, by=olivia, reason="Card declined", now=now)
    change_state(beta, SiteState.PAST_DUE, by=olivia, reason="Card declined", now=now)
    Tenant.objects.filter(pk=beta.pk).update(grace_ends_at=now + timedelta(days=30))

    assert suspend_overdue(now + timedelta(days=GRACE_DAYS - 1)) == []
    assert suspend_overdue(now + timedelta(days=GRACE_DAYS, seconds=1)) == [alpha.pk]

    assert (state_of(alpha), state_of(beta)) == (SiteState.SUSPENDED, SiteState.PAST_DUE)
    last = SiteStateChange.objects.for_tenant(alpha).first()
    assert (last.to_state, last.by, last.by_label) == (SiteState.SUSPENDED, None, "system")
    assert "grace period ended" in last.reason


def test_a_site_paid_meanwhile_is_not_suspended(alpha, olivia):
    change_state(alpha, SiteState.PAST_DUE, by=olivia, reason="Card declined")
    change_state(alpha, SiteState.ACTIVE, by=olivia, reason="Paid")

    assert suspend_overdue(timezone.now() + timedelta(days=GRACE_DAYS + 1)) == []
    assert state_of(alpha) == SiteState.ACTIVE


def test_the_tasks_call_the_functions(alpha, olivia):
    long_ago = timezone.now() - timedelta(days=GRACE_DAYS + 1)
    change_state(alpha, SiteState.PAST_DUE, by=olivia, reason="Card declined", now=long_ago)

    assert tasks.suspend_overdue_sites() == [alpha.pk]
    assert tasks.remove_closed_site_data() == []


@pytest.fixture
def closed_with_data(alpha, beta, alice, bob, olivia):
    """Alpha and Beta with members, viewer data and plans; Alpha closed 31 days ago."""
    heat = film_file(film("Heat", slug="heat"))
    chapter = comic_chapter(comic_series("Berserk", slug="berserk"))
    for site, user in ((alpha, alice), (beta, bob)):
        ViewerPlan.objects.create(tenant=site, name="Free", is_default=True)
        WatchProgress.objects.create(tenant=site, user=user, media_file=heat, position_seconds=60)
        WatchlistEntry.objects.create(tenant=site, user=user, title=heat.title)
        Comment.objects.create(tenant=site, user=user, title=heat.title, body="Good")
        record_page(site, user, chapter, 0)
        WantToRead.objects.create(tenant=site, user=user, series=chapter.series)
    closed_at = timezone.now() - timedelta(days=DATA_KEPT_DAYS + 1)
    change_state(alpha, SiteState.CLOSED, by=olivia, reason="Owner left", now=closed_at)
    return alpha


def test_a_closed_sites_own_rows_go_after_its_date_and_nothing_shared(
    closed_with_data, beta, alice
):
    alpha = closed_with_data

    assert remove_expired() == [alpha.pk]

    for model in (Membership, ViewerPlan, WatchProgress, WatchlistEntry, Comment):
        assert not model.objects.for_tenant(alpha).exists(), model
        assert model.objects.for_tenant(beta).exists(), model
    for model in (ReadingProgress, WantToRead):
        assert not model.objects.for_tenant(alpha).exists(), model
        assert model.objects.for_tenant(beta).exists(), model
    # The catalogue is shared, accounts too; hostnames and the record stay.
    assert Title.objects.filter(slug="heat").exists()
    assert MediaFile.objects.exists()
    assert type(alice).objects.filter(pk=alice.pk).exists()
    assert Domain.objects.for_tenant(alpha).exists()
    assert SiteStateChange.objects.for_tenant(alpha).exists()
    alpha.refresh_from_db()
    assert alpha.data_removed_at is not None
    assert remove_expired() == []  # once


def test_a_closed_site_keeps_its_data_until_its_date(alpha, alice, olivia):
    change_state(alpha, SiteState.CLOSED, by=olivia, reason="Owner left")

    assert remove_expired() == []
    assert Membership.objects.for_tenant(alpha).exists()


def test_a_site_whose_data_went_cannot_be_reopened(closed_with_data, olivia):
    remove_expired()

    with pytest.raises(InvalidTransition, match="data was removed"):
        change_state(closed_with_data, SiteState.ACTIVE, by=olivia, reason="Back")


# --- the admin's action ---------------------------------------------------------------------


def action_post(site: Tenant, **form) -> dict:
    return {"action": "change_state", "_selected_action": [str(site.pk)], **form}


def test_an_operator_changes_a_state_in_the_admin_with_a_reason(alpha, olivia):
    operator = Client(HTTP_HOST="a.test")
    operator.force_login(olivia)
    url = "/admin/tenants/tenant/"

    asked = operator.post(url, action_post(alpha))
    done = operator.post(
        url, action_post(alpha, apply="yes", new_state="suspended", reason="Unpaid", until="")
    )
    refused = operator.post(
        url, action_post(alpha, apply="yes", new_state="suspended", reason="Again", until="")
    )

    assert asked.status_code == 200
    assert "Change the state of sites" in asked.content.decode()
    assert done.status_code == 302
    row = SiteStateChange.objects.for_tenant(alpha).get()
    assert (row.to_state, row.by, row.reason) == (SiteState.SUSPENDED, olivia, "Unpaid")
    assert refused.status_code == 302
    assert SiteStateChange.objects.count() == 1  # "already suspended", shown as a message
    page = operator.get(f"/admin/tenants/tenant/{alpha.pk}/change/").content.decode()
    assert "Unpaid" in page  # the read-only record


def test_a_missing_reason_is_a_form_error_in_the_admin(alpha, olivia):
    operator = Client(HTTP_HOST="a.test")
    operator.force_login(olivia)

    answer = operator.post(
        "/admin/tenants/tenant/",
        action_post(alpha, apply="yes", new_state="suspended", reason="", until="x"),
    )

    assert answer.status_code == 200
    assert "This field is required" in answer.content.decode()
    assert state_of(alpha) == SiteState.ACTIVE


def test_a_site_admin_has_no_state_action(alpha, alpha_admin):
    admin = Client(HTTP_HOST="a.test")
    admin.force_login(alpha_admin)

    page = admin.get("/admin/tenants/tenant/").content.decode()
    answer = admin.post(
        "/admin/tenants/tenant/",
        action_post(alpha, apply="yes", new_state="closed", reason="Mine", until=""),
    )

    assert "change_state" not in page
    assert answer.status_code in {200, 302}
    assert state_of(alpha) == SiteState.ACTIVE
