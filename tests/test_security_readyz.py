"""/readyz says pass or fail per part to anyone; why (hosts, ports, paths) only to operators
signed in and to callers on the machine itself, judged by the client address, not the proxy's."""

import pytest

PARTS = {"database", "broker", "media_storage", "cache"}
OUTSIDE = "203.0.113.5"


@pytest.fixture
def broken(settings, tmp_path):
    """A media folder that is gone: its check fails with the folder's path in the error."""
    settings.MEDIA_ROOT = tmp_path / "secret-media-folder"
    return "secret-media-folder"


def readyz(client, **extra):
    response = client.get("/readyz", **extra)
    return response.status_code, response.json(), response.content.decode()


def test_an_anonymous_caller_gets_only_pass_or_fail_per_part(client, db, broken):
    status, body, text = readyz(client, REMOTE_ADDR=OUTSIDE)

    assert status == 503
    assert body["status"] == "fail"
    assert body["failing"] == ["media_storage"]
    assert body["checks"] == {part: {"ok": part != "media_storage"} for part in PARTS}
    assert broken not in text


def test_a_visitor_through_the_gateway_on_this_machine_is_not_local(client, db, broken):
    # nginx connects from loopback, but the client it names is outside.
    _, body, text = readyz(client, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=OUTSIDE)

    assert body["checks"]["media_storage"] == {"ok": False}
    assert broken not in text


def test_a_signed_in_member_who_is_not_an_operator_gets_no_details(client, alice, broken):
    client.force_login(alice)

    _, body, text = readyz(client, REMOTE_ADDR=OUTSIDE)

    assert body["checks"]["media_storage"] == {"ok": False}
    assert broken not in text


def test_an_operator_signed_in_gets_the_details(client, olivia, broken):
    client.force_login(olivia)

    _, body, _ = readyz(client, REMOTE_ADDR=OUTSIDE)

    assert broken in body["checks"]["media_storage"]["error"]
    assert "ms" in body["checks"]["database"]


@pytest.mark.parametrize("peer", ["127.0.0.1", "::1"])
def test_a_caller_on_this_machine_gets_the_details(client, db, broken, peer):
    _, body, _ = readyz(client, REMOTE_ADDR=peer)

    assert broken in body["checks"]["media_storage"]["error"]
