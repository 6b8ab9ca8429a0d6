"""Issue 17's "done when", end to end in Debian's Chromium against a real install behind the
nginx gateway, with a real Celery worker making the creative:

a site owner creates a campaign in the console with a hosted video (an upload that the ingest
pipeline makes playable); a viewer on the free plan sees it as a pre-roll and skips it; a
viewer on the premium plan sees nothing and makes no ad request at all; the console's report
shows the day's figures at once.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.support.browser import sign_in
from tests.support.services import REPO, wait_until

pytestmark = pytest.mark.browser

PASSWORD = "a password for the ads story 8"
AD_SECONDS, SKIP_AFTER = 5, 2

SETUP = f"""
import json
from django.conf import settings
from django.contrib.auth import get_user_model
from streaming.catalogue.sample_media import make_sample_video
from streaming.models import MediaFile
from tenants.models import Domain, Membership, ViewerPlan

site = Domain.objects.get(hostname="127.0.0.1").tenant
free = ViewerPlan.objects.create(tenant=site, name="Free", ads=True, is_default=True)
premium = ViewerPlan.objects.create(tenant=site, name="Premium", ads=False, price="4.99")
people = [("adsowner", "admin", None), ("freeviewer", "viewer", free)]
for name, role, plan in [*people, ("paidviewer", "viewer", premium)]:
    user = get_user_model().objects.create_user(name, password="{PASSWORD}")
    Membership.objects.create(tenant=site, user=user, role=role, viewer_plan=plan)
creative = make_sample_video(settings.DATA_DIR / "winter-sale.mp4", seconds={AD_SECONDS})
sample = MediaFile.objects.get(title__title="ShadowVault Sample")
print(json.dumps({{"sample": sample.pk, "creative": str(creative)}}))
"""

CAMPAIGN = """
import json
from ads.models import Campaign
campaign = Campaign.objects.filter(name="Winter sale").select_related("creative_job").first()
job = campaign.creative_job if campaign else None
print(json.dumps({
    "video": campaign.video_id if campaign else None,
    "job": job.state if job else None,
    "error": job.error if job else None,
}))
"""

CONTENT = "document.getElementById('player-video')"
AD_PANEL = "document.getElementById('player-ad')"


@pytest.fixture(scope="module")
def site(browser_site):
    browser_site.reset()
    browser_site.films = browser_site.shell_json(SETUP)
    yield browser_site
    browser_site.reset()  # the plans and the campaign would reach the next module's pages


@pytest.fixture(scope="module")
def worker(site):
    """A Celery worker of the install, as `make run` starts one: it makes the creative."""
    log = open(site.data_dir / "ads-story-worker.log", "w")  # noqa: SIM115
    command = [
        sys.executable, "-m", "celery", "-A", "shadowvault", "worker",
        "--queues", "default,downloads,cpu", "--concurrency", "1", "--pool", "prefork",
        "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=REPO, env=site.env, stdout=log, stderr=log)
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def shoot(watched, name: str) -> None:
    """A README picture: test-artifacts/screenshots/<name>.png, copied to docs/images/."""
    taken = watched.screenshot(name)
    shutil.copy(taken, REPO / "docs" / "images" / taken.name)


def ad_requests(requests: list[str]) -> list[str]:
    return [url for url in requests if "/ads/" in url]


def test_an_owner_runs_a_hosted_pre_roll_that_free_viewers_skip_and_premium_ones_never_see(
    site, worker, browser
):
    # The owner makes the campaign in the console: a hosted video, skippable after 2 s,
    # as a pre-roll, for every viewer who sees ads.
    owner = sign_in(browser, site.url, "adsowner", PASSWORD)
    owner.page.goto(site.url + "/console/ads/new/")
    owner.page.fill("#id_name", "Winter sale")
    owner.page.select_option("#id_creative", "hosted_video")
    owner.page.set_input_files("#id_video_file", site.films["creative"])
    owner.page.fill("#id_skip_after", str(SKIP_AFTER))
    owner.page.fill("#id_click_url", "https://advertiser.example/winter")
    owner.page.select_option("#id_placements-0-where", "pre_roll")
    owner.page.click('button:has-text("Make the campaign")')
    owner.page.wait_for_load_state()
    problems = owner.page.locator(".field-errors, .form-errors").all_text_contents()
    assert owner.page.url == site.url + "/console/ads/", problems
    assert "Winter sale" in owner.page.text_content("main")

    # The worker makes the creative playable; the campaign runs once it has its video.
    state: dict = {}

    def made() -> bool:
        state.update(site.shell_json(CAMPAIGN))
        assert state["job"] not in ("failed", "cancelled"), state
        return state["video"] is not None

    wait_until(made, 120, "the creative's ingest job")
    owner.page.reload()
    assert "The video is being made" not in owner.page.text_content("main")

    # A viewer on the free plan: the pre-roll, then skip, then the film.
    free = sign_in(browser, site.url, "freeviewer", PASSWORD)
    requests: list[str] = []
    free.page.on("request", lambda request: requests.append(request.url))
    free.page.goto(f"{site.url}/watch/{site.films['sample']}/")
    free.page.wait_for_selector("#player[data-ready]", state="attached")
    free.page.keyboard.press("k")
    free.page.wait_for_function(f"!{AD_PANEL}.hidden", timeout=15_000)
    assert free.page.text_content(".player-ad-label").startswith("Ad · 0:0")
    skip = free.page.locator('[data-action="ad-skip"]')
    free.page.wait_for_function(
        "!document.querySelector('[data-action=\"ad-skip\"]').disabled", timeout=10_000
    )
    shoot(free, "ads-story-pre-roll")
    skip.click()
    free.page.wait_for_function(
        f"{AD_PANEL}.hidden && !{CONTENT}.paused && {CONTENT}.currentTime > 0.5", timeout=15_000
    )
    assert any("where=pre_roll" in url for url in requests), requests
    assert any("/skip/" in url for url in requests), ad_requests(requests)
    assert free.errors == []

    # A viewer on the premium plan: the film at once, and not one request about ads.
    paid = sign_in(browser, site.url, "paidviewer", PASSWORD)
    paid_requests: list[str] = []
    paid.page.on("request", lambda request: paid_requests.append(request.url))
    paid.page.goto(f"{site.url}/watch/{site.films['sample']}/")
    paid.page.wait_for_selector("#player[data-ready]", state="attached")
    paid.page.keyboard.press("k")
    paid.page.wait_for_function(f"!{CONTENT}.paused && {CONTENT}.currentTime > 0.5")
    assert ad_requests(paid_requests) == []
    assert paid.page.locator("#player-ad").count() == 0
    assert paid.errors == []

    # The console shows the day's figures: one impression, one start, one skip.
    owner.page.goto(site.url + "/console/ads/report/")
    report = owner.page.text_content("main")
    assert "Nothing shown yet" not in report
    assert "of 1 impressions" in report, report
    assert "Skips: 1." in report, report
    shoot(owner, "ads-story-report")
    assert owner.errors == []
