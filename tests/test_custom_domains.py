"""Custom domains: added pending within the plan's count, verified by a DNS TXT record (a
local DNS server) or a file under /.well-known (a local HTTP server, reached through the SSRF
guard only because the test allows loopback), routed only once verified.

Alpha (a.test) and Beta (b.test) each have an admin; the operator's base domain is vault.test.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from ingest_core import ssrf
from tenants import custom_domains
from tenants.models import Domain, SitePlan
from tenants.tasks import recheck_pending_domains
from tests.support.dns_server import dns_server
from tests.support.http_sources import Page, Status, source_server

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def verification_settings(settings):
    settings.SITES_BASE_DOMAIN = "vault.test"
    settings.DOMAIN_VERIFY_TIMEOUT = 2


@pytest.fixture
def dns(settings):
    with dns_server() as server:
        settings.DOMAIN_VERIFY_NAMESERVERS = [("127.0.0.1", server.port)]
        yield server


@pytest.fixture
def web(settings, monkeypatch, dns):
    """The owner's web server: every name resolves to it (as DNS pointing at a host would),
    and loopback is allowed for this test only."""
    with source_server() as server:
        settings.DOMAIN_VERIFY_HTTP_PORT = server.port
        settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
        monkeypatch.setattr(ssrf, "resolve", lambda host, port: ["127.0.0.1"])
        yield server


def admin_client(user, host: str = "a.test") -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def test_a_new_custom_domain_waits_and_reaches_no_site(alpha):
    domain = custom_domains.add(alpha, "Watch.Example.COM.")

    assert (domain.hostname, domain.state, domain.is_primary) == (
        "watch.example.com",
        Domain.State.PENDING,
        False,
    )
    assert len(domain.verification_token) == 40
    assert Client(HTTP_HOST="watch.example.com").get("/").status_code == 404


def test_a_dns_txt_record_verifies_it_and_the_site_answers(alpha, dns, web):
    domain = custom_domains.add(alpha, "watch.example.com")
    dns.records[("_shadowvault-challenge.watch.example.com", "TXT")] = [domain.verification_token]

    assert custom_domains.verify(domain)

    domain.refresh_from_db()
    assert domain.state == Domain.State.VERIFIED
    # It reaches the site, whose pages live on its primary hostname.
    assert Client(HTTP_HOST="watch.example.com").get("/")["Location"] == "http://a.test/"
    assert web.seen == []  # DNS sufficed: no HTTP fetch


def test_a_well_known_file_verifies_it(alpha, dns, web):
    domain = custom_domains.add(alpha, "watch.example.com")
    token = domain.verification_token
    web.route(f"/.well-known/shadowvault-verification/{token}", Page(token.encode(), "text/plain"))

    assert custom_domains.verify(domain)
    assert web.seen[0].headers["host"].startswith("watch.example.com")


def test_a_wrong_record_or_file_verifies_nothing_and_says_why(alpha, dns, web):
    domain = custom_domains.add(alpha, "watch.example.com")
    dns.records[("_shadowvault-challenge.watch.example.com", "TXT")] = ["someone-else"]
    web.route(f"/.well-known/shadowvault-verification/{domain.verification_token}", Status(404))

    assert not custom_domains.verify(domain)

    domain.refresh_from_db()
    assert domain.state == Domain.State.PENDING
    assert "holds another value" in domain.last_check_result
    assert "404" in domain.last_check_result or "not found" in domain.last_check_result.lower()
    assert Client(HTTP_HOST="watch.example.com").get("/").status_code == 404


def test_the_file_is_not_fetched_from_a_private_address(alpha, dns, settings, monkeypatch):
    settings.INGEST_ALLOWED_HOSTS = []  # as in production
    monkeypatch.setattr(ssrf, "resolve", lambda host, port: ["10.0.0.5"])
    domain = custom_domains.add(alpha, "watch.example.com")

    assert not custom_domains.verify(domain)
    assert "private" in Domain.objects.get(pk=domain.pk).last_check_result


def test_the_beat_task_rechecks_pending_domains(alpha, beta, dns, web):
    mine = custom_domains.add(alpha, "watch.example.com")
    other = custom_domains.add(beta, "other.example.org")
    dns.records[("_shadowvault-challenge.watch.example.com", "TXT")] = [mine.verification_token]

    assert recheck_pending_domains() == 1

    assert Domain.objects.get(pk=mine.pk).is_verified
    assert not Domain.objects.get(pk=other.pk).is_verified
    assert Domain.objects.get(pk=other.pk).last_checked_at is not None


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("watch.example.com:8080", "no scheme, port"),
        ("https://watch.example.com", "no scheme, port"),
        ("watch.example.com/path", "no scheme, port"),
        ("192.0.2.7", "not an IP address"),
        ("2001:db8::1", "no scheme, port"),
        ("localhost", "full domain name"),
        ("", "no scheme, port"),
        ("bad_name.example.com", "Enter a hostname"),
        ("-x.example.com", "Enter a hostname"),
        ("a" * 64 + ".example.com", "Enter a hostname"),
        ("alpha.vault.test", "given by the operator"),
        ("vault.test", "given by the operator"),
    ],
)
def test_bad_hostnames_are_refused_in_words(alpha, raw, error):
    with pytest.raises(ValidationError) as refused:
        custom_domains.add(alpha, raw)

    assert error in " ".join(refused.value.messages)
    assert not Domain.objects.filter(state=Domain.State.PENDING).exists()


def test_unicode_names_are_stored_as_punycode(alpha):
    assert custom_domains.add(alpha, "Bücher.example").hostname == "xn--bcher-kva.example"
    assert custom_domains.add(alpha, "xn--caf-dma.example").hostname == "xn--caf-dma.example"


def test_a_hostname_another_site_has_is_refused(alpha, beta):
    with pytest.raises(ValidationError, match="already in use"):
        custom_domains.add(alpha, "B.TEST.")


def test_the_plans_count_is_kept(alpha):
    alpha.plan = SitePlan.objects.create(name="One domain", custom_domains=1)
    alpha.save(update_fields=["plan"])
    custom_domains.add(alpha, "one.example.com")

    with pytest.raises(ValidationError, match="allows 1 custom domain"):
        custom_domains.add(alpha, "two.example.com")


def test_a_site_admin_adds_a_domain_in_the_admin_and_sees_how_to_verify(alpha, alpha_admin):
    client = admin_client(alpha_admin)

    answer = client.post("/admin/tenants/domain/add/", {"hostname": "Watch.Example.com"})

    assert answer.status_code == 302
    domain = Domain.objects.get(hostname="watch.example.com")
    assert (domain.tenant, domain.state) == (alpha, Domain.State.PENDING)
    page = client.get(f"/admin/tenants/domain/{domain.pk}/change/").content.decode()
    assert "_shadowvault-challenge.watch.example.com" in page
    assert domain.verification_token in page


@pytest.mark.parametrize("raw", ["x.example.com:80", "10.1.2.3", "b.test", "alpha.vault.test"])
def test_bad_hostnames_in_the_admin_are_form_errors(alpha, beta, alpha_admin, raw):
    answer = admin_client(alpha_admin).post("/admin/tenants/domain/add/", {"hostname": raw})

    assert answer.status_code == 200
    assert "errornote" in answer.content.decode() or "errorlist" in answer.content.decode()


def test_over_the_plans_count_in_the_admin_is_a_form_error(alpha, alpha_admin):
    alpha.plan = SitePlan.objects.create(name="No domains", custom_domains=0)
    alpha.save(update_fields=["plan"])

    answer = admin_client(alpha_admin).post("/admin/tenants/domain/add/", {"hostname": "x.example"})

    assert answer.status_code == 200
    assert "allows 0 custom domain" in answer.content.decode()


def test_the_check_now_action_verifies_the_site_admins_own_domains_only(
    alpha, beta, alpha_admin, dns
):
    mine = custom_domains.add(alpha, "mine.example.com")
    theirs = custom_domains.add(beta, "theirs.example.com")
    for domain in (mine, theirs):
        name = f"_shadowvault-challenge.{domain.hostname}"
        dns.records[(name, "TXT")] = [domain.verification_token]

    admin_client(alpha_admin).post(
        "/admin/tenants/domain/",
        {"action": "check_now", "_selected_action": [mine.pk, theirs.pk]},
    )

    assert Domain.objects.get(pk=mine.pk).is_verified
    assert not Domain.objects.get(pk=theirs.pk).is_verified


def test_a_site_admin_sees_and_removes_only_their_own_domains(alpha, beta, alpha_admin):
    theirs = custom_domains.add(beta, "theirs.example.com")
    mine = custom_domains.add(alpha, "mine.example.com")
    client = admin_client(alpha_admin)

    listed = client.get("/admin/tenants/domain/").content.decode()
    client.post(f"/admin/tenants/domain/{theirs.pk}/delete/", {"post": "yes"})
    client.post(f"/admin/tenants/domain/{mine.pk}/delete/", {"post": "yes"})

    assert "theirs.example.com" not in listed
    assert "mine.example.com" in listed
    assert client.get(f"/admin/tenants/domain/{theirs.pk}/change/").status_code in {302, 404}
    assert Domain.objects.filter(pk=theirs.pk).exists()
    assert not Domain.objects.filter(pk=mine.pk).exists()


def test_a_site_admin_cannot_remove_the_primary_hostname(alpha, alpha_admin):
    primary = alpha.primary_domain

    admin_client(alpha_admin).post(f"/admin/tenants/domain/{primary.pk}/delete/", {"post": "yes"})

    assert Domain.objects.filter(pk=primary.pk).exists()


def test_a_pending_domain_cannot_be_made_primary(alpha):
    domain = custom_domains.add(alpha, "watch.example.com")
    domain.is_primary = True

    with pytest.raises(ValidationError, match="Verify this hostname"):
        domain.full_clean()


def test_old_checks_come_first_in_the_recheck(alpha, dns):
    old = custom_domains.add(alpha, "old.example.com")
    new = custom_domains.add(alpha, "new.example.com")
    Domain.objects.filter(pk=new.pk).update(last_checked_at=timezone.now())
    Domain.objects.filter(pk=old.pk).update(last_checked_at=timezone.now() - timedelta(days=1))

    custom_domains.recheck_pending(limit=1)

    assert dns.asked == ["_shadowvault-challenge.old.example.com"]
