"""Reading VAST 2, 3 and 4 documents: ads, linear creatives, media files, trackers, offsets."""

from __future__ import annotations

import pytest

from ads.vast import errors
from ads.vast.media import choose_media
from ads.vast.model import Offset
from ads.vast.parse import parse, pick_ad
from ads.vast.resolve import player_ad
from tests.support.vast_samples import EMPTY, INLINE_2, INLINE_4, POD_3, wrapper


def test_it_reads_a_vast_4_inline_ad_with_its_namespace():
    document = parse(INLINE_4)
    ad = pick_ad(document)
    assert document.version == "4.1"
    assert ad is not None
    assert (ad.id, ad.title, ad.is_wrapper) == ("20001", "iabtechlab video ad", False)
    assert ad.impressions == ("https://example.com/track/impression",)
    assert ad.errors == ("https://example.com/error?code=[ERRORCODE]",)
    linear = ad.linear
    assert linear is not None
    assert linear.duration == 16.0
    assert linear.skip_offset == Offset(5.0)
    assert linear.click_through == "https://iabtechlab.com"
    assert linear.click_tracking == ("https://example.com/tracking/click",)
    first = linear.media_files[0]
    assert (first.type, first.width, first.height, first.bitrate, first.codec) == (
        "video/mp4",
        1280,
        720,
        2000,
        "avc1.4D401F",
    )
    assert first.url.endswith("VAST-4.0-Short-Intro.mp4")  # CDATA and whitespace stripped
    assert len(linear.media_files) == 4  # the Mezzanine is not a media file to play


def test_progress_offsets_are_read_as_seconds_or_a_percentage():
    linear = pick_ad(parse(INLINE_4)).linear
    progress = {t.url: t.offset for t in linear.tracking if t.event == "progress"}
    assert progress == {
        "https://example.com/tracking/10s": Offset(10.0),
        "https://example.com/tracking/25pc": Offset(25.0, percent=True),
    }


def test_the_player_json_lists_every_event_and_skips_the_companion():
    ad = player_ad(pick_ad(parse(INLINE_4)), [], preferred_height=720).as_dict()
    assert ad["mediaUrl"].endswith("VAST-4.0-Short-Intro.mp4")
    assert ad["mediaType"] == "video/mp4"
    assert (ad["duration"], ad["skipOffset"]) == (16.0, 5.0)
    assert ad["clickThrough"] == "https://iabtechlab.com"
    assert ad["tracking"]["start"] == ["https://example.com/tracking/start"]
    assert ad["tracking"]["impression"] == ["https://example.com/track/impression"]
    assert ad["tracking"]["click"] == ["https://example.com/tracking/click"]
    assert ad["tracking"]["pause"] == []
    assert ad["progress"] == [
        {"offset": 4.0, "url": "https://example.com/tracking/25pc"},
        {"offset": 10.0, "url": "https://example.com/tracking/10s"},
    ]


@pytest.mark.parametrize(
    ("height", "chosen"),
    [(720, "Short-Intro.mp4"), (480, "Short-Intro-mobile.mp4"), (300, "ad-360.webm")],
)
def test_the_playable_file_nearest_the_players_height_is_chosen(height, chosen):
    files = pick_ad(parse(INLINE_4)).linear.media_files
    assert choose_media(files, height).url.endswith(chosen)  # never the HLS one at 1080


def test_a_vast_2_ad_plays_its_mp4_and_not_its_flash_file():
    document = parse(INLINE_2)
    ad = player_ad(pick_ad(document), [], preferred_height=360)
    assert document.version == "2.0"
    assert ad.media_url == "http://example.com/v2/ad.mp4"
    assert ad.skip_offset is None
    assert ad.duration == 30.0
    assert ad.tracking["creativeView"] == ("http://example.com/v2/view",)


def test_a_pod_plays_its_lowest_sequence_and_that_ads_first_creative():
    ad = pick_ad(parse(POD_3))
    assert ad.id == "first"
    assert ad.linear.media_files[0].url == "https://example.com/first-a.mp4"
    assert player_ad(ad, [], 360).skip_offset == 5.0  # 25% of 20 s


def test_an_empty_vast_has_no_ad():
    assert pick_ad(parse(EMPTY)) is None


def test_a_wrapper_is_read_with_its_tag_uri_and_trackers():
    ad = pick_ad(parse(wrapper("https://ads.example.net/next", "w1", follow="false")))
    assert ad.is_wrapper
    assert ad.ad_tag_uri == "https://ads.example.net/next"
    assert ad.follow_additional_wrappers is False
    assert ad.linear.duration is None
    assert ad.linear.click_tracking == ("https://example.com/w1/click",)


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ("<VAST version='3.0'><Ad>", errors.XML_PARSING),
        ("not xml at all", errors.XML_PARSING),
        ("<VMAP version='1.0'/>", errors.SCHEMA),
        ("<VAST/>", errors.SCHEMA),
        ("<VAST version='1.0'/>", errors.VERSION),
        ("<VAST version='5.0'/>", errors.VERSION),
        ("<VAST version='3.0'><Ad id='x'/></VAST>", errors.SCHEMA),
        ("<VAST version='3.0'><Ad><Wrapper><AdSystem/></Wrapper></Ad></VAST>", errors.SCHEMA),
        (
            "<VAST version='3.0'><Ad><Wrapper><VASTAdTagURI>javascript:alert(1)</VASTAdTagURI>"
            "</Wrapper></Ad></VAST>",
            errors.SCHEMA,
        ),
        (
            "<VAST version='4.0'><Ad><InLine><Creatives><Creative><Linear><Duration>soon"
            "</Duration></Linear></Creative></Creatives></InLine></Ad></VAST>",
            errors.SCHEMA,
        ),
        (
            "<VAST version='4.0'><Ad><InLine><Creatives><Creative><Linear/></Creative>"
            "</Creatives></InLine></Ad></VAST>",
            errors.SCHEMA,
        ),
    ],
)
def test_each_failure_carries_its_vast_error_code(document, code):
    with pytest.raises(errors.VastError) as caught:
        parse(document)
    assert caught.value.code == code


def test_a_file_list_with_nothing_playable_is_403_and_none_at_all_401():
    files = pick_ad(parse(INLINE_2)).linear.media_files[:1]  # the FLV alone
    with pytest.raises(errors.NoSupportedMedia) as caught:
        choose_media(files, 360)
    assert caught.value.code == 403
    with pytest.raises(errors.NoSupportedMedia) as caught:
        choose_media([], 360)
    assert caught.value.code == 401


def test_javascript_urls_never_reach_the_player():
    document = INLINE_2.replace(
        "http://example.com/v2/landing", "javascript:alert(document.cookie)"
    ).replace("http://example.com/v2/start", "data:text/html,hi")
    linear = pick_ad(parse(document)).linear
    assert linear.click_through is None
    assert all(t.url.startswith("http") for t in linear.tracking)


def test_an_ad_with_only_companions_is_passed_over_for_a_linear_one():
    companions_only = (
        "<Ad id='banner' sequence='1'><InLine><AdSystem>x</AdSystem><Creatives><Creative>"
        "<CompanionAds/></Creative></Creatives></InLine></Ad>"
    )
    document = parse(
        POD_3.replace('<VAST version="3.0">', f'<VAST version="3.0">{companions_only}')
    )
    assert document.ads[0].linear is None
    assert pick_ad(document).id == "first"
    only = parse(f"<VAST version='4.0'>{companions_only}</VAST>")
    assert pick_ad(only) is None
