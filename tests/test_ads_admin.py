"""Campaigns in the operator's admin (ads/admin.py): made with their placements and the same
checks as the console (a clean message, never a 500), an operator-wide campaign (no site)
with a hosted video sent through ingest, and a report per campaign across the sites with
its CSV. Site admins manage campaigns in the console: the admin's are the operator's."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ads.models import Campaign, CampaignDay
from tests.support.billing_rows import signed_in
from tests.support.campaign_rows import today, vast_campaign

pytestmark = pytest.mark.django_db

ADD = "/admin/ads/campaign/add/"
INLINE = {
    "placements-TOTAL_FORMS": "1",
    "placements-INITIAL_FORMS": "0",
    "placements-MIN_NUM_FORMS": "0",
    "placements-MAX_NUM_FORMS": "20",
}


def admin_form(fields: dict, where: str = "pre_roll", **point) -> dict:
    data = {"weight": "1", "active": "on", **fields, **INLINE, "placements-0-where": where}
    data.update({f"placements-0-{key}": value for key, value in point.items()})
    return data


def test_the_operator_makes_a_campaign_for_every_site(alpha, olivia):
    fields = {"name": "House network", "creative": "vast_tag",
              "vast_tag_url": "https://ads.example.com/vast"}  # fmt: skip
    answer = signed_in(olivia).post(ADD, admin_form(fields, "mid_roll", at_seconds="600"))

    campaign = Campaign.objects.get()
    assert answer.status_code == 302, answer.content.decode()[:3000]
    assert campaign.tenant is None
    assert list(campaign.placements.values_list("where", "at_seconds")) == [("mid_roll", 600)]
    listed = signed_in(olivia).get("/admin/ads/campaign/").content.decode()
    assert "Every site" in listed
    assert f"/admin/ads/campaign/{campaign.pk}/report/" in listed


@pytest.mark.parametrize(
    ("fields", "where", "message"),
    [
        ({"name": "V", "creative": "vast_tag", "vast_tag_url": "http://[::1]/tag"}, "pre_roll",
         "::1 is"),
        ({"name": "V", "creative": "vast_tag", "vast_tag_url": "ftp://ads.example.com/t"},
         "pre_roll", "Give an http or https URL."),
        ({"name": "H", "creative": "hosted_video"}, "pre_roll",
         "A hosted video campaign needs a video file or its URL."),
        ({"name": "V", "creative": "vast_tag", "vast_tag_url": "https://a.example/t"},
         "mid_roll", "A mid-roll needs a point"),
        ({"name": "B", "creative": "house_banner", "banner_link": "https://shop.example/"},
         "home", "A house banner needs an image."),
    ],
)  # fmt: skip
def test_the_admin_refuses_with_the_same_sentences(alpha, olivia, fields, where, message):
    answer = signed_in(olivia).post(ADD, admin_form(fields, where))

    assert answer.status_code == 200  # the admin shows its form again
    assert message in answer.content.decode()
    assert not Campaign.objects.exists()


def test_a_hosted_video_from_the_admin_becomes_an_ingest_job(olivia, alpha, ingest_dirs):
    upload = SimpleUploadedFile("spot.mp4", b"\x00" * 2048, "video/mp4")
    fields = {"name": "Operator spot", "creative": "hosted_video", "video_file": upload,
              "skip_after": "5"}  # fmt: skip
    answer = signed_in(olivia).post(ADD, admin_form(fields))

    campaign = Campaign.objects.get()
    assert answer.status_code == 302
    assert campaign.creative_job.tenant == alpha  # recorded on the site the operator is on
    assert campaign.creative_job.target_title.title == "Ad: Operator spot"
    page = signed_in(olivia).get(f"/admin/ads/campaign/{campaign.pk}/change/").content.decode()
    assert "The video is being made" in page


def test_the_report_adds_up_every_site_and_downloads_as_csv(olivia, alpha, beta):
    campaign = vast_campaign(None, "Everywhere")
    for site, shown in ((alpha, 30), (beta, 12)):
        CampaignDay.objects.create(
            campaign=campaign, tenant=site, day=today(), impressions=shown, starts=shown,
            completes=shown // 2, clicks=3,
        )  # fmt: skip
    client = signed_in(olivia)

    page = client.get(f"/admin/ads/campaign/{campaign.pk}/report/?days=7").content.decode()
    csv = client.get(f"/admin/ads/campaign/{campaign.pk}/report.csv?days=90")
    refused = client.get(f"/admin/ads/campaign/{campaign.pk}/report/?days=1")
    missing = client.get("/admin/ads/campaign/999999/report/")

    assert "42 impressions in all" in page
    assert "By site" in page
    assert "Alpha" in page
    assert "Beta" in page
    assert 'filename="everywhere-' in csv["Content-Disposition"]
    assert csv.content.decode().count("\r\n") == 3
    assert (refused.status_code, missing.status_code) == (400, 404)


def test_site_admins_do_not_reach_the_admins_campaigns(alpha, alpha_admin):
    campaign = vast_campaign(alpha, "Alpha's")
    client = signed_in(alpha_admin)

    answers = [
        client.get("/admin/ads/campaign/").status_code,
        client.get(f"/admin/ads/campaign/{campaign.pk}/change/").status_code,
        client.get(f"/admin/ads/campaign/{campaign.pk}/report/").status_code,
        client.get(f"/admin/ads/campaign/{campaign.pk}/report.csv").status_code,
    ]

    assert all(status in {302, 403, 404} for status in answers), answers
