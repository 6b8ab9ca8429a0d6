"""Starting a watch party from the player, and its invite link (parties.views): members of
the site only, another site's party is a 404, and the invite opens the watch page in party
mode with the member's own signed links."""

from __future__ import annotations

import pytest
from django.test import Client

from parties.models import WatchParty
from streaming.models import TitleHiding
from tests.factories import make_member
from tests.support.party_sockets import film_party
from tests.support.sweep_support import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def party(alpha, alice) -> WatchParty:
    return film_party(alpha, alice)


def post_start(client: Client, media_id: int, **data) -> object:
    return client.post(f"/party/start/{media_id}/", {"csrfmiddlewaretoken": client.csrf, **data})


def test_the_watch_page_offers_a_member_to_watch_together(alpha, alice, party):
    page = signed_in_client(alice, "a.test").get(f"/watch/{party.media_id}/")
    assert page.status_code == 200
    config = page.context["player_config"]["party"]
    assert config == {"startUrl": f"/party/start/{party.media_id}/", "party": None}
    assert b"Watch together" in page.content


def test_a_member_starts_a_party_and_is_sent_to_its_invite_link(alpha, alice, party):
    client = signed_in_client(alice, "a.test")
    answer = post_start(client, party.media_id, control="anyone")
    started = WatchParty.objects.exclude(pk=party.pk).get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/party/{started.code}/"
    assert (started.tenant, started.host, started.media_id) == (alpha, alice, party.media_id)
    assert started.control == "anyone"


def test_starting_needs_the_csrf_token_a_post_and_a_known_control_mode(alpha, alice, party):
    client = signed_in_client(alice, "a.test")
    assert client.post(f"/party/start/{party.media_id}/").status_code == 403
    assert client.get(f"/party/start/{party.media_id}/").status_code == 405
    answer = post_start(client, party.media_id, control="everyone-and-their-dog")
    assert answer.status_code == 400
    assert "host or anyone" in answer.json()["detail"]
    assert WatchParty.objects.count() == 1


def test_a_visitor_is_sent_to_sign_in_and_a_hidden_film_is_a_404(alpha, alice, party):
    answer = post_start(signed_in_client(None, "a.test"), party.media_id)
    assert answer.status_code == 302
    assert "login" in answer["Location"]
    TitleHiding.objects.create(tenant=alpha, title=party.media.title)
    assert post_start(signed_in_client(alice, "a.test"), party.media_id).status_code == 404


def test_the_invite_link_is_the_watch_page_in_party_mode(alpha, alice, party):
    page = signed_in_client(alice, "a.test").get(f"/party/{party.code}/")
    assert page.status_code == 200
    config = page.context["player_config"]
    assert config["party"]["party"] == {
        "code": party.code,
        "socketPath": f"/party/ws/{party.code}/",
        "inviteUrl": f"http://a.test/party/{party.code}/",
        "isHost": True,
        "mayControl": True,
        "control": "host",
    }
    # The member's own signed link, as for solo viewing: the party shares no links.
    assert config["src"].startswith("/media/")
    assert b"Invite link" in page.content
    assert b"{%" not in page.content  # the party-mode section renders clean
    assert b"{{" not in page.content


def test_a_guest_in_a_host_only_party_may_not_control(alpha, alice, party):
    carol = make_member("carol", alpha)
    page = signed_in_client(carol, "a.test").get(f"/party/{party.code}/")
    assert page.context["player_config"]["party"]["party"]["mayControl"] is False
    assert b"The host controls playback." in page.content


def test_the_invite_link_sends_visitors_and_other_sites_members_to_sign_in(beta, bob, party):
    for user in (None, bob):  # bob is a member of Beta only: anonymous on Alpha
        answer = signed_in_client(user, "a.test").get(f"/party/{party.code}/")
        assert answer.status_code == 302
        assert "login" in answer["Location"]
        assert f"next=/party/{party.code}/" in answer["Location"]


def test_another_sites_party_and_an_unknown_code_are_404(alpha, beta, alice, bob):
    theirs = film_party(beta, bob)
    client = signed_in_client(alice, "a.test")
    assert client.get(f"/party/{theirs.code}/").status_code == 404
    assert client.get("/party/" + "x" * 22 + "/").status_code == 404
    assert client.get("/party/ws/").status_code == 404


def test_an_ended_party_is_404(alpha, alice, party):
    party.end()
    assert signed_in_client(alice, "a.test").get(f"/party/{party.code}/").status_code == 404
