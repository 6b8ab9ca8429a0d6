"""Sign-up answers the same for a new account, a known address and a taken username; the mail
says which (accounts are shared by the operator's sites, so a visitor must not learn from the
page that an address or a name is registered on another site)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from tenants.models import PendingSignup
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

User = get_user_model()


def signup(client, username="carol", email="carol@example.com"):
    return client.post(
        "/account/signup/",
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def page_text(response, *private: str) -> str:
    """The page with the submitted name and address blanked: what it says about the case."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    for word in sorted(private, key=len, reverse=True):  # the address before the name in it
        text = text.replace(word, "•")
    return text


def the_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/account/signup/confirm/[^\s]+/)", message.body)[1]


def test_a_new_account_is_made_when_the_mailed_link_is_confirmed(on_alpha, beta):
    answer = signup(on_alpha)

    assert answer.status_code == 200
    assert "Check your mail" in answer.content.decode()
    assert not User.objects.filter(username="carol").exists()
    [message] = mail.outbox
    assert message.to == ["carol@example.com"]
    assert "http://a.test/account/signup/confirm/" in message.body
    link = the_link(message)
    assert "Create my account" in on_alpha.get(link).content.decode()  # a GET confirms nothing
    assert not User.objects.filter(username="carol").exists()

    confirmed = on_alpha.post(link)

    carol = User.objects.get(username="carol")
    assert confirmed.status_code == 302
    assert carol.check_password(PASSWORD)
    assert [(m.tenant.name, m.role) for m in carol.memberships.all()] == [("Alpha", "viewer")]
    assert on_alpha.get("/").context["user"] == carol
    assert on_alpha.post(link).status_code == 404  # once


def test_a_known_address_gets_the_same_page_and_a_mail_saying_sign_in_to_join(
    on_alpha, on_beta, bob
):
    new = signup(on_alpha, "carol", "carol@example.com")
    known = signup(on_alpha, "someone", "bob@example.com")

    assert known.status_code == new.status_code == 200
    assert page_text(known, "someone", "bob@example.com") == page_text(
        new, "carol", "carol@example.com"
    )
    message = mail.outbox[-1]
    assert message.to == ["bob@example.com"]
    assert "You already have an account" in message.subject
    assert '"bob"' in message.body
    assert "http://a.test/account/login/" in message.body
    assert "/account/signup/confirm/" not in message.body
    assert User.objects.filter(email__iexact="bob@example.com").count() == 1
    assert not PendingSignup.objects.filter(email="bob@example.com").exists()


def test_a_taken_username_with_a_new_address_gets_the_same_page_and_a_mail_to_choose_another(
    on_alpha, bob
):
    new = signup(on_alpha, "carol", "carol@example.com")
    taken = signup(on_alpha, "BOB", "robert@example.com")

    assert page_text(taken, "BOB", "robert@example.com") == page_text(
        new, "carol", "carol@example.com"
    )
    message = mail.outbox[-1]
    assert message.to == ["robert@example.com"]
    assert "Choose another username" in message.subject
    assert "That username is taken" in message.body
    assert "/account/signup/confirm/" not in message.body
    assert not User.objects.filter(email="robert@example.com").exists()


def test_the_form_never_says_a_name_or_address_exists(on_alpha, bob):
    for username, email in [("bob", "x@example.com"), ("x", "bob@example.com")]:
        body = signup(on_alpha, username, email).content.decode()
        assert "already exists" not in body
        assert "Check your mail" in body


def test_a_name_taken_between_the_mail_and_the_click_is_refused_clearly(on_alpha, beta):
    signup(on_alpha, "carol", "carol@example.com")
    link = the_link(mail.outbox[-1])
    User.objects.create_user("Carol", "other@example.com", PASSWORD)

    answer = on_alpha.post(link)

    assert answer.status_code == 409
    assert "Choose another username" in answer.content.decode()
    assert User.objects.filter(username__iexact="carol").count() == 1


def test_a_link_works_only_on_the_site_that_sent_it(on_alpha, on_beta):
    signup(on_alpha)
    link = the_link(mail.outbox[-1])

    assert on_beta.post(link).status_code == 404
    assert not User.objects.filter(username="carol").exists()


def test_an_old_link_has_expired(on_alpha, time_machine):
    time_machine.move_to(timezone.now(), tick=True)
    signup(on_alpha)
    link = the_link(mail.outbox[-1])

    time_machine.shift(PendingSignup.LIFETIME_HOURS * 3600 + 60)

    assert on_alpha.post(link).status_code == 404
    assert not PendingSignup.objects.exists()


def test_nothing_is_reserved_before_the_link_is_followed(on_alpha, on_beta):
    signup(on_alpha, "carol", "carol@example.com")  # a squatter who cannot read that mailbox

    signup(on_beta, "carol2", "carol@example.com")
    on_beta.post(the_link(mail.outbox[-1]))

    assert User.objects.get(email="carol@example.com").username == "carol2"


SYNTAX = re.compile(r"\{#|\{%|\{\{|#\}|%\}|\}\}")


def test_the_pages_and_mails_show_no_template_syntax(on_alpha, bob):
    pages = [signup(on_alpha, "carol", "carol@example.com")]
    pages.append(signup(on_alpha, "x", "bob@example.com"))
    pages.append(signup(on_alpha, "bob", "new@example.com"))
    link = the_link(mail.outbox[0])
    pages.append(on_alpha.get(link))
    User.objects.create_user("carol", "c2@example.com", PASSWORD)
    pages.append(on_alpha.post(link))  # taken meanwhile
    pages.append(on_alpha.get(link))  # used: unknown
    texts = [p.content.decode() for p in pages]
    texts += [part for m in mail.outbox for part in (m.subject, m.body)]

    assert [p.status_code for p in pages] == [200, 200, 200, 200, 409, 404]
    assert len(mail.outbox) == 3
    assert [SYNTAX.search(text) for text in texts] == [None] * len(texts)
