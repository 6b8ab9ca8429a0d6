"""An account of one of the operator's sites joins another by signing in there.

alice is a viewer of Alpha (a.test); Beta (b.test) has sign-up open unless a test closes it.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tenants import joining
from tenants.models import Membership
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client: Client, password: str = PASSWORD, **extra):
    return client.post("/account/login/", {"username": "alice", "password": password, **extra})


def test_the_right_password_on_another_site_offers_to_join_it(on_beta, alice):
    answer = sign_in(on_beta)

    assert answer.status_code == 302
    assert answer["Location"] == "/account/join/"
    page = on_beta.get("/account/join/").content.decode()
    assert "Join Beta" in page
    assert "alice" in page
    assert not re.search(r"\{#|\{%|\{\{", page)
    assert not on_beta.get("/").context["user"].is_authenticated  # not until they say so
    assert not Membership.objects.filter(user=alice, tenant__name="Beta").exists()


def test_joining_makes_a_viewer_of_that_site_and_signs_in(on_beta, alice, beta):
    sign_in(on_beta, next="/browse/")

    answer = on_beta.post("/account/join/")

    assert answer.status_code == 302
    assert answer["Location"] == "/browse/"
    assert Membership.objects.get(user=alice, tenant=beta).role == Membership.Role.VIEWER
    assert on_beta.get("/").context["user"] == alice
    assert on_beta.post("/account/join/").status_code == 302  # the offer was used up
    assert Membership.objects.filter(user=alice).count() == 2


def test_a_wrong_password_offers_nothing_and_reveals_nothing(on_beta, alice):
    answer = sign_in(on_beta, password="not the password")

    assert answer.status_code == 200
    assert "Please enter a correct username and password" in answer.content.decode()
    assert on_beta.get("/account/join/")["Location"] == "/account/login/"


def test_where_sign_up_is_by_invitation_the_page_says_so(on_beta, alice, beta):
    beta.signup_mode = "invitation"
    beta.save(update_fields=["signup_mode"])

    answer = sign_in(on_beta)

    assert answer.status_code == 200
    assert "invitation only" in answer.content.decode()
    assert on_beta.post("/account/join/")["Location"] == "/account/login/"
    assert not Membership.objects.filter(user=alice, tenant=beta).exists()


def test_the_offer_holds_for_this_site_only(alice, alpha, beta):
    client = Client()
    sign_in_beta = client.post(
        "/account/login/", {"username": "alice", "password": PASSWORD}, HTTP_HOST="b.test"
    )
    assert sign_in_beta["Location"] == "/account/join/"

    # The same session on another site (alice is already Alpha's; the offer was for Beta).
    answer = client.post("/account/join/", HTTP_HOST="a.test")

    assert answer.status_code == 302
    assert answer["Location"] == "/account/login/"
    assert not Membership.objects.filter(user=alice, tenant=beta).exists()


def test_the_offer_runs_out(on_beta, alice, beta, monkeypatch):
    sign_in(on_beta)
    later = joining.time.time() + joining.OFFER_SECONDS + 1
    monkeypatch.setattr(joining.time, "time", lambda: later)

    assert on_beta.post("/account/join/")["Location"] == "/account/login/"
    assert not Membership.objects.filter(user=alice, tenant=beta).exists()


def test_an_offer_leads_only_to_pages_of_this_site(on_beta, alice):
    sign_in(on_beta, next="https://evil.example/")

    assert on_beta.post("/account/join/")["Location"] == "/"


def test_wrong_passwords_on_another_site_still_lock_the_account(on_beta, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(on_beta, password="wrong")

    answer = sign_in(on_beta)

    assert answer.status_code in (403, 429)
    assert on_beta.get("/account/join/")["Location"] == "/account/login/"
