"""Hostile VAST documents: entity tricks, external DTDs, huge and deeply nested documents,
too many of anything. Each is refused with a VastError, quickly, and never expands."""

from __future__ import annotations

import contextlib
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ads.vast import errors
from ads.vast.model import Document
from ads.vast.parse import MAX_BYTES, MAX_CREATIVES, MAX_MEDIA_FILES, MAX_URLS, parse
from tests.support.vast_samples import INLINE_4

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE VAST [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<VAST version="3.0"><Ad><InLine><AdTitle>&lol9;</AdTitle></InLine></Ad></VAST>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE VAST [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<VAST version="3.0"><Ad><InLine><AdTitle>&secret;</AdTitle></InLine></Ad></VAST>"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE VAST SYSTEM "http://127.0.0.1:9/vast.dtd">
<VAST version="3.0"/>"""

PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE VAST [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<VAST version="3.0"/>"""


@pytest.mark.parametrize(
    "document", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, PARAMETER_ENTITY]
)
def test_a_document_type_declaration_is_refused_as_a_parsing_error(document):
    started = time.monotonic()
    with pytest.raises(errors.MalformedXml) as caught:
        parse(document)
    assert caught.value.code == 100
    assert time.monotonic() - started < 1


def test_a_document_over_the_size_cap_is_refused_before_parsing():
    padding = "<!--" + "x" * MAX_BYTES + "-->"
    with pytest.raises(errors.MalformedXml, match="larger than"):
        parse(f'<VAST version="3.0">{padding}</VAST>')


def test_deep_nesting_within_the_cap_is_refused_as_not_vast_without_crashing():
    depth = 50_000
    document = "<a>" * depth + "</a>" * depth
    with pytest.raises(errors.SchemaError):
        parse(document)


def test_deep_nesting_inside_an_ad_is_ignored():
    junk = "<Extensions>" + "<x>" * 20_000 + "</x>" * 20_000 + "</Extensions>"
    document = f'<VAST version="4.0"><Ad><Wrapper><VASTAdTagURI>https://e.x/</VASTAdTagURI>{junk}</Wrapper></Ad></VAST>'
    assert parse(document).ads[0].ad_tag_uri == "https://e.x/"


def _inline(creatives: str) -> str:
    return (
        f'<VAST version="4.0"><Ad><InLine><Creatives>{creatives}</Creatives></InLine></Ad></VAST>'
    )


def _linear(inner: str) -> str:
    return f"<Creative><Linear><Duration>00:00:05</Duration>{inner}</Linear></Creative>"


def test_too_many_creatives_are_refused():
    with pytest.raises(errors.SchemaError, match="creatives"):
        parse(_inline(_linear("") * (MAX_CREATIVES + 1)))


def test_too_many_media_files_are_refused():
    media = '<MediaFile type="video/mp4" delivery="progressive">https://e.x/a.mp4</MediaFile>'
    with pytest.raises(errors.SchemaError, match="media files"):
        parse(_inline(_linear(f"<MediaFiles>{media * (MAX_MEDIA_FILES + 1)}</MediaFiles>")))


def test_too_many_tracking_urls_are_refused():
    tracking = '<Tracking event="start">https://e.x/t</Tracking>' * (MAX_URLS + 1)
    with pytest.raises(errors.SchemaError, match="tracking URLs"):
        parse(_inline(_linear(f"<TrackingEvents>{tracking}</TrackingEvents>")))


def test_too_many_ads_are_refused():
    ad = "<Ad><Wrapper><VASTAdTagURI>https://e.x/</VASTAdTagURI></Wrapper></Ad>"
    with pytest.raises(errors.SchemaError, match="ads"):
        parse(f'<VAST version="3.0">{ad * 11}</VAST>')


def test_invalid_utf8_is_a_parsing_error():
    with pytest.raises(errors.MalformedXml):
        parse(b'<VAST version="3.0"><Ad id="\xff\xfe"/></VAST>')
    with pytest.raises(errors.MalformedXml):
        parse('<VAST version="3.0"><Ad id="\ud800"/></VAST>')


@given(st.binary(max_size=2000))
def test_any_bytes_are_a_document_or_a_vast_error(data):
    with contextlib.suppress(errors.VastError):
        assert isinstance(parse(data), Document)


@given(cut=st.integers(min_value=0, max_value=len(INLINE_4)), junk=st.text(max_size=20))
def test_a_damaged_sample_is_a_document_or_a_vast_error(cut, junk):
    # Truncated or spliced: every outcome is a Document or a VastError, never another error.
    with contextlib.suppress(errors.VastError):
        assert isinstance(parse(INLINE_4[:cut] + junk + INLINE_4[cut:]), Document)
