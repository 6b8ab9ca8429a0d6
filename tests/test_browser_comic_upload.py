"""The admin's "Import comics" page in Debian's Chromium, through the real nginx gateway:
several archives chosen at once go up one request each (static/js/comic-upload.js, so each
stays within the gateway's body limit), each with its progress bar, and each becomes an
upload job holding the very bytes chosen; the page then opens the job list."""

from __future__ import annotations

import hashlib

import pytest

from tests.support.browser import sign_in
from tests.support.comic_imports import pages, write_cbz
from tests.support.live_site import DEMO_PASSWORD, DEMO_USERNAME

pytestmark = pytest.mark.browser

SUBMIT = "/admin/readvault/importjob/submit/"
UPLOADED = """
import hashlib, json
from readvault.importing.sources import source_path
from readvault.models import ImportJob
print(json.dumps({
    job.source_name: [job.source_kind, hashlib.sha256(source_path(job).read_bytes()).hexdigest()]
    for job in ImportJob.objects.filter(source_kind="upload")
}))
"""


@pytest.fixture(scope="module")
def site(browser_site):
    browser_site.reset()
    return browser_site


def test_several_archives_go_up_one_request_each(site, browser, tmp_path):
    archives = [
        write_cbz(tmp_path / "Yotsuba c001.cbz", pages(1, 3)),
        write_cbz(tmp_path / "Yotsuba c002.cbz", pages(4, 2)),
    ]
    page = sign_in(browser, site.url, DEMO_USERNAME, DEMO_PASSWORD).page
    posts: list[str] = []
    page.on(
        "request",
        lambda r: r.method == "POST" and SUBMIT in r.url and posts.append(r.headers["accept"]),
    )
    page.goto(site.url + SUBMIT)

    page.set_input_files("input[name=archives]", [str(path) for path in archives])
    page.click("input[type=submit]")
    page.wait_for_url(site.url + "/admin/readvault/importjob/")

    assert posts == ["application/json", "application/json"]
    assert site.shell_json(UPLOADED) == {
        path.name: ["upload", hashlib.sha256(path.read_bytes()).hexdigest()] for path in archives
    }
