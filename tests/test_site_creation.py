"""The operator's one form for a new site: name, subdomain, plan and owner."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from tenants.models import Domain, Invitation, Membership, SitePlan, Tenant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def base_domain(settings):
    settings.SITES_BASE_DOMAIN = "vault.test"


@pytest.fixture
def operator_client(olivia, alpha) -> Client:
    client = Client(HTTP_HOST="a.test")
    client.force_login(olivia)
    return client


def create(client: Client, **fields):
    data = {"name": "Gamma", "subdomain": "gamma", "owner_email": "owner@example.com"}
    return client.post("/admin/tenants/tenant/create/", data | fields)


def test_a_new_owner_is_invited_by_mail_and_the_site_answers_at_once(
    operator_client, django_capture_on_commit_callbacks
):
    plan = SitePlan.objects.create(name="Starter", max_members=10)

    with django_capture_on_commit_callbacks(execute=True):  # the mail goes after the commit
        answer = create(operator_client, plan=str(plan.pk))

    assert answer.status_code == 302
    site = Tenant.objects.get(slug="gamma")
    assert site.plan == plan
    assert site.primary_domain.hostname == "gamma.vault.test"
    assert Client(HTTP_HOST="gamma.vault.test").get("/").status_code == 200
    (sent,) = mail.outbox
    assert sent.to == ["owner@example.com"]
    path = re.search(r"http://gamma\.vault\.test(/account/invite/\S+/)", sent.body).group(1)
    owner = Client(HTTP_HOST="gamma.vault.test")
    accepted = owner.post(
        path,
        {
            "action": "create",
            "new-username": "owner",
            "new-email": "owner@example.com",
            "new-password1": "a long enough passphrase 42",
            "new-password2": "a long enough passphrase 42",
        },
    )
    assert accepted.status_code == 302
    assert Membership.objects.get(tenant=site).role == Membership.Role.ADMIN


def test_an_existing_account_becomes_the_sites_admin_without_mail(operator_client, alice):
    answer = create(operator_client, owner_email=alice.email.upper())

    assert answer.status_code == 302
    site = Tenant.objects.get(slug="gamma")
    assert Membership.objects.get(tenant=site, user=alice).role == Membership.Role.ADMIN
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_a_failed_creation_sends_no_mail(operator_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        create(operator_client, subdomain="www")

    assert mail.outbox == []


@pytest.mark.parametrize(
    ("subdomain", "error"),
    [
        ("www", "reserved"),
        ("admin", "reserved"),
        ("media", "reserved"),
        ("alpha", "already has this name"),
        ("-gamma", "Use letters"),
        ("gamma.other", "Use letters"),
        ("gämma", "Use letters"),
        ("gamma:8080", "Use letters"),
        ("x" * 64, "Ensure this value"),
    ],
)
def test_bad_or_taken_subdomains_are_form_errors(operator_client, subdomain, error):
    answer = create(operator_client, subdomain=subdomain)

    assert answer.status_code == 200
    assert error in answer.content.decode()
    assert not Tenant.objects.filter(name="Gamma").exists()


def test_a_hostname_another_site_has_is_a_form_error(operator_client, beta):
    Domain.objects.create(tenant=beta, hostname="gamma.vault.test")

    answer = create(operator_client)

    assert "already answers" in answer.content.decode()
    assert not Tenant.objects.filter(name="Gamma").exists()


def test_without_a_base_domain_the_form_says_what_to_set(operator_client, settings):
    settings.SITES_BASE_DOMAIN = ""

    answer = create(operator_client)

    assert "SITES_BASE_DOMAIN" in answer.content.decode()


def test_a_site_admin_may_not_create_sites(alpha, alpha_admin):
    client = Client(HTTP_HOST="a.test")
    client.force_login(alpha_admin)

    assert client.get("/admin/tenants/tenant/create/").status_code == 403
    assert create(client).status_code == 403
    assert not Tenant.objects.filter(name="Gamma").exists()
