"""Resumable uploads in Debian's Chromium, through the real nginx gateway: the admin's
uploader sends a real video in chunks, survives a dropped connection and a reload in the
middle, and the file that arrives (as an ingest job) is the file that was chosen, byte for
byte. Bodies past the gateway's 100 MB limit pass on the upload route only."""

from __future__ import annotations

import hashlib
import http.client

import pytest

from streaming.catalogue.sample_media import make_sample_video
from tests.support.browser import sign_in
from tests.support.live_site import DEMO_PASSWORD, DEMO_USERNAME

pytestmark = pytest.mark.browser

SUBMIT = "/admin/streaming/ingestjob/submit/"
CHUNK = 128 * 1024
UPLOADS = "/admin/streaming/ingestjob/uploads/"
UPLOAD_ROUTE = f"**{UPLOADS}**"

JOB_FACTS = """
import hashlib, json
from streaming.ingest.fetch_step import source_file
from streaming.models import IngestJob, Upload
job = IngestJob.objects.get(pk={job_id})
upload = Upload.objects.get(job=job)
print(json.dumps({{
    "kind": job.source_kind, "name": job.source_name, "requested_by": job.requested_by.username,
    "sha256": hashlib.sha256(source_file(job).read_bytes()).hexdigest(),
    "upload_state": upload.state, "uploads": Upload.objects.count(),
}}))
"""


@pytest.fixture(scope="module")
def site(browser_site):
    browser_site.reset()
    return browser_site


@pytest.fixture(scope="module")
def film(tmp_path_factory):
    return make_sample_video(tmp_path_factory.mktemp("film") / "Night Train (2024).mp4")


def open_uploader(page, url: str) -> None:
    page.goto(url + SUBMIT)
    # Small chunks, so a 1 MB film is several of them.
    page.evaluate(f"document.getElementById('tus-uploader').dataset.chunkBytes = '{CHUNK}'")


def test_an_upload_survives_a_dropped_connection_and_a_reload(site, browser, film):
    watched = sign_in(browser, site.url, DEMO_USERNAME, DEMO_PASSWORD)
    page = watched.page
    requests: list[tuple[str, str]] = []
    page.on("request", lambda r: "/uploads/" in r.url and requests.append(
        (r.method, r.headers.get("upload-offset", ""))))  # fmt: skip
    patches = {"count": 0}

    def interrupt(route) -> None:
        if route.request.method != "PATCH":
            return route.continue_()
        patches["count"] += 1
        # The 2nd chunk: a dropped connection (the uploader retries from the server's offset).
        # From the 4th on: nothing gets through, until the page is reloaded.
        if patches["count"] == 2 or patches["count"] >= 4:
            return route.abort("connectionreset")
        return route.continue_()

    page.route(UPLOAD_ROUTE, interrupt)
    open_uploader(page, site.url)
    page.set_input_files("#tus-files", str(film))
    page.wait_for_function(f"() => {{ const p = document.querySelector('.tus-file progress');"
                           f" return p && p.value >= {int(2 * CHUNK * 100 / film.stat().st_size)};"
                           " }")  # fmt: skip
    page.wait_for_selector(".tus-file[data-state=retrying]")
    assert requests.count(("PATCH", str(CHUNK))) == 2  # the dropped chunk was sent again

    page.unroute(UPLOAD_ROUTE)
    page.reload()
    assert "Night Train (2024).mp4: " in page.inner_text(".tus-unfinished")
    sent_before_reload = len(requests)
    open_uploader(page, site.url)
    page.set_input_files("#tus-files", str(film))
    page.wait_for_selector(".tus-file[data-state=done]", timeout=15000)

    after_reload = requests[sent_before_reload:]
    assert ("POST", "") not in after_reload  # the same upload, found by its fingerprint
    first_patch = next(offset for method, offset in after_reload if method == "PATCH")
    assert int(first_patch) == 2 * CHUNK  # resumed where the server said it stood
    job_id = page.locator(".tus-status a").inner_text().removeprefix("ingest job #")
    facts = site.shell_json(JOB_FACTS.format(job_id=int(job_id)))
    assert facts == {
        "kind": "upload",
        "name": "Night Train (2024).mp4",
        "requested_by": DEMO_USERNAME,
        "sha256": hashlib.sha256(film.read_bytes()).hexdigest(),
        "upload_state": "done",
        "uploads": 1,
    }
    kept = page.evaluate("Object.keys(localStorage)")
    assert [key for key in kept if key.startswith("shadowvault-tus:")] == []  # forgotten once done
    watched.screenshot("admin-uploads")
    assert watched.errors == [] or all("ERR_CONNECTION_RESET" in e for e in watched.errors)
    log = (site.data_dir / "gateway-access.log").read_text()
    assert "PATCH /admin/streaming/ingestjob/uploads/" in log  # through nginx


SHA256_OF_JOBS = """
import hashlib, json
from streaming.ingest.fetch_step import source_file
from streaming.models import IngestJob
jobs = IngestJob.objects.filter(pk__in={job_ids})
print(json.dumps({{j.source_name: hashlib.sha256(source_file(j).read_bytes()).hexdigest()
                  for j in jobs}}))
"""


def test_several_films_go_up_at_once(site, browser, film, tmp_path):
    second = tmp_path / "Second Reel (2025).mp4"
    second.write_bytes(film.read_bytes()[::-1])  # another file, another fingerprint
    page = sign_in(browser, site.url, DEMO_USERNAME, DEMO_PASSWORD).page
    open_uploader(page, site.url)

    page.set_input_files("#tus-files", [str(film), str(second)])
    page.wait_for_function(
        "document.querySelectorAll('.tus-file[data-state=done]').length === 2", timeout=15000
    )

    links = page.locator(".tus-status a").all_inner_texts()
    job_ids = sorted(int(text.removeprefix("ingest job #")) for text in links)
    assert site.shell_json(SHA256_OF_JOBS.format(job_ids=job_ids)) == {
        film.name: hashlib.sha256(film.read_bytes()).hexdigest(),
        second.name: hashlib.sha256(second.read_bytes()).hexdigest(),
    }


def test_only_the_upload_route_takes_bodies_past_the_gateway_limit(site, browser):
    """The gateway keeps its 100 MB client_max_body_size everywhere but on the upload
    route, which takes a 101 MiB chunk (streamed, so the body never sits whole anywhere)."""
    page = sign_in(browser, site.url, DEMO_USERNAME, DEMO_PASSWORD).page
    page.goto(site.url + SUBMIT)
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    headers = {
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "X-CSRFToken": page.get_attribute("#tus-uploader", "data-csrf"),
        "Tus-Resumable": "1.0.0",
    }
    size = 101 * 1024 * 1024
    host, port = site.url.removeprefix("http://").split(":")
    metadata = {"Upload-Length": str(size), "Upload-Metadata": "filename YmlnLm1rdg=="}

    created = request(host, port, "POST", UPLOADS, {**headers, **metadata})
    location = created.getheader("Location")
    patched = request(host, port, "PATCH", location, {
        **headers, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream",
    }, size)  # fmt: skip
    elsewhere = request(host, port, "POST", "/admin/login/", {"Content-Length": str(size)})

    assert created.status == 201
    assert (patched.status, patched.getheader("Upload-Offset")) == (204, str(size))
    assert elsewhere.status == 413


def request(host: str, port: str, method: str, path: str, headers: dict, size: int = 0):
    """One request whose body (zeros, `size` bytes) is sent 1 MiB at a time."""
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.putrequest(method, path)
    for name, value in {"Content-Length": str(size), **headers}.items():
        connection.putheader(name, value)
    connection.endheaders()
    piece = bytes(1024 * 1024)
    for start in range(0, size, len(piece)):
        connection.send(piece[: min(len(piece), size - start)])
    response = connection.getresponse()
    response.read()
    connection.close()
    return response
