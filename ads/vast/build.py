"""Write VAST 4.2 for a hosted creative: one InLine ad with one Linear creative.

ElementTree escapes text and attributes, so a title or URL cannot close an element or add
one. What XML 1.0 cannot carry at all (control characters) is dropped, and a title is one
line: `parse` reads back exactly what was written (tests/test_ads_vast_build.py).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # building only; documents are read with defusedxml
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from ads.vast.macros import playhead_text
from ads.vast.model import MediaFile

VERSION = "4.2"
NAMESPACE = "http://www.iab.com/VAST"
AD_SYSTEM = "ShadowVault"
# Characters XML 1.0 allows (section 2.2); the rest cannot be written, escaped or not.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Elements of their own, not <Tracking event="...">.
OWN_ELEMENTS = {"impression", "error", "click"}


def build_vast(
    *,
    ad_id: str,
    title: str,
    duration: float,
    media: Sequence[MediaFile],
    skip_offset: float | None = None,
    tracking: Mapping[str, Sequence[str]] | None = None,
    click_through: str | None = None,
) -> bytes:
    """The VAST 4.2 document for one hosted video ad, as UTF-8 bytes.

    `tracking` maps an event to its URLs: "impression", "error" and "click" (ClickTracking)
    become their own elements, any other name a Linear <Tracking event="...">.
    ValueError for a URL that is not http(s) or carries spaces.
    """
    tracking = tracking or {}
    root = ET.Element("VAST", {"version": VERSION, "xmlns": NAMESPACE})
    ad = ET.SubElement(root, "Ad", {"id": _clean(ad_id)})
    inline = ET.SubElement(ad, "InLine")
    _add(inline, "AdSystem", AD_SYSTEM)
    for url in tracking.get("error", ()):
        _add(inline, "Error", _url(url))
    for url in tracking.get("impression", ()):
        _add(inline, "Impression", _url(url))
    _add(inline, "AdServingId", _clean(ad_id))
    _add(inline, "AdTitle", " ".join(_clean(title).split()))
    creative = ET.SubElement(ET.SubElement(inline, "Creatives"), "Creative", {"sequence": "1"})
    # The VAST 4 schema's order: a derived type's elements follow its base type's
    # (TrackingEvents from Linear_Base_type before Duration), then alphabetical within a type.
    linear = ET.SubElement(creative, "Linear")
    if skip_offset is not None:
        linear.set("skipoffset", playhead_text(skip_offset))
    _tracking_events(linear, tracking)
    _add(linear, "Duration", playhead_text(duration))
    files = ET.SubElement(linear, "MediaFiles")
    for item in media:
        _add(files, "MediaFile", _url(item.url), _media_attributes(item))
    _video_clicks(linear, click_through, tracking.get("click", ()))
    # VAST 4: UniversalAdId is required; "unknown" is the spec's value for no registry.
    _add(creative, "UniversalAdId", _clean(ad_id), {"idRegistry": "unknown"})
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _tracking_events(linear: ET.Element, tracking: Mapping[str, Sequence[str]]) -> None:
    events = [(e, url) for e, urls in tracking.items() if e not in OWN_ELEMENTS for url in urls]
    if events:
        parent = ET.SubElement(linear, "TrackingEvents")
        for event, url in events:
            _add(parent, "Tracking", _url(url), {"event": _clean(event)})


def _video_clicks(linear: ET.Element, click_through: str | None, clicks: Sequence[str]) -> None:
    if click_through or clicks:
        parent = ET.SubElement(linear, "VideoClicks")
        if click_through:
            _add(parent, "ClickThrough", _url(click_through))
        for url in clicks:
            _add(parent, "ClickTracking", _url(url))


def _media_attributes(item: MediaFile) -> dict[str, str]:
    attributes = {"delivery": _clean(item.delivery), "type": _clean(item.type)}
    for name in ("width", "height", "bitrate"):
        if (value := getattr(item, name)) is not None:
            attributes[name] = str(value)
    if item.codec:
        attributes["codec"] = _clean(item.codec)
    return attributes


def _add(
    parent: ET.Element, tag: str, text: str, attributes: dict[str, str] | None = None
) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes or {})
    element.text = text
    return element


def _clean(text: str) -> str:
    return NOT_XML.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


def _url(url: str) -> str:
    if any(ch.isspace() or ord(ch) < 32 for ch in url) or urlsplit(url).scheme not in {
        "http",
        "https",
    }:
        raise ValueError(f"{url[:80]!r} is not an http(s) URL without spaces")
    return url
