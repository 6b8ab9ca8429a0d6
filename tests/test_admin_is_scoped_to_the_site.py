"""Operators see everything in the admin; a site admin sees and edits only their own site."""

import pytest
from django.test import Client

from tenants.models import Domain, Membership
from tests.factories import PASSWORD, make_member


@pytest.fixture
def everyone(alice, bob, alpha_admin, beta_admin, olivia):
    return None


def admin_client(user, host: str) -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def member_names(response) -> set[str]:
    return {m.user.username for m in response.context["cl"].result_list}


def test_each_site_admin_sees_only_their_own_members(everyone, alpha_admin, beta_admin):
    on_alpha = admin_client(alpha_admin, "a.test").get("/admin/tenants/membership/")
    on_beta = admin_client(beta_admin, "b.test").get("/admin/tenants/membership/")

    assert member_names(on_alpha) == {"alice", "alpha_admin"}
    assert member_names(on_beta) == {"bob", "beta_admin"}


def test_an_operator_sees_every_sites_members(everyone, olivia):
    response = admin_client(olivia, "a.test").get("/admin/tenants/membership/")

    assert member_names(response) == {"alice", "bob", "alpha_admin", "beta_admin"}


def test_a_site_admin_cannot_open_another_sites_membership(everyone, alpha_admin, bob):
    bobs = Membership.objects.get(user=bob)

    response = admin_client(alpha_admin, "a.test").get(
        f"/admin/tenants/membership/{bobs.pk}/change/"
    )

    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert Membership.objects.get(pk=bobs.pk).role == Membership.Role.VIEWER


def test_a_site_admin_cannot_change_another_sites_membership_by_post(everyone, alpha_admin, bob):
    bobs = Membership.objects.get(user=bob)

    admin_client(alpha_admin, "a.test").post(
        f"/admin/tenants/membership/{bobs.pk}/change/", {"role": "admin"}
    )

    assert Membership.objects.get(pk=bobs.pk).role == Membership.Role.VIEWER


def test_a_site_admin_can_promote_a_member_of_their_site(everyone, alpha_admin, alice):
    alices = Membership.objects.get(user=alice)

    response = admin_client(alpha_admin, "a.test").post(
        f"/admin/tenants/membership/{alices.pk}/change/", {"role": "admin"}
    )

    assert response.status_code == 302
    assert Membership.objects.get(pk=alices.pk).role == Membership.Role.ADMIN


def test_a_site_admin_sees_only_their_own_site_and_domains(everyone, alpha_admin, alpha):
    client = admin_client(alpha_admin, "a.test")

    sites = client.get("/admin/tenants/tenant/").context["cl"].result_list
    domains = client.get("/admin/tenants/domain/").context["cl"].result_list

    assert [t.name for t in sites] == ["Alpha"]
    assert [d.hostname for d in domains] == ["a.test"]


def test_a_site_admin_cannot_edit_hostnames(everyone, alpha_admin, alpha):
    domain = Domain.objects.get(hostname="a.test")
    client = admin_client(alpha_admin, "a.test")

    client.post(f"/admin/tenants/domain/{domain.pk}/change/", {"hostname": "stolen.test"})

    assert Domain.objects.get(pk=domain.pk).hostname == "a.test"
    # They may add domains of their own, pending until proved (tests/test_custom_domains.py).
    assert 'name="is_primary"' not in client.get("/admin/tenants/domain/add/").content.decode()


def test_a_site_admin_edits_their_branding_but_not_the_slug(everyone, alpha_admin, alpha):
    client = admin_client(alpha_admin, "a.test")

    response = client.post(
        f"/admin/tenants/tenant/{alpha.pk}/change/",
        {
            "name": "Alpha Films",
            "tagline": "New",
            "accent_colour": "#123456",
            "accent_colour_2": "#654321",
            "signup_mode": "open",
            "slug": "hijack",
            "domains-TOTAL_FORMS": "0",
            "domains-INITIAL_FORMS": "0",
            "sitestatechanges-TOTAL_FORMS": "0",
            "sitestatechanges-INITIAL_FORMS": "0",
        },
    )

    alpha.refresh_from_db()
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert (alpha.name, alpha.accent_colour, alpha.slug) == ("Alpha Films", "#123456", "alpha")


def test_a_site_admin_cannot_open_another_site(everyone, alpha_admin, beta):
    response = admin_client(alpha_admin, "a.test").get(f"/admin/tenants/tenant/{beta.pk}/change/")

    assert response.status_code == 302


def test_a_site_admin_does_not_see_user_accounts(everyone, alpha_admin):
    client = admin_client(alpha_admin, "a.test")

    assert client.get("/admin/auth/user/").status_code == 403
    assert "auth/user" not in client.get("/admin/").content.decode()


def test_a_site_admin_has_no_admin_on_another_site(everyone, alpha_admin):
    client = Client(HTTP_HOST="b.test")
    client.force_login(alpha_admin)

    response = client.get("/admin/tenants/membership/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_viewer_has_no_admin(everyone, alice):
    response = admin_client(alice, "a.test").get("/admin/")

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("username", "host", "admitted"),
    [
        ("alpha_admin", "a.test", True),
        ("alpha_admin", "b.test", False),
        ("alice", "a.test", False),
        ("olivia", "b.test", True),
    ],
)
def test_admin_sign_in_admits_site_admins_on_their_site_and_operators_anywhere(
    everyone, username, host, admitted
):
    client = Client(HTTP_HOST=host)

    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": PASSWORD}
    )

    assert (response.status_code == 302) is admitted
    if admitted:
        assert client.get("/admin/").status_code == 200


def test_admin_list_query_count_does_not_grow_with_rows(
    everyone, olivia, alpha, django_assert_max_num_queries
):
    client = admin_client(olivia, "a.test")
    client.get("/admin/tenants/membership/")
    with django_assert_max_num_queries(12) as few:
        client.get("/admin/tenants/membership/")
    for number in range(20):
        make_member(f"viewer{number}", alpha)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/admin/tenants/membership/")
