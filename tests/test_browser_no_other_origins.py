"""In Debian's Chromium, behind the gateway: the pages of the product (site, account, player,
admin, API docs) load nothing from another origin, every page carries the site's
Content-Security-Policy, and nothing on them breaks it (Chromium reports a refused load or
inline script as a console error)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from shadowvault.content_security import SITE_POLICY
from tests.support.browser import DESKTOP, sign_in
from tests.support.live_site import DEMO_PASSWORD, DEMO_USERNAME

pytestmark = pytest.mark.browser

SAMPLE = """
import json
from streaming.models import MediaFile
sample = MediaFile.objects.select_related("title").get(title__title="ShadowVault Sample")
print(json.dumps({"media": sample.pk, "slug": sample.title.slug, "title": sample.title.pk}))
"""


@pytest.fixture(scope="module")
def site(browser_site):
    browser_site.reset()
    browser_site.sample = browser_site.shell_json(SAMPLE)
    return browser_site


def pages(sample: dict) -> list[tuple[str, str]]:
    """(path, a selector that shows the page really rendered, scripts included)."""
    return [
        ("/", "main"),
        ("/browse/", "main"),
        ("/search/?q=sample", "main"),
        (f"/title/{sample['slug']}/", "main"),
        (f"/watch/{sample['media']}/", "video"),
        ("/account/", "main"),
        ("/admin/", "#site-name"),
        ("/admin/streaming/title/", "#result_list"),
        (f"/admin/streaming/title/{sample['title']}/change/", "form"),
        ("/api/docs/", "h1:has-text('ShadowVault API')"),
    ]


def test_no_page_loads_from_another_origin_or_breaks_the_policy(site, browser):
    watched = sign_in(browser, site.url, DEMO_USERNAME, DEMO_PASSWORD, **DESKTOP)
    page = watched.page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    own = urlsplit(site.url).netloc

    for path, rendered in pages(site.sample):
        response = page.goto(site.url + path, wait_until="networkidle")
        page.wait_for_selector(rendered, timeout=15_000)

        assert response.status == 200, path
        assert response.headers.get("content-security-policy") == SITE_POLICY, path

    foreign = [u for u in requested if urlsplit(u).scheme in {"http", "https", "ws", "wss"}]
    foreign = [u for u in foreign if urlsplit(u).netloc != own]
    assert foreign == []
    assert watched.errors == []
    assert any("/static/drf_spectacular_sidecar/" in u for u in requested)
