"""A real run leaves no secret in any log, and one request id ties the web's lines to the
worker's (docs/logs.md): an install with secrets this test chose, gunicorn behind the nginx
gateway and a Celery worker; a sign-in (and a wrong password), pages, API calls with a
token, an ingest job queued by one of them and run by the worker, a media link fetched
through the gateway, Stremio and OPDS paths with made-up tokens. Then every log the
processes wrote (their JSON files, their console output, nginx's logs) is searched for
each secret, and the live view's stream is asked for the ingest request's lines."""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests.support.browser import PHONE
from tests.support.browser import sign_in as sign_in_browser
from tests.support.http_sources import serve_file
from tests.support.live_site import DEMO_PASSWORD, DEMO_USERNAME, live_site

# A scratch install of its own whose logs do not depend on the suite's database kind: the
# PostgreSQL pass leaves it out (it costs minutes and would prove the same thing again).
pytestmark = [pytest.mark.services, pytest.mark.own_install]


def chosen(name: str) -> str:
    return f"{name}-{secrets.token_hex(12)}"


SECRETS = {
    "SECRET_KEY": chosen("django-key-of-the-logs-test"),
    "LINK_SECRET": chosen("link-secret-of-the-logs-test"),
    "S3_SECRET_ACCESS_KEY": chosen("s3-key-of-the-logs-test"),
    "METRICS_TOKEN": chosen("metrics-token-of-the-logs-test"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    env = {
        **SECRETS,
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "DEBUG",
        "LOG_STREAM_SECONDS": "0",
        "INGEST_ALLOWED_HOSTS": "127.0.0.1",  # the test's HTTP source
        "INGEST_MIN_FREE_BYTES": "0",
        "TMDB_API_KEY": "",
    }
    with live_site(tmp_path_factory.mktemp("logs-live"), env=env) as site:
        origin_port = site.port
        site.serve_behind_gateway(
            *("-m", "gunicorn", "shadowvault.wsgi:application"),
            *("--bind", f"127.0.0.1:{origin_port}", "--workers", "2", "--access-logfile", "-"),
        )
        site.start(
            *("-m", "celery", "-A", "shadowvault", "worker", "--concurrency", "1"),
            *("--queues", ",".join(settings.WORKER_QUEUES), "--loglevel", "DEBUG"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        )
        yield site


def sign_in(site, password: str) -> requests.Session:
    session = requests.Session()
    session.get(site.url + "/account/login/", timeout=10)
    session.post(
        site.url + "/account/login/",
        data={
            "username": DEMO_USERNAME,
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        timeout=10,
    )
    return session


def wait_for_job(site, token: str, job_id: int) -> dict:
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        job = requests.get(
            f"{site.url}/api/ingest/{job_id}/",
            headers={"Authorization": f"Token {token}"},
            timeout=10,
        ).json()
        if job["state"] in ("done", "failed", "cancelled"):
            return job
        time.sleep(0.5)
    raise AssertionError(f"the ingest job did not finish: {job}\n{site.logs()}")


def every_log(site) -> dict[Path, str]:
    """Every file a process wrote log lines to: the JSON files, the consoles, nginx's."""
    folder = site.data_dir
    paths = [*(folder / "logs").glob("*.jsonl*"), *folder.glob("process-*.log")]
    paths += [folder / "gateway-access.log", folder / "gateway" / "error.log"]
    return {path: path.read_text(errors="replace") for path in paths if path.is_file()}


def test_a_full_run_logs_no_secret_and_one_request_id_reaches_the_worker(site, test_media):
    wrong_password = chosen("wrong-password")
    stremio_token = chosen("stremio-token")
    opds_key = chosen("opds-key")
    assert sign_in(site, wrong_password).get(site.url + "/", timeout=10).ok
    browser = sign_in(site, DEMO_PASSWORD)
    sessionid, csrftoken = browser.cookies["sessionid"], browser.cookies["csrftoken"]
    assert browser.get(site.url + "/", timeout=10).ok
    assert browser.get(site.url + "/admin/", timeout=10).ok
    browser.get(f"{site.url}/stremio/{stremio_token}/manifest.json", timeout=10)
    browser.get(f"{site.url}/opds/key/{opds_key}/", timeout=10)
    token = site.shell_json(
        "import json; from django.contrib.auth import get_user_model; "
        "from tenants.models import Tenant; from streaming.api.token_store import issue_token; "
        f"user = get_user_model().objects.get(username={DEMO_USERNAME!r}); "
        "print(json.dumps({'key': issue_token(user, Tenant.objects.get(), 'logs test').key}))"
    )["key"]
    api = {"Authorization": f"Token {token}"}
    assert requests.get(site.url + "/api/ingest/", headers=api, timeout=10).ok

    with serve_file(test_media.mkv_h264_aac_srt) as source:
        queued = requests.post(
            site.url + "/api/ingest/", json={"urls": [source]}, headers=api, timeout=30
        )
        assert queued.status_code == 201, queued.text
        request_id = queued.headers["X-Request-ID"]
        job = wait_for_job(site, token, queued.json()[0]["id"])
    assert job["state"] == "done", job
    link = browser.get(f"{site.url}/watch/{job['media_file']}/link/", timeout=10).json()["src"]
    media = requests.get(site.url + link, headers={"Range": "bytes=0-1023"}, timeout=10)
    assert media.status_code == 206
    signature = link.split("md5=", 1)[1].split("&", 1)[0]
    time.sleep(1.5)  # nginx's access log and the processes' last lines reach their files

    logs = every_log(site)
    chosen_values = {
        **SECRETS,
        "a wrong password": wrong_password,
        "the demo password": DEMO_PASSWORD,
        "the session cookie": sessionid,
        "the CSRF cookie": csrftoken,
        "the API token": token,
        "the media link's signature": signature,
        "a Stremio token": stremio_token,
        "an OPDS app password": opds_key,
    }
    leaks = [
        f"{what} in {path.name}"
        for path, text in logs.items()
        for what, value in chosen_values.items()
        if value in text
    ]
    assert not leaks, leaks
    assert any("[redacted]" in text for text in logs.values())

    # One id from nginx to the web process's lines and to the worker's lines of the job.
    lines = [
        json.loads(row)
        for path, text in logs.items()
        if path.suffix == ".jsonl"
        for row in text.splitlines()
    ]
    roles = {line["role"] for line in lines if line.get("request_id") == request_id}
    assert {"web", "worker"} <= roles, roles
    worker_lines = [line for line in lines if line.get("request_id") == request_id]
    assert any(line.get("job_id") == str(job["id"]) for line in worker_lines)

    # The operator's live view finds them too, by that id, through the gateway: the page's
    # last lines, and the stream from the start of every file.
    page = browser.get(f"{site.url}/admin/logs/", params={"request_id": request_id}, timeout=30)
    assert 'class="log-role">web-' in page.text
    assert 'class="log-role">worker-' in page.text
    start = ",".join(
        f"{path.name.removesuffix('.jsonl')}:0" for path in (site.data_dir / "logs").glob("*.jsonl")
    )
    stream = browser.get(
        f"{site.url}/admin/logs/stream/",
        params={"request_id": request_id, "after": start},
        timeout=30,
    )
    shown = [
        json.loads(row.removeprefix("data: "))
        for row in stream.text.splitlines()
        if row.startswith("data: ")
    ]
    assert stream.headers["Content-Type"].startswith("text/event-stream")
    assert {"web", "worker"} <= {line["role"] for line in shown}


@pytest.mark.browser
def test_the_live_view_on_a_phone_shows_a_new_line_without_a_reload(site, browser):
    watched = sign_in_browser(browser, site.url, DEMO_USERNAME, DEMO_PASSWORD, **PHONE)
    page = watched.page
    page.goto(site.url + "/admin/logs/?level=WARNING")
    marker = chosen("no-such-page")

    requests.get(f"{site.url}/{marker}/", timeout=10)  # "Not Found: /<marker>/", a warning
    page.wait_for_selector(f".log-message:has-text('{marker}')", timeout=20_000)

    assert watched.errors == []  # the script ran under the admin's CSP, the stream parsed
    assert watched.has_no_horizontal_scroll()
    watched.screenshot("admin-logs-phone")
