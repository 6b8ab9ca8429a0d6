"""Invitations: a shareable link (expiry, uses) or a mail to one address (single use), made by
a site's admins in the admin, accepted by a new account or an existing one.

alice is a viewer of Alpha (a.test), bob of Beta (b.test); each site has its admin.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from tenants import inviting
from tenants.models import Invitation, Membership, SitePlan, Tenant
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def admin_client(user, host: str) -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def new_account(username: str = "newcomer", email: str = "newcomer@example.com") -> dict:
    return {
        "action": "create",
        "new-username": username,
        "new-email": email,
        "new-password1": "a long enough passphrase 42",
        "new-password2": "a long enough passphrase 42",
    }


def link(site: Tenant, **fields) -> str:
    _, token = inviting.issue(site, **fields)
    return f"/account/invite/{token}/"


def test_a_new_account_joins_through_a_link_and_is_signed_in(alpha):
    client = Client(HTTP_HOST="a.test")
    url = link(alpha, max_uses=5)

    assert client.get(url).status_code == 200
    answer = client.post(url, new_account())

    assert answer.status_code == 302
    user = get_user_model().objects.get(username="newcomer")
    assert Membership.objects.get(user=user, tenant=alpha).role == Membership.Role.VIEWER
    assert client.get("/").context["user"] == user
    assert Invitation.objects.get().uses == 1


def test_an_existing_account_of_another_site_joins_by_signing_in(alpha, bob, beta):
    beta.signup_mode = "closed"  # bob's own site's mode does not matter
    beta.save(update_fields=["signup_mode"])
    alpha.signup_mode = "invitation"
    alpha.save(update_fields=["signup_mode"])
    client = Client(HTTP_HOST="a.test")
    url = link(alpha)

    answer = client.post(url, {"action": "sign-in", "in-username": "bob", "in-password": PASSWORD})

    assert answer.status_code == 302
    assert Membership.objects.filter(user=bob).count() == 2
    assert client.get("/").context["user"] == bob


def test_a_wrong_password_joins_nobody_and_uses_nothing(alpha, bob):
    client = Client(HTTP_HOST="a.test")
    url = link(alpha)

    answer = client.post(url, {"action": "sign-in", "in-username": "bob", "in-password": "no"})

    assert answer.status_code == 400
    assert "do not match" in answer.content.decode()
    assert not Membership.objects.filter(user=bob, tenant=alpha).exists()
    assert Invitation.objects.get().uses == 0


def test_a_link_admits_as_many_people_as_it_allows_then_says_so(alpha):
    url = link(alpha, max_uses=2)
    for name in ("one", "two"):
        answer = Client(HTTP_HOST="a.test").post(url, new_account(name, f"{name}@example.com"))
        assert answer.status_code == 302

    third = Client(HTTP_HOST="a.test").post(url, new_account("three", "three@example.com"))

    assert third.status_code == 410
    assert "used as many times" in third.content.decode()
    assert not get_user_model().objects.filter(username="three").exists()


def test_an_expired_invitation_is_a_clear_error(alpha):
    url = link(alpha, expires_at=timezone.now() - timedelta(minutes=1))

    answer = Client(HTTP_HOST="a.test").get(url)

    assert answer.status_code == 410
    assert "expired" in answer.content.decode()


def test_another_sites_invitation_does_not_work_here(alpha, beta):
    url = link(beta)

    answer = Client(HTTP_HOST="a.test").post(url, new_account())

    assert answer.status_code == 404
    assert "not valid here" in answer.content.decode()
    assert not get_user_model().objects.filter(username="newcomer").exists()


@pytest.mark.parametrize("token", ["x", "0" * 300, "%00", "ünïcode", "../../etc"])
def test_junk_tokens_answer_a_4xx(alpha, token):
    answer = Client(HTTP_HOST="a.test").get(f"/account/invite/{token}/")

    assert answer.status_code in {400, 404}  # a NUL byte is refused before any view


def test_a_closed_site_takes_no_invitations(alpha):
    url = link(alpha)
    alpha.signup_mode = "closed"
    alpha.save(update_fields=["signup_mode"])

    answer = Client(HTTP_HOST="a.test").post(url, new_account())

    assert answer.status_code == 410
    assert "not taking new members" in answer.content.decode()


def test_the_member_cap_applies_to_invitations(alpha, alice):
    alpha.plan = SitePlan.objects.create(name="Tiny", max_members=1)
    alpha.save(update_fields=["plan"])
    url = link(alpha)

    answer = Client(HTTP_HOST="a.test").post(url, new_account())

    assert answer.status_code == 410
    assert "full" in answer.content.decode()
    assert not get_user_model().objects.filter(username="newcomer").exists()
    assert Invitation.objects.get().uses == 0


def test_a_taken_username_is_a_form_error_not_a_500(alpha, bob):
    answer = Client(HTTP_HOST="a.test").post(link(alpha), new_account("bob", "other@example.com"))

    assert answer.status_code == 409
    assert "sign in with it" in answer.content.decode()


def test_a_mail_invitation_gives_the_invited_address_and_works_once(alpha):
    invitation, token = inviting.issue(alpha, kind="mail", email="Guest@Example.com", max_uses=9)
    url = f"/account/invite/{token}/"

    first = Client(HTTP_HOST="a.test").post(url, new_account("guest", "typed@example.com"))
    again = Client(HTTP_HOST="a.test").post(url, new_account("guest2", "g2@example.com"))

    assert first.status_code == 302
    assert get_user_model().objects.get(username="guest").email == "guest@example.com"
    assert again.status_code == 410
    invitation.refresh_from_db()
    assert (invitation.max_uses, invitation.uses) == (1, 1)


def test_a_site_admin_mails_an_invitation_from_the_admin(alpha, alpha_admin):
    client = admin_client(alpha_admin, "a.test")
    form = {
        "kind": "mail",
        "email": "friend@example.com",
        "role": "viewer",
        "max_uses": "1",
        "expires_at_0": (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%d"),
        "expires_at_1": "12:00:00",
    }

    answer = client.post("/admin/tenants/invitation/add/", form)

    assert answer.status_code == 302, answer.content.decode()[:3000]
    invitation = Invitation.objects.get()
    assert (invitation.tenant, invitation.created_by) == (alpha, alpha_admin)
    (sent,) = mail.outbox
    assert sent.to == ["friend@example.com"]
    url = re.search(r"http://a\.test(/account/invite/[^/\s]+/)", sent.body).group(1)
    page = Client(HTTP_HOST="a.test").get(url)
    assert page.status_code == 200
    for text in (sent.subject, sent.body, page.content.decode()):
        assert not re.search(r"\{#|\{%|\{\{", text)  # no template syntax shows


def test_a_link_invitation_is_shown_once_in_the_admin(alpha, alpha_admin):
    client = admin_client(alpha_admin, "a.test")
    form = {
        "kind": "link",
        "role": "viewer",
        "max_uses": "3",
        "expires_at_0": (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%d"),
        "expires_at_1": "12:00:00",
    }

    answer = client.post("/admin/tenants/invitation/add/", form, follow=True)

    shown = re.search(r"http://a\.test(/account/invite/[^/\s<]+/)", answer.content.decode())
    assert shown is not None
    assert Client(HTTP_HOST="a.test").get(shown.group(1)).status_code == 200


def test_a_mail_invitation_without_an_address_is_a_form_error(alpha, alpha_admin):
    form = {"kind": "mail", "role": "viewer", "max_uses": "1"}
    form |= {"expires_at_0": "2099-01-01", "expires_at_1": "12:00:00"}

    answer = admin_client(alpha_admin, "a.test").post("/admin/tenants/invitation/add/", form)

    assert answer.status_code == 200
    assert "needs the address" in answer.content.decode()
    assert not Invitation.objects.exists()


def test_a_site_admin_sees_and_changes_only_their_own_sites_invitations(
    alpha, beta, alpha_admin, beta_admin
):
    inviting.issue(alpha, kind="mail", email="for-alpha@example.com")
    theirs, _ = inviting.issue(beta, kind="mail", email="for-beta@example.com")
    client = admin_client(alpha_admin, "a.test")

    listed = client.get("/admin/tenants/invitation/").content.decode()

    assert "for-alpha@example.com" in listed
    assert "for-beta@example.com" not in listed
    assert client.get(f"/admin/tenants/invitation/{theirs.pk}/change/").status_code in {302, 404}
    client.post(f"/admin/tenants/invitation/{theirs.pk}/delete/", {"post": "yes"})
    assert Invitation.objects.filter(pk=theirs.pk).exists()


def test_a_viewer_cannot_open_the_invitations_admin(alpha, alice):
    answer = admin_client(alice, "a.test").get("/admin/tenants/invitation/")

    assert answer.status_code == 302
    assert "/admin/login/" in answer["Location"]


def test_the_invitation_page_runs_a_fixed_number_of_queries(alpha, django_assert_num_queries):
    url = link(alpha, max_uses=50)
    client = Client(HTTP_HOST="a.test")
    for name in ("one", "two", "three"):  # uses and members do not add queries
        Client(HTTP_HOST="a.test").post(url, new_account(name, f"{name}@example.com"))

    # The site by hostname, the invitation.
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200
