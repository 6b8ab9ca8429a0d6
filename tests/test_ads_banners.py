"""Banner slots (ads/slots.py, `{% ad_slot %}`): who gets markup, what it is, and what the
page's Content-Security-Policy allows for it.

Alpha's default viewer plan ("Free") shows ads; "Premium" does not. alice is on Free (the
site's default), paula on Premium.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from ads.models import Campaign, CampaignDay, Impression
from ads.slots import frame_origin
from readvault.models import Genre as SeriesGenre
from shadowvault.content_security import HEADER, SITE_POLICY, allow_on_this_page, widened
from streaming.models import Genre
from tenants.models import Membership
from tests.factories import comic_chapter, comic_series, film, film_file, make_member
from tests.support.banner_rows import TAG_ORIGIN, TAG_URL, house_banner, tag_banner

pytestmark = pytest.mark.django_db

SLOT = re.compile(r'<aside class="ad-slot ad-slot-(\w+)"')
SANDBOX = "allow-scripts allow-popups allow-popups-to-escape-sandbox"


@pytest.fixture
def paula(alpha, premium):
    user = make_member("paula", alpha)
    Membership.objects.filter(user=user).update(viewer_plan=premium)
    return user


@pytest.fixture
def pages(alpha, free_plan) -> dict[str, str]:
    """Alpha's four pages with a slot, something on each."""
    drama = Genre.objects.create(name="Drama", slug="drama")
    heat = film("Heat", genres=[drama], content_rating="R")
    media = film_file(heat, duration_seconds=600)
    manga = comic_series("Night Harbour", age_rating="Teen")
    manga.genres.add(SeriesGenre.objects.create(name="Drama", slug="drama"))
    chapter = comic_chapter(manga, "1")
    return {
        "home": "/",
        "title": f"/title/{heat.slug}/",
        "player": f"/watch/{media.pk}/",
        "reader": f"/read/{chapter.pk}/",
    }


def as_(user) -> Client:
    client = Client(HTTP_HOST="a.test")
    if user is not None:
        client.force_login(user)
    return client


def slots_on(client: Client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    return SLOT.findall(response.content.decode())


def test_each_page_shows_its_own_slot_to_a_viewer_who_sees_ads(alpha, alice, pages):
    house_banner(alpha, "home", "title", "player", "reader")

    shown = {where: slots_on(as_(alice), path) for where, path in pages.items()}

    assert shown == {where: [where] for where in pages}


def test_a_house_banner_is_a_link_through_our_click_counter_and_a_pixel(alpha, alice, pages):
    campaign = house_banner(alpha, "home", name="Spring sale")

    html = as_(alice).get("/").content.decode()

    link = re.search(r'<a class="ad-banner" href="(/ads/c/[^/"]+/)" target="_blank"', html)
    assert link, html
    assert f'<img src="{campaign.banner_image.url}" alt="Spring sale"' in html
    assert re.search(r'<img class="ad-pixel" src="/ads/t/[^/"]+/impression/"', html)
    assert "<script" not in html.split('class="ad-slot')[1].split("</aside>")[0]
    assert "{%" not in html
    assert "{{" not in html


def test_the_pixel_counts_an_impression_and_the_click_counts_and_redirects(alpha, alice, pages):
    campaign = house_banner(alpha, "home")
    client = as_(alice)
    html = client.get("/").content.decode()
    pixel = re.search(r'class="ad-pixel" src="([^"]+)"', html)[1]
    click = re.search(r'class="ad-banner" href="([^"]+)"', html)[1]

    assert client.get(pixel).status_code == 204
    assert client.get(pixel).status_code == 204  # the same showing counts once
    answer = client.get(click)

    assert answer.status_code == 302
    assert answer["Location"] == "https://shop.example.com/offer"
    day = CampaignDay.objects.get(campaign=campaign, tenant=alpha)
    assert (day.impressions, day.clicks) == (1, 1)
    assert Impression.objects.get().viewer == f"user:{alice.pk}"


def test_a_tag_is_a_sandboxed_frame_that_the_page_policy_lets_in(alpha, alice, pages):
    tag_banner(alpha, "title")

    response = as_(alice).get(pages["title"])
    html = response.content.decode()
    frame = re.search(r"<iframe [^>]*>", html)[0]

    assert f'src="{TAG_URL}"' in frame
    assert f'sandbox="{SANDBOX}"' in frame
    assert "allow-same-origin" not in frame
    assert "{%" not in html
    assert "{{" not in html
    assert 'referrerpolicy="no-referrer"' in frame
    assert 'loading="lazy"' in frame
    policy = response[HEADER]
    assert f"frame-src 'self' {TAG_ORIGIN}" in policy
    assert policy.startswith(SITE_POLICY)


def test_on_the_player_the_tags_origin_joins_what_the_ad_breaks_let_in(alpha, alice, pages):
    tag_banner(alpha, "player")
    breaks = Campaign.objects.create(
        tenant=alpha, name="Pre-roll", creative="vast_tag", vast_tag_url=TAG_ORIGIN + "/vast"
    )
    breaks.placements.create(where="pre_roll")

    policy = as_(alice).get(pages["player"])[HEADER]

    assert f"frame-src 'self' {TAG_ORIGIN}" in policy
    assert "media-src 'self' blob: https:" in policy  # the player's (ads.breaks)
    assert "script-src" not in policy  # scripts stay at default-src 'self'


def test_only_the_page_with_the_tag_lets_its_origin_in(alpha, alice, pages):
    tag_banner(alpha, "title")

    response = as_(alice).get("/")

    assert response[HEADER] == SITE_POLICY
    assert SLOT.findall(response.content.decode()) == []


@pytest.mark.parametrize("who", ["premium viewer", "site admin", "operator"])
def test_viewers_without_ads_get_no_markup_and_no_campaign_query(
    who, alpha, paula, alpha_admin, olivia, pages
):
    house_banner(alpha, "home", "title", "player", "reader")
    tag_banner(alpha, "home", "title", "player", "reader")
    user = {"premium viewer": paula, "site admin": alpha_admin, "operator": olivia}[who]
    client = as_(user)

    for where, path in pages.items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 200, path
        assert "ad-slot" not in html, where
        assert "/ads/" not in html, where
        assert response[HEADER] == SITE_POLICY
        assert not any("ads_campaign" in q["sql"] for q in captured.captured_queries), where


def test_a_site_without_viewer_plans_shows_no_ads(alpha, alice):
    house_banner(alpha, "home")

    assert slots_on(as_(alice), "/") == []


def test_a_visitor_on_a_plan_with_ads_sees_the_banner(alpha, pages):
    house_banner(alpha, "home")

    assert slots_on(as_(None), "/") == ["home"]


def test_a_slot_shows_only_what_runs_there_and_on_this_site(alpha, beta, alice, pages):
    house_banner(beta, "home", name="Beta's own")
    house_banner(alpha, "title", name="Alpha's title page")

    assert slots_on(as_(alice), "/") == []


def test_the_operators_campaign_runs_on_every_site(alpha, alice, pages):
    house_banner(None, "home", name="Operator")

    assert slots_on(as_(alice), "/") == ["home"]


def test_a_paused_or_video_campaign_fills_no_slot(alpha, alice, pages):
    house_banner(alpha, "home", active=False)
    video = Campaign.objects.create(tenant=alpha, name="Video", creative="vast_tag")
    video.placements.create(where="home")  # not a banner: never in a slot

    assert slots_on(as_(alice), "/") == []


def test_targeting_follows_the_page(alpha, alice, pages):
    house_banner(alpha, "title", "reader", name="Manga only", kinds=["manga"])
    drama_only = house_banner(alpha, "player", name="Drama", age_ratings=["R"])
    drama_only.genres.add(Genre.objects.get(slug="drama"))
    client = as_(alice)

    assert slots_on(client, pages["title"]) == []  # a film
    assert slots_on(client, pages["reader"]) == ["reader"]
    assert slots_on(client, pages["player"]) == ["player"]


def test_a_series_matches_a_campaigns_genre_by_its_slug(alpha, alice, pages):
    campaign = house_banner(alpha, "reader")
    campaign.genres.add(Genre.objects.get(slug="drama"))

    assert slots_on(as_(alice), pages["reader"]) == ["reader"]
    campaign.genres.set([Genre.objects.create(name="Comedy", slug="comedy")])
    assert slots_on(as_(alice), pages["reader"]) == []


def test_a_spent_daily_budget_empties_the_slot(alpha, alice, pages):
    house_banner(alpha, "home", daily_budget=1)
    client = as_(alice)
    pixel = re.search(r'class="ad-pixel" src="([^"]+)"', client.get("/").content.decode())[1]
    client.get(pixel)

    assert slots_on(client, "/") == []


def test_a_house_banner_without_its_image_or_a_tag_with_an_odd_url_shows_nothing(
    alpha, alice, pages
):
    house_banner(alpha, "home").banner_image.delete(save=True)
    tag_banner(alpha, "title", url="https://user:pw@ads.example.net/x")

    assert slots_on(as_(alice), "/") == []
    response = as_(alice).get(pages["title"])
    assert SLOT.findall(response.content.decode()) == []
    assert response[HEADER] == SITE_POLICY


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://ads.example.net/tag?x=1", "https://ads.example.net"),
        ("https://ADS.Example.net:8443/t", "https://ads.example.net:8443"),
        ("http://127.0.0.1:9000/b.html", "http://127.0.0.1:9000"),
        ("javascript:alert(1)", None),
        ("data:text/html,hi", None),
        ("https://user@ads.example.net/", None),
        ("https://ads.example.net:99999/", None),
        ("https://[::1]/", None),
        ("https:///path", None),
        ("https://a;b.example/", None),
        ("https://a b.example/", None),
        ("https://ads.example.net'/", None),
    ],
)
def test_a_frames_origin_is_a_plain_source_or_none(url, origin):
    assert frame_origin(url) == origin


@given(st.text(max_size=80).map(lambda tail: "https://" + tail) | st.text(max_size=80))
def test_whatever_a_tag_url_holds_its_origin_is_one_plain_source_or_none(url):
    origin = frame_origin(url)

    assert origin is None or re.fullmatch(r"https?://[a-z0-9.-]+(:[0-9]{1,5})?", origin)


def test_widening_adds_sources_to_a_directive_or_adds_the_directive():
    policy = "default-src 'self'; img-src 'self' data:"

    assert widened(policy, {}) == policy
    assert widened(policy, {"img-src": {"https://b.test", "https://a.test"}}) == (
        "default-src 'self'; img-src 'self' data: https://a.test https://b.test"
    )
    assert widened(policy, {"frame-src": {"https://a.test"}}) == (
        "default-src 'self'; img-src 'self' data:; frame-src 'self' https://a.test"
    )


@pytest.mark.parametrize(
    ("directive", "source"),
    [
        ("frame-src", "https://a.test; script-src *"),
        ("frame-src", "https://a.test 'unsafe-inline'"),
        ("frame-src", "'unsafe-eval'"),
        ("frame-src", "https://a.test,b"),
        ("frame-src; script-src", "https://a.test"),
    ],
)
def test_a_page_cannot_widen_its_policy_with_more_than_one_source(rf, directive, source):
    with pytest.raises(ValueError, match="not a CSP"):
        allow_on_this_page(rf.get("/"), directive, source)
