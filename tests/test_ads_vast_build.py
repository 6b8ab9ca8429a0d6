"""VAST 4.2 for a hosted creative: well-formed, escaped, and read back as written."""

from __future__ import annotations

import string
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ads.vast.build import build_vast
from ads.vast.model import MediaFile, Offset
from ads.vast.parse import parse, pick_ad
from ads.vast.resolve import player_ad

CDN = "https://cdn.example/a"
MEDIA = (
    MediaFile(f"{CDN}/720.mp4?sig=a&exp=1", "video/mp4", 1280, 720, 2400, codec="avc1.64001F"),
    MediaFile(f"{CDN}/360.webm?sig=b&exp=1", "video/webm", 640, 360, 700, codec="vp9"),
)
TRACKING = {
    "impression": ["https://t.example/i?cb=[CACHEBUSTING]"],
    "error": ["https://t.example/e?code=[ERRORCODE]"],
    "click": ["https://t.example/c"],
    "start": ["https://t.example/s", "https://partner.example/s"],
    "firstQuartile": ["https://t.example/q1"],
    "midpoint": ["https://t.example/mid"],
    "thirdQuartile": ["https://t.example/q3"],
    "complete": ["https://t.example/done"],
    "skip": ["https://t.example/skip"],
    "pause": ["https://t.example/pause"],
    "mute": ["https://t.example/mute"],
}


def _build(**changes):
    values = {
        "ad_id": "campaign-7",
        "title": "Autumn sale",
        "duration": 15.25,
        "media": MEDIA,
        "skip_offset": 5,
        "tracking": TRACKING,
        "click_through": "https://shop.example/?utm=vast&x=1",
    }
    return build_vast(**{**values, **changes})


def test_the_built_document_reads_back_identically():
    document = parse(_build())
    ad = pick_ad(document)
    assert document.version == "4.2"
    assert (ad.id, ad.title, ad.ad_system) == ("campaign-7", "Autumn sale", "ShadowVault")
    assert ad.impressions == tuple(TRACKING["impression"])
    assert ad.errors == tuple(TRACKING["error"])
    assert ad.linear.duration == 15.25
    assert ad.linear.skip_offset == Offset(5.0)
    assert ad.linear.media_files == MEDIA
    assert ad.linear.click_through == "https://shop.example/?utm=vast&x=1"
    assert ad.linear.click_tracking == tuple(TRACKING["click"])
    player = player_ad(ad, [], 720).as_dict()
    assert player["tracking"] == TRACKING
    assert player["skipOffset"] == 5.0


def test_an_unskippable_ad_has_no_skipoffset():
    built = _build(skip_offset=None)
    assert b"skipoffset" not in built
    assert pick_ad(parse(built)).linear.skip_offset is None


def test_hostile_titles_are_escaped_and_control_characters_dropped():
    title = "]]></AdTitle><Impression>https://evil.example/</Impression>&amp;\x00\x1b \"'<!--"
    ad = pick_ad(parse(_build(title=title, ad_id='"><x a="')))
    assert ad.title == "]]></AdTitle><Impression>https://evil.example/</Impression>&amp; \"'<!--"
    assert ad.id == '"><x a="'
    assert ad.impressions == tuple(TRACKING["impression"])


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "https://t.example/a b", "https://t.example/\n", "//t.example"]
)
def test_a_url_that_is_not_plain_http_is_refused(url):
    with pytest.raises(ValueError, match="http"):
        _build(click_through=url)


URL_CHARACTERS = string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@/?%<>\"[]"


def _xml_char(c: str) -> bool:
    # XML 1.0, section 2.2: what a document may carry at all.
    n = ord(c)
    return c in "\t\n\r" or 0x20 <= n <= 0xD7FF or 0xE000 <= n <= 0xFFFD or n >= 0x10000


@given(
    title=st.text(max_size=60),
    path=st.text(alphabet=URL_CHARACTERS, max_size=40),
    duration=st.integers(min_value=1, max_value=3600 * 1000).map(lambda ms: ms / 1000),
)
def test_any_title_and_url_round_trip(title, path, duration):
    url = f"https://cdn.example/{path}"
    media = (MediaFile(url, "video/mp4", 640, 360),)
    built = _build(title=title, media=media, duration=duration, tracking={"start": [url]})
    ad = pick_ad(parse(built))
    assert ad.title == " ".join("".join(filter(_xml_char, title)).split())
    assert ad.linear.media_files == media
    assert ad.linear.duration == duration
    assert [t.url for t in ad.linear.tracking] == [url]


def test_elements_come_in_the_vast_4_schemas_order():
    # xs:extension appends a derived type's elements after its base type's: Impression (base)
    # before AdServingId and AdTitle, TrackingEvents (base) before Duration and MediaFiles.
    root = ET.fromstring(_build())  # noqa: S314  our own output
    ns = "{http://www.iab.com/VAST}"
    inline = root.find(f"{ns}Ad/{ns}InLine")
    creative = inline.find(f"{ns}Creatives/{ns}Creative")
    names = [[child.tag.removeprefix(ns) for child in element] for element in (inline, creative)]
    assert names == [
        ["AdSystem", "Error", "Impression", "AdServingId", "AdTitle", "Creatives"],
        ["Linear", "UniversalAdId"],
    ]
    linear = creative.find(f"{ns}Linear")
    assert [child.tag.removeprefix(ns) for child in linear] == [
        "TrackingEvents",
        "Duration",
        "MediaFiles",
        "VideoClicks",
    ]
