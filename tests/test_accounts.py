"""Sign up, sign in and out, password change and reset, each on the request's site."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from tenants.models import Membership
from tests.factories import PASSWORD

NEW_PASSWORD = "a fresh and long passphrase 42"


def signup(client, username="carol", email="carol@example.com"):
    return client.post(
        "/account/signup/",
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def test_signing_up_makes_a_viewer_of_this_site_only(on_alpha, beta):
    response = signup(on_alpha)
    # The account is made when the mailed link is confirmed (test_signup_reveals_no_account.py).
    link = re.search(r"http://a\.test(/account/signup/confirm/\S+/)", mail.outbox[-1].body)[1]
    confirmed = on_alpha.post(link)

    carol = get_user_model().objects.get(username="carol")
    assert response.status_code == 200
    assert confirmed.status_code == 302
    assert [(m.tenant.name, m.role) for m in carol.memberships.all()] == [("Alpha", "viewer")]
    assert on_alpha.get("/").context["user"] == carol


def test_sign_up_is_refused_where_the_site_closed_it(on_alpha, alpha):
    alpha.signup_mode = "invitation"
    alpha.save(update_fields=["signup_mode"])

    response = signup(on_alpha)

    assert response.status_code == 403
    assert b"Sign-up is closed" in response.content
    assert not get_user_model().objects.filter(username="carol").exists()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        # A taken username or address is not a form error: the mail says so
        # (tests/test_signup_reveals_no_account.py).
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"password2": "different"}, "The two password fields"),
    ],
)
def test_sign_up_mistakes_are_shown_on_the_form(on_alpha, alice, fields, error):
    data = {
        "username": "carol",
        "email": "carol@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **fields,
    }

    response = on_alpha.post("/account/signup/", data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert get_user_model().objects.count() == 1


def test_a_member_signs_in_on_their_site(on_alpha, alice):
    response = on_alpha.post("/account/login/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert on_alpha.get("/").context["user"] == alice


def test_a_member_of_another_site_is_not_signed_in_here_before_joining(on_beta, alice):
    response = on_beta.post("/account/login/", {"username": "alice", "password": PASSWORD})
    wrong = on_beta.post("/account/login/", {"username": "alice", "password": "wrong"})

    # The right password offers to join (tests/test_joining_another_site.py); a wrong one
    # says only that, as for any account.
    assert response["Location"] == "/account/join/"
    assert not on_beta.get("/").context["user"].is_authenticated
    assert "Please enter a correct username and password" in wrong.content.decode()


def test_an_operator_signs_in_on_any_site(on_beta, olivia):
    response = on_beta.post("/account/login/", {"username": "olivia", "password": PASSWORD})

    assert response.status_code == 302


def test_a_session_from_one_site_counts_for_nothing_on_another(alpha, beta, alice, client):
    client.post("/account/login/", {"username": "alice", "password": PASSWORD}, HTTP_HOST="a.test")

    on_alpha = client.get("/", HTTP_HOST="a.test")
    on_beta = client.get("/", HTTP_HOST="b.test")

    assert on_alpha.context["user"] == alice
    assert not on_beta.context["user"].is_authenticated


def test_removing_a_membership_signs_the_user_out_of_that_site(on_alpha, alice):
    on_alpha.force_login(alice)
    Membership.objects.filter(user=alice).delete()

    assert not on_alpha.get("/").context["user"].is_authenticated


def test_signing_out_needs_a_post(on_alpha, alice):
    on_alpha.force_login(alice)

    assert on_alpha.get("/account/logout/").status_code == 405
    on_alpha.post("/account/logout/")
    assert not on_alpha.get("/").context["user"].is_authenticated


def test_a_member_changes_their_password(on_alpha, alice):
    on_alpha.force_login(alice)

    response = on_alpha.post(
        "/account/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    alice.refresh_from_db()
    assert response.status_code == 302
    assert alice.check_password(NEW_PASSWORD)


def test_password_reset_mails_a_link_that_sets_a_new_password(on_alpha, alice):
    on_alpha.post("/account/password/reset/", {"email": "alice@example.com"})

    assert len(mail.outbox) == 1
    link = re.search(r"http://a\.test(/account/password/reset/\S+/)", mail.outbox[0].body)[1]
    form_url = on_alpha.get(link)["Location"]
    on_alpha.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)


def test_password_reset_from_another_site_sends_nothing(on_beta, alice):
    response = on_beta.post("/account/password/reset/", {"email": "alice@example.com"})

    assert response.status_code == 302  # same answer as for a member: nothing revealed
    assert mail.outbox == []


def test_account_pages_need_csrf_tokens(alpha, alice):
    client = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)

    response = client.post("/account/login/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 403
