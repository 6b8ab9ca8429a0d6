"""/readyz names the part that is down and answers 503; /healthz only says the process lives.

Django's test client calls from 127.0.0.1, a caller on this machine, so these answers carry
the details; what others get is in test_security_readyz.py.
"""

import subprocess

import pytest

from tests.support.services import free_port, need_binary, port_open, stop, wait_until


def test_liveness_needs_nothing_but_the_process(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_when_every_part_answers(client, db):
    response = client.get("/readyz")

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "media_storage", "cache"}


@pytest.fixture
def redis_broker(tmp_path):
    binary = need_binary("redis-server")
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    wait_until(lambda: port_open(port), 10, "redis-server")
    yield process, f"redis://127.0.0.1:{port}/0"
    stop(process)


def test_a_stopped_broker_makes_readiness_fail_naming_the_broker(
    client, db, settings, redis_broker
):
    process, url = redis_broker
    settings.CELERY_BROKER_URL = url
    before = client.get("/readyz")

    stop(process)
    after = client.get("/readyz")

    assert before.status_code == 200, before.json()
    assert after.status_code == 503
    body = after.json()
    assert body["status"] == "fail"
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"]["error"]
    assert body["checks"]["database"]["ok"] is True


def test_a_missing_media_folder_makes_readiness_fail(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "gone"

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["media_storage"]
    assert "does not exist" in response.json()["checks"]["media_storage"]["error"]
