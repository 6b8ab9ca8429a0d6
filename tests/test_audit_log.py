"""The audit log (audit/): every change an operator or site admin sends to the admin or the
console is recorded with who, what, the answer's status, the address and the admin's own
summary, never the form's values; sign-ins of operators and site admins too. Operators read
every site's log; a site admin reads their own site's, without the operators' rows; nobody
edits it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from audit.recording import forget_old
from shadowvault.models import StoredSettings
from tenants.models import Membership
from tests.factories import PASSWORD, make_member

pytestmark = pytest.mark.django_db
SETTINGS_PAGE = "/admin/shadowvault/storedsettings/1/change/"
LOG = "/admin/audit/auditevent/"


@pytest.fixture(autouse=True)
def settings_row(db):
    """The admin's one settings row (its changelist makes it on a first visit)."""
    StoredSettings.load()


def signed_in(user, host: str = "a.test", address: str = "198.51.100.4") -> Client:
    client = Client(HTTP_HOST=host, REMOTE_ADDR=address)
    client.force_login(user)
    return client


def test_an_operators_admin_change_is_recorded_with_its_summary_not_its_values(olivia, alpha):
    secret = "tmdb-key-that-must-not-be-logged-9876"
    answer = signed_in(olivia).post(
        SETTINGS_PAGE, {"tmdb_api_key": secret, "ingest_allowed_hosts": "nas.lan"}
    )
    assert answer.status_code == 302
    event = AuditEvent.objects.get()
    assert (event.tenant, event.actor, event.actor_name) == (alpha, olivia, olivia.username)
    assert event.by_operator
    assert event.action == "admin:shadowvault_storedsettings_change"
    assert (event.method, event.status, event.address) == ("POST", 302, "198.51.100.4")
    assert "Changed" in event.summary
    assert secret not in str(AuditEvent.objects.values().get())


def test_a_site_admins_console_post_is_recorded_and_a_members_is_not(alpha):
    admin = make_member("alpha_admin", alpha, Membership.Role.ADMIN)
    member = make_member("mallory", alpha)
    signed_in(admin).post("/console/branding/", {"name": ""})
    signed_in(member).post("/console/branding/", {"name": "mine now"})
    events = list(AuditEvent.objects.all())
    assert [(e.actor_name, e.by_operator) for e in events] == [("alpha_admin", False)]
    assert events[0].action.startswith("console:")
    assert events[0].status in {200, 302, 400}


def test_reading_is_not_recorded(olivia, alpha):
    signed_in(olivia).get(SETTINGS_PAGE)
    assert not AuditEvent.objects.exists()


def test_sign_ins_of_site_admins_are_recorded_and_members_are_not(alpha):
    make_member("alpha_admin", alpha, Membership.Role.ADMIN)
    make_member("mallory", alpha)
    for name in ("alpha_admin", "mallory"):
        Client(HTTP_HOST="a.test").post("/account/login/", {"username": name, "password": PASSWORD})
    assert list(AuditEvent.objects.values_list("actor_name", "action")) == [
        ("alpha_admin", "sign-in")
    ]


def test_a_site_admin_reads_their_own_sites_log_without_the_operators(olivia, alpha, beta):
    mine = make_member("alpha_admin", alpha, Membership.Role.ADMIN)
    theirs = make_member("beta_admin", beta, Membership.Role.ADMIN)
    signed_in(olivia).post(SETTINGS_PAGE, {"tmdb_api_key": "", "ingest_allowed_hosts": ""})
    signed_in(mine).post("/console/branding/", {"name": ""})
    signed_in(theirs, "b.test").post("/console/branding/", {"name": ""})

    def shown(user, host: str = "a.test") -> set[str]:
        answer = signed_in(user, host).get(LOG)
        assert answer.status_code == 200
        return {event.actor_name for event in answer.context["cl"].result_list}

    assert shown(mine) == {"alpha_admin"}
    assert shown(theirs, "b.test") == {"beta_admin"}
    assert shown(olivia) == {"alpha_admin", "beta_admin", olivia.username}


def test_nobody_adds_changes_or_deletes_an_event(olivia, alpha):
    signed_in(olivia).post(SETTINGS_PAGE, {"tmdb_api_key": "", "ingest_allowed_hosts": ""})
    event = AuditEvent.objects.get()
    client = signed_in(olivia)
    assert client.get(LOG + "add/").status_code == 403
    assert client.post(f"{LOG}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    changed = client.post(f"{LOG}{event.pk}/change/", {"actor_name": "someone else"})
    assert changed.status_code in {302, 403}
    event.refresh_from_db()
    assert event.actor_name == olivia.username


def test_old_events_are_forgotten(olivia, alpha, settings):
    settings.AUDIT_KEEP_DAYS = 30
    with time_machine.travel(timezone.now() - timedelta(days=31)):
        signed_in(olivia).post(SETTINGS_PAGE, {"tmdb_api_key": "", "ingest_allowed_hosts": ""})
    signed_in(olivia).post(SETTINGS_PAGE, {"tmdb_api_key": "", "ingest_allowed_hosts": ""})
    assert forget_old() == 1
    assert AuditEvent.objects.count() == 1
