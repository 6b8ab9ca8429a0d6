"""A site's sign-up mode: open (anyone), invitation only, or closed."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def set_mode(site, mode: str) -> None:
    site.signup_mode = mode
    site.save(update_fields=["signup_mode"])


def test_an_open_site_shows_its_sign_up_form(alpha):
    answer = Client(HTTP_HOST="a.test").get("/account/signup/")

    assert answer.status_code == 200


@pytest.mark.parametrize("mode", ["invitation", "closed"])
def test_other_modes_refuse_the_sign_up_form_and_hide_its_links(alpha, mode):
    set_mode(alpha, mode)
    client = Client(HTTP_HOST="a.test")

    assert client.get("/account/signup/").status_code == 403
    assert 'href="/account/signup/"' not in client.get("/").content.decode()


def test_a_closed_site_tells_an_account_of_another_site_it_takes_nobody(alpha, bob):
    set_mode(alpha, "closed")

    answer = Client(HTTP_HOST="a.test").post(
        "/account/login/", {"username": "bob", "password": PASSWORD}
    )

    assert "not taking new members" in answer.content.decode()


def test_the_mode_is_the_site_admins_to_choose_in_the_admin(alpha, alpha_admin):
    client = Client(HTTP_HOST="a.test")
    client.force_login(alpha_admin)

    page = client.get(f"/admin/tenants/tenant/{alpha.pk}/change/").content.decode()

    assert 'name="signup_mode"' in page
