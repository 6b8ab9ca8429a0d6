"""VAST 4.2 for our hosted campaigns (/ads/vast/<media>.xml): read back by our own parser,
in the order the IAB VAST 4.2 schema's sequences give, with the signed media link and our
tracker's URLs; VAST's empty answer when nothing runs."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from ads.models import Placement
from ads.vast.parse import parse, pick_ad
from tests.factories import film, film_file
from tests.support.ads_rows import ad_free_plan, hosted_campaign, plan_with_ads, tag_campaign

pytestmark = pytest.mark.django_db

PRE = Placement.Where.PRE_ROLL
NS = "{http://www.iab.com/VAST}"
# The IAB VAST 4.2 XSD's xs:sequence for each element we write (a derived type's elements
# after its base type's), cut to the elements that may appear; no other child is allowed.
SCHEMA_ORDER = {
    "VAST": ["Ad", "Error"],
    "Ad": ["InLine", "Wrapper"],
    "InLine": ["AdSystem", "Error", "Extensions", "Impression", "Pricing", "ViewableImpression",
               "AdServingId", "AdTitle", "AdVerifications", "Advertiser", "Category",
               "Creatives", "Description", "Expires", "Survey"],
    "Creatives": ["Creative"],
    "Creative": ["CompanionAds", "CreativeExtensions", "Linear", "NonLinearAds",
                 "UniversalAdId"],
    "Linear": ["TrackingEvents", "AdParameters", "Duration", "MediaFiles", "VideoClicks",
               "Icons"],
    "TrackingEvents": ["Tracking"],
    "MediaFiles": ["ClosedCaptionFiles", "MediaFile", "Mezzanine", "InteractiveCreativeFile"],
    "VideoClicks": ["ClickThrough", "ClickTracking", "CustomClick"],
}  # fmt: skip
REQUIRED = {
    "InLine": {"AdSystem", "Impression", "AdServingId", "AdTitle", "Creatives"},
    "Creative": {"UniversalAdId"},
    "Linear": {"Duration", "MediaFiles"},
}


@pytest.fixture
def movie():
    return film_file(film("Heat"), duration_seconds=3600)


@pytest.fixture
def viewer(alpha, alice) -> Client:
    plan_with_ads(alpha)
    client = Client(HTTP_HOST="a.test")
    client.force_login(alice)
    return client


def vast_url(media, where: str = PRE) -> str:
    return reverse("ad-vast", args=[media.pk]) + f"?where={where}"


def follows_the_schema(element: ET.Element) -> list[str]:
    """Each problem with the children's names and order, walking the whole tree."""
    name = element.tag.removeprefix(NS)
    problems = []
    if name in SCHEMA_ORDER:
        order = SCHEMA_ORDER[name]
        children = [child.tag.removeprefix(NS) for child in element]
        unknown = [child for child in children if child not in order]
        if unknown:
            problems.append(f"{name} holds {unknown}")
        positions = [order.index(child) for child in children if child in order]
        if positions != sorted(positions):
            problems.append(f"{name}'s children are out of order: {children}")
        if missing := REQUIRED.get(name, set()) - set(children):
            problems.append(f"{name} lacks {sorted(missing)}")
    for child in element:
        problems += follows_the_schema(child)
    return problems


def test_a_hosted_campaign_answers_vast_4_2_our_parser_reads_back(viewer, alpha, movie):
    campaign = hosted_campaign(alpha, PRE, skip_after=5)

    answer = viewer.get(vast_url(movie))

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/xml")
    assert "no-store" in answer["Cache-Control"]
    document = parse(answer.content)
    ad = pick_ad(document)
    assert document.version == "4.2"
    assert (ad.title, ad.is_wrapper) == (campaign.name, False)
    assert (ad.linear.duration, ad.linear.skip_offset.value) == (15.0, 5.0)
    assert ad.linear.click_through == "https://advertiser.example/spring"
    [media] = ad.linear.media_files
    assert media.url.startswith(f"http://a.test{campaign.video.stored.media_uri}?")
    assert (media.type, media.height) == ("video/mp4", 720)
    assert ad.impressions[0].startswith("http://a.test/ads/t/")
    assert ad.errors[0].endswith("/error/?code=[ERRORCODE]")
    tracked = {tracking.event for tracking in ad.linear.tracking}
    assert {"start", "firstQuartile", "midpoint", "thirdQuartile", "complete", "skip"} <= tracked


def test_its_elements_follow_the_vast_4_2_schemas_sequences(viewer, alpha, movie):
    hosted_campaign(alpha, PRE, skip_after=5)

    root = ET.fromstring(viewer.get(vast_url(movie)).content)  # noqa: S314  our own output

    assert root.tag == f"{NS}VAST"
    assert root.get("version") == "4.2"
    assert follows_the_schema(root) == []
    linear = root.find(f"{NS}Ad/{NS}InLine/{NS}Creatives/{NS}Creative/{NS}Linear")
    assert linear.get("skipoffset") == "00:00:05.000"


def test_the_vasts_tracker_urls_count_when_called(viewer, alpha, movie):
    hosted_campaign(alpha, PRE)
    ad = pick_ad(parse(viewer.get(vast_url(movie)).content))

    answer = Client(HTTP_HOST="a.test").get(ad.impressions[0].removeprefix("http://a.test"))

    assert answer.status_code == 204


def test_nothing_to_run_answers_the_empty_vast(viewer, alpha, alice, movie):
    tag_campaign(alpha, "https://ads.example/tag", PRE)  # a network's ad is not ours to write
    empty = viewer.get(vast_url(movie))
    hosted_campaign(alpha, PRE)
    ad_free_plan(alpha, alice)
    ad_free = viewer.get(vast_url(movie))

    for answer in (empty, ad_free):
        assert answer.status_code == 200
        document = parse(answer.content)
        assert (document.version, document.ads) == ("4.2", ())


def test_refusals_match_the_break_endpoints(viewer, alpha, movie):
    hosted_campaign(alpha, PRE)
    draft = film_file(film("Draft", status="draft"))

    assert Client(HTTP_HOST="a.test").get(vast_url(movie)).status_code == 403
    assert viewer.get(vast_url(movie, "home")).status_code == 400
    assert viewer.get(vast_url(draft)).status_code == 404
