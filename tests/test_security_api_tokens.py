"""API tokens are named, expire, work on the site they were issued on, can be listed and
revoked by their owner, and all go with a new password (issue 11: DRF's one token per user
never expired and could not be seen or revoked)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from streaming.api.token_store import LAST_USE_EVERY, issue_token
from streaming.models import ApiToken
from tenants.models import Membership
from tests.factories import PASSWORD, make_member

MINE = "/api/progress/continue/"  # members only: a refused token cannot read it


def with_key(key: str, host: str = "a.test") -> APIClient:
    client = APIClient(HTTP_HOST=host)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def signed_in(user, host: str = "a.test") -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def test_the_token_endpoint_gives_a_named_expiring_token(alice, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 30
    response = APIClient(HTTP_HOST="a.test").post(
        "/api/token/", {"username": "alice", "password": PASSWORD, "name": "TV"}
    )

    body = response.json()
    token = ApiToken.objects.get()
    assert response.status_code == 200
    assert body["name"] == "TV"
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert with_key(body["token"]).get(MINE).status_code == 200
    assert token.digest != body["token"]
    assert body["token"] not in token.digest


def test_a_lifetime_of_zero_days_means_no_expiry(alice, alpha, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 0

    assert issue_token(alice, alpha, "forever").token.expires_at is None


def test_a_token_issued_on_one_site_does_not_work_on_another(alpha, beta):
    carol = make_member("carol", alpha)
    Membership.objects.create(tenant=beta, user=carol)
    key = issue_token(carol, alpha, "phone").key

    here = with_key(key, "a.test").get(MINE)
    there = with_key(key, "b.test").get(MINE)

    assert here.status_code == 200
    assert there.status_code == 401
    assert "another site" in there.json()["detail"]


def test_an_expired_token_is_a_401_that_says_so(alice, alpha):
    key = issue_token(alice, alpha, "old", lifetime_days=1).key

    with time_machine.travel(timezone.now() + timedelta(days=2)):
        response = with_key(key).get(MINE)

    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_revoked_token_is_a_401_that_says_so(alice, alpha):
    issued = issue_token(alice, alpha, "lost phone")
    signed_in(alice).post("/account/tokens/revoke/", {"token": issued.token.pk})

    response = with_key(issued.key).get(MINE)

    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


@pytest.mark.parametrize("key", ["nonsense", "sv_" + "a" * 43, "a b"])
def test_an_unknown_token_is_a_401(alice, key):
    response = with_key(key).get("/api/titles/")

    assert response.status_code == 401
    assert response.json()["detail"]


def test_drf_tokens_from_before_no_longer_work(alice):
    old = Token.objects.create(user=alice)

    assert with_key(old.key).get(MINE).status_code == 401


def test_a_visitor_without_a_token_is_still_refused_with_a_403(alpha):
    assert APIClient(HTTP_HOST="a.test").get(MINE).status_code == 403


def test_last_use_is_recorded_at_most_every_few_minutes(alice, alpha):
    issued = issue_token(alice, alpha, "app")
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        with_key(issued.key).get(MINE)
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        with_key(issued.key).get(MINE)
    issued.token.refresh_from_db()
    first = issued.token.last_used_at
    with time_machine.travel(start + LAST_USE_EVERY + timedelta(seconds=1), tick=False):
        with_key(issued.key).get(MINE)
    issued.token.refresh_from_db()

    assert first == start
    assert issued.token.last_used_at == start + LAST_USE_EVERY + timedelta(seconds=1)


def test_the_account_page_lists_tokens_without_their_keys(alice, alpha):
    issued = issue_token(alice, alpha, "Living-room TV")

    page = signed_in(alice).get("/account/tokens/").content.decode()

    assert "Living-room TV" in page
    assert issued.key not in page


def test_a_new_token_from_the_account_page_is_shown_once_and_works(alice):
    client = signed_in(alice)

    created = client.post("/account/tokens/new/", {"name": "Laptop"})
    key = created.context["new_key"]
    again = client.get("/account/tokens/").content.decode()

    assert key in created.content.decode()
    assert key not in again
    assert "Laptop" in again
    assert with_key(key).get(MINE).status_code == 200


def test_a_token_needs_a_name(alice):
    response = signed_in(alice).post("/account/tokens/new/", {"name": "  "})

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_no_one_revokes_another_users_token(alice, bob, beta):
    bobs = issue_token(bob, beta, "bob's")

    signed_in(alice).post("/account/tokens/revoke/", {"token": bobs.token.pk})

    assert with_key(bobs.key, "b.test").get(MINE).status_code == 200


def test_the_token_page_is_for_members_only(alpha, bob):
    assert Client(HTTP_HOST="a.test").get("/account/tokens/").status_code == 302
    assert signed_in(bob).get("/account/tokens/").status_code == 302


def test_a_password_change_revokes_every_token(alice, alpha, beta):
    Membership.objects.create(tenant=beta, user=alice)
    keys = [issue_token(alice, alpha, "a").key, issue_token(alice, beta, "b").key]

    response = signed_in(alice).post(
        "/account/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "n3w-Passw0rd!x",
            "new_password2": "n3w-Passw0rd!x",
        },
    )

    assert response.status_code == 302
    assert with_key(keys[0], "a.test").get(MINE).status_code == 401
    assert with_key(keys[1], "b.test").get(MINE).status_code == 401


def test_a_password_reset_revokes_every_token(alice, alpha):
    key = issue_token(alice, alpha, "a").key
    client = Client(HTTP_HOST="a.test")
    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    form = client.get(
        f"/account/password/reset/{uid}/{default_token_generator.make_token(alice)}/", follow=True
    )

    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "n3w-Passw0rd!x", "new_password2": "n3w-Passw0rd!x"},
    )

    assert done.status_code == 302
    assert with_key(key).get(MINE).status_code == 401


def test_signing_in_keeps_the_tokens(alice, alpha):
    key = issue_token(alice, alpha, "a").key

    Client(HTTP_HOST="a.test").post("/account/login/", {"username": "alice", "password": PASSWORD})

    assert with_key(key).get(MINE).status_code == 200
