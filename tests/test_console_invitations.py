"""The console's Invitations page (console/people/invitations.py): the site's invitations
with their state; a shareable link shown once; a mail invitation; "expire now"; no
invitations while sign-up is closed or the site is full, with the reason; another site's
invitations answer 404."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tenants import inviting
from tenants.models import Invitation, SitePlan
from tests.support.billing_rows import signed_in

pytestmark = pytest.mark.django_db

PAGE = "/console/invitations/"
LINK = {"action": "link", "link-role": "viewer", "link-days": "3", "link-uses": "5"}
MAIL = {"action": "mail", "mail-email": "Carol@Example.com", "mail-role": "admin", "mail-days": "2"}


def shown_link(page: str) -> str:
    found = re.search(r'value="(http://a\.test/account/invite/[^"]+/)"', page)
    assert found, "no link shown"
    return found.group(1)


def test_a_shareable_link_is_made_and_shown_once(alpha, alpha_admin):
    client = signed_in(alpha_admin)

    answer = client.post(PAGE, LINK)
    first = client.get(PAGE).content.decode()
    again = client.get(PAGE).content.decode()

    invitation = Invitation.objects.get()
    assert answer.status_code == 302
    assert (invitation.kind, invitation.role, invitation.max_uses) == ("link", "viewer", 5)
    assert invitation.expires_at - timezone.now() > timedelta(days=2, hours=23)
    assert invitation.created_by == alpha_admin
    link = shown_link(first)
    assert "/account/invite/" not in again
    assert "Active" in again
    assert "0 of 5" in again
    assert client.get(link.removeprefix("http://a.test")).status_code == 200


def test_a_mail_invitation_is_sent_to_its_address(alpha, alpha_admin):
    answer = signed_in(alpha_admin).post(PAGE, MAIL)

    invitation = Invitation.objects.get()
    assert answer.status_code == 302
    assert (invitation.kind, invitation.role) == ("mail", "admin")
    assert invitation.email == "carol@example.com"
    assert invitation.max_uses == 1
    assert [m.to for m in mail.outbox] == [["carol@example.com"]]
    assert "/account/invite/" in mail.outbox[0].body


def test_a_member_is_not_invited_again(alpha, alice, alpha_admin):
    answer = signed_in(alpha_admin).post(PAGE, {**MAIL, "mail-email": "ALICE@example.com"})

    assert answer.status_code == 400
    assert "is a member already" in answer.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"link-days": "0"},
        {"link-days": "²"},
        {"link-days": "9" * 40},
        {"link-uses": "-1"},
        {"link-uses": "1001"},
        {"link-role": "owner"},
    ],
)
def test_bad_link_values_are_form_errors(alpha, alpha_admin, bad):
    answer = signed_in(alpha_admin).post(PAGE, {**LINK, **bad})

    assert answer.status_code == 400
    assert 'class="field-errors"' in answer.content.decode()
    assert not Invitation.objects.exists()


def test_a_closed_site_takes_no_invitations_and_says_why(alpha, alpha_admin):
    alpha.signup_mode = "closed"
    alpha.save(update_fields=["signup_mode"])
    client = signed_in(alpha_admin)

    page = client.get(PAGE).content.decode()
    answer = client.post(PAGE, LINK)

    assert "Sign-up on Alpha is closed" in page
    assert 'name="action"' not in page
    assert answer.status_code == 400
    assert not Invitation.objects.exists()


def test_a_full_site_takes_no_invitations_and_says_why(alpha, alice, alpha_admin):
    alpha.plan = SitePlan.objects.create(name="Two", max_members=2)
    alpha.save(update_fields=["plan"])
    client = signed_in(alpha_admin)

    page = client.get(PAGE).content.decode()
    answer = client.post(PAGE, MAIL)

    assert "Alpha is full: it has as many members as its plan allows." in page
    assert answer.status_code == 400
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_the_room_left_under_the_cap_is_shown(alpha, alice, alpha_admin):
    alpha.plan = SitePlan.objects.create(name="Five", max_members=5)
    alpha.save(update_fields=["plan"])

    page = signed_in(alpha_admin).get(PAGE).content.decode()

    assert "Room for 3 more members within the site plan's cap of 5." in page


def test_expire_now_ends_the_link(alpha, alpha_admin, on_alpha):
    invitation, token = inviting.issue(alpha, max_uses=3)
    client = signed_in(alpha_admin)

    answer = client.post(f"{PAGE}{invitation.pk}/expire/")

    invitation.refresh_from_db()
    assert answer.status_code == 302
    assert invitation.is_expired
    assert "Expired" in client.get(PAGE).content.decode()
    assert on_alpha.get(inviting.accept_path(token)).status_code == 410


def test_used_up_and_expired_invitations_show_their_state(alpha, alpha_admin):
    used, _ = inviting.issue(alpha, max_uses=1)
    Invitation.objects.filter(pk=used.pk).update(uses=1)
    inviting.issue(alpha, expires_at=timezone.now() - timedelta(days=1))

    page = signed_in(alpha_admin).get(PAGE).content.decode()

    assert "Used up" in page
    assert "Expired" in page
    assert "Expire now" not in page


def test_another_sites_invitation_answers_404(alpha, beta, alpha_admin, beta_admin):
    theirs, _ = inviting.issue(beta)
    ours, _ = inviting.issue(alpha)

    assert signed_in(alpha_admin).post(f"{PAGE}{theirs.pk}/expire/").status_code == 404
    assert signed_in(beta_admin, "b.test").post(f"{PAGE}{ours.pk}/expire/").status_code == 404
    assert not Invitation.objects.get(pk=theirs.pk).is_expired
    assert not Invitation.objects.get(pk=ours.pk).is_expired


def test_the_list_shows_this_sites_invitations_only(alpha, beta, alpha_admin):
    inviting.issue(beta, kind="mail", email="someone@beta.example")
    inviting.issue(alpha, kind="mail", email="someone@alpha.example")

    page = signed_in(alpha_admin).get(PAGE).content.decode()

    assert "someone@alpha.example" in page
    assert "someone@beta.example" not in page
