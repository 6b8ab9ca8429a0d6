"""deploy/topology.py: the production shape on loopback (PostgreSQL, Redis, S3 behind a
fault switch, 2 gunicorn, 2 uvicorn, 2 Celery workers, beat, the nginx gateway) starts from
the repository, serves the site and the sample film out of S3 through the gateway, survives
the loss of one instance of a role, keeps serving cached slices while S3 is down, and stops
everything it started."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.scripts import load_script

pytestmark = [pytest.mark.services, pytest.mark.own_install]


topology_module = load_script("deploy/topology.py", "topology")


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    shape = topology_module.Topology(tmp_path_factory.mktemp("topology"), sample=True)
    shape.start()
    yield shape
    shape.stop()


def get(url: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read(), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def film_link(topology) -> str:
    script = (
        "import json; from stored_media.models import StoredObject; "
        "from stored_media.signing import signed_link; "
        "o = StoredObject.objects.filter(content_type__startswith='video/').order_by('pk')[0]; "
        "print(json.dumps({'link': signed_link(o.media_uri), 'size': o.size, "
        "'backend': o.backend}))"
    )
    return json.loads(topology.manage("shell", "-c", script).strip().splitlines()[-1])


def test_every_part_runs_and_the_gateway_serves_the_site(topology):
    names = set(topology.parts)
    assert {"postgres", "redis", "moto", "s3-front", "gateway", "beat"} <= names
    assert {"web-1", "web-2", "stream-1", "stream-2", "worker-1", "worker-2"} <= names
    assert all(part.alive for part in topology.parts.values())
    status, body, _ = get(topology.url + "/")
    assert status == 200, body[:300]
    state = json.loads((topology.root / "topology.json").read_text())
    assert state["url"] == topology.url
    # Both instances of each role are in the gateway's upstreams.
    config = (topology.root / "gateway" / "nginx.conf").read_text()
    for name in ("web-1", "web-2", "stream-1", "stream-2"):
        assert f"server 127.0.0.1:{topology.ports[name]} " in config


def test_the_sample_film_streams_from_s3_through_the_gateway(topology):
    film = film_link(topology)
    assert film["backend"] == "s3"
    status, body, headers = get(topology.url + film["link"], {"Range": "bytes=0-99"})
    assert status == 206
    assert len(body) == 100
    assert headers["Content-Range"] == f"bytes 0-99/{film['size']}"


def test_a_killed_site_instance_costs_no_failed_get_and_comes_back(topology):
    web = topology.parts["web-1"]
    before = web.process.pid
    topology.kill("web-1")
    statuses = [get(topology.url + "/")[0] for _ in range(20)]
    assert statuses == [200] * 20  # nginx retries a GET on the other instance
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (web.restarts and web.alive):
        time.sleep(0.2)
    assert web.alive
    assert web.process.pid != before
    assert len(web.restarts) == 1


def test_cached_slices_are_served_while_s3_is_down(topology):
    film = film_link(topology)
    status, warm, _ = get(topology.url + film["link"], {"Range": "bytes=0-4095"})
    assert status == 206
    s3 = topology.env["S3_ENDPOINT_URL"]
    with topology.s3_outage():
        assert get(s3 + "/")[0] == 503
        status, body, headers = get(topology.url + film["link"], {"Range": "bytes=0-4095"})
        assert (status, body) == (206, warm)
        assert headers.get("X-Cache-Status") == "HIT"
    assert get(s3 + "/")[0] != 503


def test_stop_ends_every_process_and_its_children(topology):
    """Last in the module: the gunicorn and Celery children go with their parents."""
    pids = []
    for part in topology.parts.values():
        pids.append(part.process.pid)
        children = Path(f"/proc/{part.process.pid}/task/{part.process.pid}/children")
        pids += [int(pid) for pid in children.read_text().split()]
    assert len(pids) > len(topology.parts)  # gunicorn's workers at least
    topology.stop()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(running(pid) for pid in pids):
        time.sleep(0.1)
    assert [pid for pid in pids if running(pid)] == []


def running(pid: int) -> bool:
    """Alive and not a zombie (a container's init may be slow to reap orphans)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"
