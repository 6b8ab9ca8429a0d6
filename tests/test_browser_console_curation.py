"""The console's Home page in Debian's Chromium against a real server: the operator moves
one hand-picked row above another, and the home page shows them in the new order. The
console page is saved for the docs (docs/images/console-home-page.png)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import sign_in
from tests.support.live_site import DEMO_PASSWORD, DEMO_USERNAME

pytestmark = pytest.mark.browser

DOCS_SCREENSHOT = Path(__file__).resolve().parent.parent / "docs/images/console-home-page.png"

# Two hand-picked rows of a film each, after the default rows the first one brings.
SETUP = """
import json
from curation import editing
from curation.models import RowKind
from streaming.models import Title
from tenants.models import Domain

site = Domain.objects.get(hostname="127.0.0.1").tenant
for name in ("Cult classics", "Staff favourites"):
    film = Title.objects.create(title=f"{name} film", year=1999, status="published")
    editing.add_pick(site, editing.add_row(site, RowKind.PICKED, name), film)
print(json.dumps({}))
"""


@pytest.fixture(scope="module")
def site(browser_site):
    browser_site.reset()
    browser_site.shell_json(SETUP)
    yield browser_site
    browser_site.reset()  # the next module's home page is the default one


def shelf_headings(page) -> list[str]:
    return page.locator(".shelf h2").all_inner_texts()


def test_moving_a_row_up_in_the_console_moves_it_on_the_home_page(site, browser):
    watched = sign_in(browser, site.url, DEMO_USERNAME, DEMO_PASSWORD)
    page = watched.page
    before = shelf_headings(page)

    page.goto(site.url + "/console/home-page/")
    with page.expect_navigation():
        staff = page.locator(".curation-row", has_text="Staff favourites")
        staff.get_by_role("button", name="Up").click()
    listed = page.locator(".curation-rows .curation-name strong").all_inner_texts()
    DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_SCREENSHOT), full_page=True)
    page.goto(site.url + "/")
    after = shelf_headings(page)

    assert before.index("Cult classics") < before.index("Staff favourites")
    assert listed.index("Staff favourites") < listed.index("Cult classics")
    assert after.index("Staff favourites") < after.index("Cult classics")
    assert watched.errors == []
