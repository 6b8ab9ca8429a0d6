"""Concurrent streams counted from player heartbeats (streaming.stream_limits), through the
site's calls, on both stores: the database and a real Redis (REDIS_TEST_URL, db 15, keys
under a prefix of the test's own). Alpha's plan caps streams; Beta plays beside it."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from streaming.stream_limits import admission
from streaming.stream_limits.store import Caps
from tenants.models import Membership, SitePlan
from tests.factories import make_member, publish_film
from tests.support.progressive_rows import progressive_film

pytestmark = pytest.mark.django_db

PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"
)
LAPTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
TABLET = (
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Safari/604.1"
)
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


@pytest.fixture(params=["database", "redis"])
def store(request, settings) -> str:
    settings.STREAM_LIMITS_STORE = request.param
    if request.param == "redis":
        settings.REDIS_URL = request.getfixturevalue("redis_url")
        settings.STREAM_LIMITS_KEY_PREFIX = f"test-streams:{uuid.uuid4()}"
    return request.param


def plan(site, per_viewer=None, per_site=None) -> SitePlan:
    site.plan = SitePlan.objects.create(
        name=f"{site.slug} {per_viewer}/{per_site}",
        streams_per_viewer=per_viewer,
        streams_per_site=per_site,
    )
    site.save(update_fields=["plan"])
    return site.plan


@pytest.fixture
def film(alpha):
    return publish_film(name="Heat")


def viewer(user, host="a.test") -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def start(client, media, device=PHONE, body="", **extra):
    return client.post(
        f"/watch/{media.pk}/start/",
        data=body,
        content_type="application/json",
        HTTP_USER_AGENT=device,
        **extra,
    )


def beat(client, session_id):
    return client.post(f"/streams/{session_id}/beat/")


def test_a_fourth_stream_past_a_cap_of_three_is_refused_naming_the_other_devices(
    store, alpha, alice, film
):
    plan(alpha, per_viewer=3)
    alices = viewer(alice)
    for device in (PHONE, LAPTOP, TABLET):
        answer = start(alices, film, device)
        assert answer.status_code == 200
        assert answer.json()["session"]
        assert answer.json()["src"].startswith("/media/")

    refused = start(alices, film, DESKTOP)

    assert refused.status_code == 409
    body = refused.json()
    assert body["detail"].startswith("You are already watching on 3 devices, your plan allows 3.")
    assert [s["device"] for s in body["sessions"]] == [
        "Chrome on Android",
        "Firefox on Windows",
        "Safari on iPad",
    ]
    assert {s["title"] for s in body["sessions"]} == {"Heat"}
    assert all(s["since"].startswith("since ") for s in body["sessions"])
    assert "src" not in body


def test_the_site_cap_counts_every_viewer_and_a_viewer_sees_only_their_own(
    store, alpha, alice, film
):
    plan(alpha, per_viewer=3, per_site=2)
    carol = make_member("carol", alpha)
    dave = make_member("dave", alpha)
    assert start(viewer(alice), film).status_code == 200
    assert start(viewer(carol), film, LAPTOP).status_code == 200

    refused = start(viewer(dave), film)

    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "Alpha allows 2 streams at once, and all of them are playing. Try again later."
    )
    assert refused.json()["sessions"] == []


def test_at_the_site_cap_a_site_admin_sees_every_stream_and_may_stop_one(
    store, alpha, alice, alpha_admin, film
):
    plan(alpha, per_site=1)
    alices = viewer(alice)
    playing = start(alices, film).json()["session"]
    admins = viewer(alpha_admin)

    refused = start(admins, film, LAPTOP)
    listed = refused.json()["sessions"]
    assert refused.status_code == 409
    assert [(s["id"], s["device"]) for s in listed] == [(playing, "Chrome on Android")]

    assert admins.post(listed[0]["stopUrl"]).status_code == 204
    assert start(admins, film, LAPTOP).status_code == 200
    told = beat(alices, playing)
    assert told.status_code == 409
    assert "playing on another device" in told.json()["stopped"]


def test_visitors_count_towards_the_site_cap_only_by_their_session_cookie(store, alpha, film):
    plan(alpha, per_viewer=1, per_site=3)

    def visitor_request():
        request = RequestFactory().post("/", HTTP_USER_AGENT=PHONE)
        request.tenant = alpha
        request.user = AnonymousUser()
        request.session = SessionStore()
        return request

    same_browser = visitor_request()
    caps = admission.caps_for(same_browser)
    assert caps == Caps(per_viewer=None, per_site=3)
    first = admission.start_stream(same_browser, film, caps)
    second = admission.start_stream(same_browser, film, caps)  # past a per-viewer cap of 1
    third = admission.start_stream(visitor_request(), film, caps)
    refused = admission.start_stream(visitor_request(), film, caps)

    assert not isinstance(first, admission.Refusal)
    assert first.user_id is None
    assert first.viewer_key == second.viewer_key == f"v{same_browser.session.session_key}"
    assert not isinstance(third, admission.Refusal)
    assert isinstance(refused, admission.Refusal)
    assert refused.message.startswith("Alpha allows 3 streams at once")


def test_a_session_silent_past_its_ttl_is_gone(store, settings, alpha, alice, film):
    settings.STREAM_SESSION_TTL = 1
    plan(alpha, per_viewer=1)
    alices = viewer(alice)
    first = start(alices, film).json()["session"]
    assert beat(alices, first).status_code == 204
    assert start(alices, film, LAPTOP).status_code == 409

    time.sleep(1.2)

    assert beat(alices, first).status_code == 404
    assert start(alices, film, LAPTOP).status_code == 200


def test_beats_keep_a_session_alive_past_its_ttl(store, settings, alpha, alice, film):
    settings.STREAM_SESSION_TTL = 1
    plan(alpha, per_viewer=1)
    alices = viewer(alice)
    playing = start(alices, film).json()["session"]
    for _ in range(3):
        time.sleep(0.5)
        assert beat(alices, playing).status_code == 204

    assert start(alices, film, LAPTOP).status_code == 409


def test_stop_that_one_frees_a_slot_and_the_stopped_device_is_told_on_its_next_beat(
    store, alpha, alice, film
):
    plan(alpha, per_viewer=1)
    phone, laptop = viewer(alice), viewer(alice)
    on_phone = start(phone, film, PHONE).json()["session"]
    refused = start(laptop, film, LAPTOP).json()

    assert laptop.post(refused["sessions"][0]["stopUrl"]).status_code == 204
    playing = start(laptop, film, LAPTOP)
    told = beat(phone, on_phone)

    assert playing.status_code == 200
    assert told.status_code == 409
    assert told.json() == {"stopped": admission.STOPPED}
    assert beat(laptop, playing.json()["session"]).status_code == 204


def test_a_reload_of_the_same_player_takes_its_own_place(store, alpha, alice, film):
    plan(alpha, per_viewer=1)
    alices = viewer(alice)
    before = start(alices, film).json()["session"]

    again = start(alices, film, body=f'{{"replaces": "{before}"}}')

    assert again.status_code == 200
    assert beat(alices, before).status_code == 404


def test_a_link_renews_only_for_a_live_session(store, alpha, alice, film):
    plan(alpha, per_viewer=1)
    phone, laptop = viewer(alice), viewer(alice)
    started = start(phone, film).json()
    renewed = phone.get(started["linkUrl"])
    assert renewed.status_code == 200
    assert renewed.json()["src"].startswith("/media/")

    assert phone.get(f"/watch/{film.pk}/link/").status_code == 404
    laptop.post(start(laptop, film, LAPTOP).json()["sessions"][0]["stopUrl"])
    stopped = phone.get(started["linkUrl"])
    assert stopped.status_code == 409
    assert stopped.json() == {"stopped": admission.STOPPED}


def test_a_progressive_playlist_is_part_of_the_counted_stream(store, alpha, alice):
    """A film still playing from its progressive rendition: the start call's playlist URL
    names the session; each poll beats it, and once the stream is stopped from another
    device (or without a session) the playlist gives no more segments."""
    plan(alpha, per_viewer=1)
    live = progressive_film("Live")
    phone, laptop = viewer(alice), viewer(alice)
    started = start(phone, live).json()
    playlist = started["progressive"]

    assert f"session={started['session']}" in playlist
    assert phone.get(playlist).status_code == 200
    assert phone.get(started["progressiveHls"]).status_code == 200
    assert phone.get(f"/watch/{live.pk}/progressive.json").status_code == 404  # no session
    laptop.post(start(laptop, live, LAPTOP).json()["sessions"][0]["stopUrl"])
    stopped = phone.get(playlist + "&at=3")
    assert stopped.status_code == 409
    assert stopped.json() == {"stopped": admission.STOPPED}


def test_the_watch_page_leaves_the_links_to_the_start_call_only_where_streams_count(
    store, alpha, alice, film
):
    alices = viewer(alice)
    free = alices.get(f"/watch/{film.pk}/").context["player_config"]
    plan(alpha, per_viewer=2)
    counted = alices.get(f"/watch/{film.pk}/").context["player_config"]

    assert free["src"]
    assert free["streams"] is None
    assert counted["src"] is None
    assert counted["streams"] == {"startUrl": f"/watch/{film.pk}/start/"}


def test_operators_are_not_counted(store, alpha, olivia, film):
    plan(alpha, per_viewer=1, per_site=1)
    operator = viewer(olivia)

    answers = [start(operator, film) for _ in range(3)]

    assert {a.status_code for a in answers} == {200}
    assert {a.json()["session"] for a in answers} == {None}


def test_another_sites_streams_are_never_counted_listed_or_reachable(
    store, alpha, beta, alice, bob, alpha_admin, film
):
    plan(alpha, per_viewer=1, per_site=1)
    plan(beta, per_viewer=1, per_site=1)
    bobs = viewer(bob, "b.test")
    on_beta = start(bobs, film).json()["session"]
    admins = viewer(alpha_admin)

    alices = viewer(alice)
    playing = start(alices, film)
    refused = start(admins, film)

    assert playing.status_code == 200
    assert [s["id"] for s in refused.json()["sessions"]] == [playing.json()["session"]]
    # Beta's session id means nothing on Alpha, even to Alpha's admin, or to bob on Alpha.
    assert admins.post(f"/streams/{on_beta}/stop/").status_code == 404
    assert beat(alices, on_beta).status_code == 404
    assert beat(viewer(bob, "b.test"), on_beta).status_code == 204


@pytest.mark.django_db(transaction=True)
def test_two_devices_starting_at_the_same_instant_at_a_cap_of_one_let_exactly_one_in(
    store, alpha, alice, film
):
    plan(alpha, per_viewer=1)
    for _ in range(3):
        devices = [viewer(alice), viewer(alice)]
        barrier = threading.Barrier(len(devices))
        answers = []

        def play(client, device, barrier=barrier, answers=answers):
            barrier.wait()
            try:
                answers.append(start(client, film, device))
            finally:
                connection.close()

        threads = [
            threading.Thread(target=play, args=(c, d))
            for c, d in zip(devices, (PHONE, LAPTOP), strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert sorted(a.status_code for a in answers) == [200, 409]
        won = next(a for a in answers if a.status_code == 200).json()["session"]
        assert devices[0].post(f"/streams/{won}/stop/").status_code == 204


def test_bad_input_gets_a_4xx_with_a_message(store, alpha, alice, film):
    plan(alpha, per_viewer=2)
    alices = viewer(alice)
    carol = make_member("carol", alpha)
    hers = start(viewer(carol), film).json()["session"]

    answers = {
        "unknown beat": beat(alices, "no-such-session"),
        "unknown stop": alices.post("/streams/no-such-session/stop/"),
        "hostile id": beat(alices, "x" * 200),
        "another's beat": beat(alices, hers),
        "another's stop": alices.post(f"/streams/{hers}/stop/"),
        "malformed JSON": start(alices, film, body="{"),
        "a JSON list": start(alices, film, body="[]"),
        "a number to replace": start(alices, film, body='{"replaces": 5}'),
        "deep JSON": start(alices, film, body='{"a": ' * 5000),
        "no such video": alices.post("/watch/999999/start/"),
        "GET a beat": alices.get(f"/streams/{hers}/beat/"),
        "a form body": alices.post(f"/watch/{film.pk}/start/", {"replaces": "x"}),
    }

    statuses = {name: a.status_code for name, a in answers.items()}
    assert all(400 <= status < 500 for status in statuses.values()), statuses
    assert statuses["another's stop"] == statuses["unknown stop"] == 404
    for name, answer in answers.items():
        if name != "GET a beat":
            assert answer.content, name
    assert beat(viewer(carol), hers).status_code == 204  # nothing of hers was touched


def test_stopping_a_stream_needs_the_csrf_token(store, alpha, alice, film):
    plan(alpha, per_viewer=1)
    playing = start(viewer(alice), film).json()["session"]
    careful = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)
    careful.force_login(alice)

    assert careful.post(f"/streams/{playing}/stop/").status_code == 403
    assert beat(viewer(alice), playing).status_code == 204


def test_visitors_and_non_members_cannot_start_or_beat(store, alpha, bob, film):
    plan(alpha, per_viewer=1)
    for client in (Client(HTTP_HOST="a.test"), viewer(bob, "a.test")):
        assert start(client, film).status_code == 403
        assert beat(client, "anything").status_code == 403


@pytest.mark.parametrize("sessions_on_site", [1, 12])
def test_a_heartbeat_costs_a_constant_number_of_queries(
    store, alpha, alice, film, sessions_on_site
):
    plan(alpha, per_viewer=20)
    others = viewer(make_member("carol", alpha, Membership.Role.VIEWER))
    for _ in range(sessions_on_site - 1):
        start(others, film)
    alices = viewer(alice)
    playing = start(alices, film).json()["session"]

    with CaptureQueriesContext(connection) as queries:
        assert beat(alices, playing).status_code == 204

    # The site by host, the session, the user, the membership (with its plan); and the beat's
    # own UPDATE where the database is the store.
    assert len(queries) == (5 if store == "database" else 4), [q["sql"] for q in queries]
