"""Read a VAST 2.0, 3.0 or 4.x document into `model.Document`, safely and within limits.

defusedxml refuses DTDs outright (so no entity expansion, billion laughs, or external
entities); a size cap comes before any parsing and count caps after. Elements we do not play
(CompanionAds, NonLinearAds, Extensions, VAST 4's Mezzanine ...) are skipped, not refused.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # the Element type and ParseError; parsing is defused
from urllib.parse import urlsplit

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from ads.vast.errors import MalformedXml, SchemaError, UnsupportedVersion
from ads.vast.model import Ad, Document, Linear, MediaFile, Offset, Tracking

MAX_BYTES = 1024 * 1024
MAX_ADS = 10
MAX_CREATIVES = 20  # per ad
MAX_MEDIA_FILES = 50  # per linear creative
MAX_URLS = 200  # tracking, impression, error and click-tracking URLs per ad
VERSIONS = {"2", "3", "4"}  # major versions; 4.0 to 4.3 read alike for what we play
TIME = re.compile(r"(\d{1,3}):([0-5]?\d):([0-5]?\d(?:\.\d{1,3})?)")
PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)%")


def parse(data: bytes | str) -> Document:
    """The document's ads (InLine and Wrapper) in document order; a VastError otherwise."""
    # surrogatepass: a lone surrogate becomes bytes expat refuses (100), not UnicodeEncodeError.
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        raise MalformedXml(f"the VAST document is larger than {MAX_BYTES} bytes")
    try:
        root = fromstring(raw, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise MalformedXml(f"the VAST document declares a DTD or entities: {exc}") from None
    except ET.ParseError as exc:
        raise MalformedXml(f"the VAST document is not well-formed XML: {exc}") from None
    _strip_namespaces(root)
    if root.tag != "VAST":
        raise SchemaError(f"the document's root is <{root.tag[:40]}>, not <VAST>")
    version = (root.get("version") or "").strip()
    if not version:
        raise SchemaError("the <VAST> element has no version")
    if version.split(".")[0] not in VERSIONS:
        raise UnsupportedVersion(f"VAST version {version[:20]!r} is not read here (2, 3 or 4)")
    ads = root.findall("Ad")
    if len(ads) > MAX_ADS:
        raise SchemaError(f"the document has {len(ads)} ads; at most {MAX_ADS} are read")
    return Document(version, tuple(_ad(ad) for ad in ads), _urls(root, "Error"))


def pick_ad(document: Document) -> Ad | None:
    """The ad to play: the lowest `sequence` (an ad pod's first), else the first standalone.

    An InLine ad without a linear creative (companions or overlays only) is passed over."""
    playable = [ad for ad in document.ads if ad.is_wrapper or ad.linear is not None]
    ordered = sorted(
        enumerate(playable),
        key=lambda pair: (pair[1].sequence is None, pair[1].sequence or 0, pair[0]),
    )
    return ordered[0][1] if ordered else None


def _strip_namespaces(root: ET.Element) -> None:
    # VAST 4 documents may declare xmlns="http://www.iab.com/VAST"; the names are what count.
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.rsplit("}", 1)[1]


def _ad(element: ET.Element) -> Ad:
    inline, wrapper = element.find("InLine"), element.find("Wrapper")
    body = inline if inline is not None else wrapper
    if body is None:
        raise SchemaError("an <Ad> holds neither <InLine> nor <Wrapper>")
    ad_tag_uri = None
    if inline is None:
        ad_tag_uri = _text(body, "VASTAdTagURI")
        if not _is_http(ad_tag_uri):
            raise SchemaError("a <Wrapper> has no http(s) <VASTAdTagURI>")
    ad = Ad(
        id=element.get("id", ""),
        sequence=_int(element.get("sequence")),
        ad_system=_text(body, "AdSystem"),
        title=_text(body, "AdTitle"),
        impressions=_urls(body, "Impression"),
        errors=_urls(body, "Error"),
        linear=_linear(body, wrapper=inline is None),
        ad_tag_uri=ad_tag_uri,
        follow_additional_wrappers=(body.get("followAdditionalWrappers") or "").lower()
        not in {"false", "0"},
    )
    urls = len(ad.impressions) + len(ad.errors)
    if ad.linear:
        urls += len(ad.linear.tracking) + len(ad.linear.click_tracking)
    if urls > MAX_URLS:
        raise SchemaError(f"an ad carries {urls} tracking URLs; at most {MAX_URLS} are read")
    return ad


def _linear(body: ET.Element, *, wrapper: bool) -> Linear | None:
    creatives = body.findall("Creatives/Creative")
    if len(creatives) > MAX_CREATIVES:
        raise SchemaError(f"an ad has {len(creatives)} creatives; at most {MAX_CREATIVES}")
    ordered = sorted(
        ((_int(c.get("sequence")), n, c.find("Linear")) for n, c in enumerate(creatives)),
        key=lambda item: (item[0] is None, item[0] or 0, item[1]),
    )
    linears = [linear for _seq, _n, linear in ordered if linear is not None]
    return _read_linear(linears[0], wrapper=wrapper) if linears else None


def _read_linear(linear: ET.Element, *, wrapper: bool) -> Linear:
    duration = _duration(_text(linear, "Duration"), required=not wrapper)
    media = linear.findall("MediaFiles/MediaFile")
    if len(media) > MAX_MEDIA_FILES:
        raise SchemaError(f"a creative has {len(media)} media files; at most {MAX_MEDIA_FILES}")
    skip = linear.get("skipoffset")
    click_through = _text(linear, "VideoClicks/ClickThrough")
    return Linear(
        duration=duration,
        skip_offset=_offset(skip) if skip else None,
        media_files=tuple(m for m in map(_media_file, media) if m is not None),
        tracking=tuple(t for t in map(_tracking, linear.findall("TrackingEvents/Tracking")) if t),
        click_through=click_through if _is_http(click_through) else None,
        click_tracking=_urls(linear, "VideoClicks/ClickTracking"),
    )


def _media_file(element: ET.Element) -> MediaFile | None:
    url = (element.text or "").strip()
    if not _is_http(url):
        return None  # a media file we could never fetch is as good as absent
    return MediaFile(
        url=url,
        type=(element.get("type") or "").strip().lower(),
        width=_int(element.get("width")),
        height=_int(element.get("height")),
        bitrate=_int(element.get("bitrate") or element.get("maxBitrate")),
        delivery=(element.get("delivery") or "progressive").strip().lower(),
        codec=(element.get("codec") or "").strip(),
    )


def _tracking(element: ET.Element) -> Tracking | None:
    url, event = (element.text or "").strip(), (element.get("event") or "").strip()
    if not _is_http(url) or not event:
        return None
    offset = element.get("offset")
    try:
        return Tracking(event, url, _offset(offset) if offset else None)
    except SchemaError:
        return None  # one bad progress offset loses that one tracker, not the ad


def _duration(text: str, *, required: bool) -> float | None:
    if not text:
        if required:
            raise SchemaError("a <Linear> creative has no <Duration>")
        return None
    return _offset(text, allow_percent=False).value


def _offset(text: str, *, allow_percent: bool = True) -> Offset:
    """VAST time (HH:MM:SS or HH:MM:SS.mmm) in seconds, or "n%" where allowed."""
    text = text.strip()
    if match := TIME.fullmatch(text):
        hours, minutes, seconds = match.groups()
        # Rounded to VAST's millisecond: 111.198 s stays 111.198, not 111.19800000000001.
        return Offset(round(int(hours) * 3600 + int(minutes) * 60 + float(seconds), 3))
    if allow_percent and (match := PERCENT.fullmatch(text)) and float(match[1]) <= 100:
        return Offset(float(match[1]), percent=True)
    raise SchemaError(f"{text[:40]!r} is not a VAST time (HH:MM:SS.mmm) or percentage")


def _text(element: ET.Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _urls(element: ET.Element, path: str) -> tuple[str, ...]:
    texts = ((found.text or "").strip() for found in element.findall(path))
    return tuple(text for text in texts if _is_http(text))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _is_http(url: str | None) -> bool:
    # javascript:, data: and the like never reach a player or our fetcher.
    if not url:
        return False
    try:
        return urlsplit(url).scheme.lower() in {"http", "https"}
    except ValueError:
        return False
