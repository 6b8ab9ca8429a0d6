"""The account's Stremio tab (/account/stremio/): make an addon (its URL shown once, with an
"Install in Stremio" button), list and revoke them; members only, CSRF on every POST, and
last_used_at written at most once a minute."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from stremio import tokens
from stremio.models import AddonToken
from tests.factories import make_member

pytestmark = pytest.mark.django_db

PAGE = "/account/stremio/"
ADDON_URL = re.compile(r'value="(http://a\.test/stremio/(st_[A-Za-z0-9_-]{43})/manifest\.json)"')


@pytest.fixture
def member(on_alpha, alice) -> Client:
    on_alpha.force_login(alice)
    return on_alpha


def test_the_tab_is_on_the_account_pages(member):
    page = member.get("/account/").content.decode()

    assert f'href="{PAGE}"' in page


def test_making_an_addon_shows_its_url_and_the_install_button_once(member, alice, alpha):
    answer = member.post(f"{PAGE}new/", {"name": "My phone"})

    assert answer.status_code == 200
    assert answer["Cache-Control"].startswith("max-age=0")
    html = answer.content.decode()
    url, secret = ADDON_URL.search(html).groups()
    assert f'href="stremio://a.test/stremio/{secret}/manifest.json"' in html
    assert "Install in Stremio" in html
    token = AddonToken.objects.get(user=alice, tenant=alpha)
    assert token.name == "My phone"
    assert secret not in token.digest  # only the digest is kept
    assert member.get(url).status_code == 200  # the addon answers
    assert secret not in member.get(PAGE).content.decode()  # and the page never shows it again


def test_the_list_names_each_addon_and_when_it_was_last_used(member, alice, alpha):
    tokens.issue(alice, alpha, "TV")

    html = member.get(PAGE).content.decode()

    assert "TV" in html
    assert "never" in html


def test_a_name_is_required(member):
    answer = member.post(f"{PAGE}new/", {"name": "   "})

    assert answer.status_code == 400
    assert not AddonToken.objects.exists()


def test_revoking_ends_the_addon_url(member, alice, alpha):
    issued = tokens.issue(alice, alpha, "TV")

    answer = member.post(f"{PAGE}revoke/", {"token": issued.token.pk}, follow=True)

    assert "is revoked" in answer.content.decode()
    assert (
        Client(HTTP_HOST="a.test").get(f"/stremio/{issued.secret}/manifest.json").status_code == 401
    )


def test_a_new_password_ends_every_addon_url_of_the_user(alice, alpha, beta):
    here = tokens.issue(alice, alpha, "TV")
    there = AddonToken.objects.create(tenant=beta, user=alice, name="Beta TV", digest="b" * 64)

    alice.set_password("a new password for alice 7")
    alice.save()

    assert AddonToken.objects.get(pk=here.token.pk).revoked_at is not None
    assert AddonToken.objects.get(pk=there.pk).revoked_at is not None
    assert (
        Client(HTTP_HOST="a.test").get(f"/stremio/{here.secret}/manifest.json").status_code == 401
    )


def test_signing_in_again_revokes_nothing(alice, alpha):
    issued = tokens.issue(alice, alpha, "TV")
    alice.last_login = datetime.now(UTC)
    alice.save()  # what a sign-in saves (no new password)

    assert AddonToken.objects.get(pk=issued.token.pk).revoked_at is None


def test_another_members_addon_cannot_be_revoked(member, alpha):
    other = make_member("otto", alpha)
    theirs = tokens.issue(other, alpha, "Otto's TV")

    answer = member.post(f"{PAGE}revoke/", {"token": theirs.token.pk}, follow=True)

    assert "not one of yours" in answer.content.decode()
    assert AddonToken.objects.get(pk=theirs.token.pk).revoked_at is None


@pytest.mark.parametrize("value", ["", "x", "-1", "²", str(2**64)])
def test_a_bad_id_to_revoke_is_a_message_not_an_error(member, value):
    answer = member.post(f"{PAGE}revoke/", {"token": value}, follow=True)

    assert answer.status_code == 200
    assert "not one of yours" in answer.content.decode()


def test_visitors_are_sent_to_sign_in(on_alpha):
    assert on_alpha.get(PAGE).status_code == 302
    assert on_alpha.post(f"{PAGE}new/", {"name": "x"}).status_code == 302
    assert not AddonToken.objects.exists()


def test_posts_need_the_csrf_token(alice):
    client = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post(f"{PAGE}new/", {"name": "x"}).status_code == 403
    assert not AddonToken.objects.exists()


def test_a_cap_on_live_addons_per_member(member, alice, alpha):
    for n in range(tokens.MAX_LIVE):
        tokens.issue(alice, alpha, f"device {n}")

    answer = member.post(f"{PAGE}new/", {"name": "one more"})

    assert answer.status_code == 400
    assert "revoke one first" in answer.content.decode()


def test_last_used_is_written_at_most_once_a_minute(alice, alpha):
    issued = tokens.issue(alice, alpha, "TV")
    client = Client(HTTP_HOST="a.test")
    manifest = f"/stremio/{issued.secret}/manifest.json"
    start = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)

    with time_machine.travel(start, tick=False):
        client.get(manifest)
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        client.get(manifest)
        assert AddonToken.objects.get().last_used_at == start
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        client.get(manifest)

    assert AddonToken.objects.get().last_used_at == start + timedelta(seconds=61)


def test_the_page_with_a_new_addon_shows_no_template_syntax(member):
    # The walk of tests/test_templates_render_clean.py GETs the tab; the part shown once
    # after a POST is checked here.
    html = member.post(f"{PAGE}new/", {"name": "TV"}).content

    assert not re.search(rb"\{#|\{%|\{\{", html)
