"""The console (console/) is for the request site's admins and operators: visitors are sent
to sign in, members without the admin role get a 403 page that says why, and an admin of
another site is a stranger here."""

from __future__ import annotations

import pytest
from django.urls import reverse

from console.sections import SECTIONS

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def test_a_visitor_is_sent_to_sign_in(on_alpha):
    response = on_alpha.get("/console/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=/console/" in response["Location"]


def test_a_viewer_member_is_refused_with_a_page_saying_who_may_come_in(on_alpha, alice):
    response = signed_in(on_alpha, alice).get("/console/")

    assert response.status_code == 403
    assert "Site admins only" in response.content.decode()


def test_an_admin_of_another_site_is_a_stranger_here(on_alpha, beta_admin):
    response = signed_in(on_alpha, beta_admin).get("/console/")

    assert response.status_code == 302  # not a member of Alpha: to sign in, not in
    assert "Beta" not in response.content.decode()


@pytest.mark.parametrize("who", ["alpha_admin", "olivia"])
def test_site_admins_and_operators_get_the_overview_with_every_section(on_alpha, who, request):
    page = signed_in(on_alpha, request.getfixturevalue(who)).get("/console/").content.decode()

    assert "Alpha" in page
    for section in SECTIONS:
        assert f'href="{section.url}"' in page


def test_the_overview_names_the_site_state_plan_and_hostnames(on_alpha, alpha_admin):
    page = signed_in(on_alpha, alpha_admin).get("/console/").content.decode()

    assert "a.test" in page
    assert "None: no limits" in page
    assert "Active" in page


def test_the_top_bar_links_the_console_for_admins_only(on_alpha, alice, alpha_admin):
    assert "/console/" not in signed_in(on_alpha, alice).get("/").content.decode()
    on_alpha.logout()
    assert 'href="/console/"' in signed_in(on_alpha, alpha_admin).get("/").content.decode()


def test_a_refused_post_comes_back_to_the_overview_after_sign_in(on_alpha):
    response = on_alpha.post("/console/members/", {"x": "1"})

    assert response.status_code == 302
    assert "next=/console/" in response["Location"]
