"""Sites in the admin: one word for them, a primary hostname by itself, the link-binding switch."""

from __future__ import annotations

import pytest
from django.test import Client

from tenants.models import Domain, Tenant

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(olivia, alpha) -> Client:
    client = Client(HTTP_HOST="a.test")
    client.force_login(olivia)
    return client


def site_form(hostnames: list[tuple[str, bool]], **fields) -> dict:
    data = {
        "name": "Gamma",
        "slug": "gamma",
        "tagline": "",
        "accent_colour": "#112233",
        "accent_colour_2": "#445566",
        "signup_mode": "open",
        "is_active": "on",
        "domains-TOTAL_FORMS": str(len(hostnames)),
        "domains-INITIAL_FORMS": "0",
        "domains-MIN_NUM_FORMS": "0",
        "domains-MAX_NUM_FORMS": "1000",
        # The state-change record's inline is read-only, but its management form is posted.
        "sitestatechanges-TOTAL_FORMS": "0",
        "sitestatechanges-INITIAL_FORMS": "0",
        **fields,
    }
    for index, (hostname, primary) in enumerate(hostnames):
        data[f"domains-{index}-hostname"] = hostname
        if primary:
            data[f"domains-{index}-is_primary"] = "on"
    return data


def test_the_admin_calls_them_sites(operator):
    index = operator.get("/admin/").content.decode()
    add = operator.get("/admin/tenants/tenant/add/").content.decode()

    assert "Sites" in index
    assert "Tenant" not in index
    assert "Add site" in add
    assert "Tenant" not in add
    assert "Hostnames" in add


def test_a_sites_first_hostname_is_primary_by_itself(alpha):
    gamma = Tenant.objects.create(name="Gamma", slug="gamma")

    first = Domain.objects.create(tenant=gamma, hostname="g.test")
    second = Domain.objects.create(tenant=gamma, hostname="g2.test")

    assert (first.is_primary, second.is_primary) == (True, False)
    assert gamma.primary_domain == first


def test_a_site_added_in_the_admin_gets_a_primary_hostname(operator):
    answer = operator.post(
        "/admin/tenants/tenant/add/", site_form([("g.test", False), ("g2.test", False)])
    )

    assert answer.status_code == 302, answer.content[:2000]
    gamma = Tenant.objects.get(slug="gamma")
    assert gamma.primary_domain.hostname == "g.test"


def test_the_ticked_hostname_is_primary_even_when_it_is_not_the_first_row(operator):
    answer = operator.post(
        "/admin/tenants/tenant/add/", site_form([("g.test", False), ("g2.test", True)])
    )

    assert answer.status_code == 302
    assert Tenant.objects.get(slug="gamma").primary_domain.hostname == "g2.test"


def test_two_primary_hostnames_are_a_form_error_not_a_500(operator):
    answer = operator.post(
        "/admin/tenants/tenant/add/", site_form([("g.test", True), ("g2.test", True)])
    )

    assert answer.status_code == 200
    assert "tick only one" in answer.content.decode()
    assert not Tenant.objects.filter(slug="gamma").exists()


def test_deleting_the_primary_hostname_in_the_admin_promotes_another(operator, alpha):
    second = Domain.objects.create(tenant=alpha, hostname="a2.test")
    primary = alpha.primary_domain

    operator.post(f"/admin/tenants/domain/{primary.pk}/delete/", {"post": "yes"})

    second.refresh_from_db()
    assert second.is_primary


def test_an_operator_turns_link_binding_on_in_the_site_form(operator):
    form = operator.get("/admin/tenants/tenant/add/").content.decode()
    assert 'name="bind_media_links_to_ip"' in form

    operator.post(
        "/admin/tenants/tenant/add/",
        site_form([("g.test", False)], bind_media_links_to_ip="on"),
    )

    assert Tenant.objects.get(slug="gamma").bind_media_links_to_ip is True


def test_a_site_admin_sees_no_binding_switch(alpha, alpha_admin):
    client = Client(HTTP_HOST="a.test")
    client.force_login(alpha_admin)

    form = client.get(f"/admin/tenants/tenant/{alpha.pk}/change/")

    assert form.status_code == 200
    assert 'name="bind_media_links_to_ip"' not in form.content.decode()
