"""Tracking-URL macros: known ones filled and URL-encoded, unknown ones left as they are."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlsplit

from hypothesis import given
from hypothesis import strategies as st

from ads.vast.macros import fill_macros, playhead_text

NOON = datetime(2026, 12, 5, 12, 0, 7, 127000, tzinfo=UTC)
# RFC 3986 unreserved characters plus %XX escapes: all an encoded value may contain.
ENCODED = r"(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})*"
KNOWN = ["[ERRORCODE]", "[CACHEBUSTING]", "[TIMESTAMP]", "[CONTENTPLAYHEAD]", "[MEDIAPLAYHEAD]"]
UNKNOWN = ["[ADPLAYHEAD]", "[REGULATIONS]", "[X]", "[not_a_macro]", "[", "]"]
URL_TEXT = st.text(alphabet=string.ascii_letters + string.digits + "-._~/?&=%:+,;", max_size=20)


def test_each_known_macro_is_filled():
    url = (
        "https://t.example/e?code=[ERRORCODE]&cb=[CACHEBUSTING]&ts=[TIMESTAMP]"
        "&ph=[CONTENTPLAYHEAD]&mp=[MEDIAPLAYHEAD]&other=[ADCOUNT]"
    )
    filled = fill_macros(url, error_code=303, playhead=3725.5, media_playhead=4, now=NOON)
    query = urlsplit(filled).query
    assert "code=303&" in query
    assert re.search(r"cb=\d{8}&", query)
    assert "ts=2026-12-05T12%3A00%3A07.127%2B00%3A00&" in query
    assert "ph=01%3A02%3A05.500&" in query
    assert "mp=00%3A00%3A04.000&" in query
    assert query.endswith("other=[ADCOUNT]")


def test_macros_without_a_value_stay_for_the_player():
    url = "https://t.example/e?code=[ERRORCODE]&ph=[CONTENTPLAYHEAD]"
    assert fill_macros(url, now=NOON) == url


def test_a_timestamp_keeps_its_zone():
    paris = timezone(timedelta(hours=1))
    filled = fill_macros("https://t/?t=[TIMESTAMP]", now=NOON.astimezone(paris))
    assert filled.endswith("13%3A00%3A07.127%2B01%3A00")


def test_playhead_text_is_vast_time():
    assert playhead_text(0) == "00:00:00.000"
    assert playhead_text(59.9996) == "00:01:00.000"
    assert playhead_text(-3) == "00:00:00.000"


@given(
    parts=st.lists(st.one_of(URL_TEXT, st.sampled_from(KNOWN + UNKNOWN)), max_size=12),
    code=st.integers(min_value=0, max_value=10**6),
    playhead=st.floats(min_value=-10, max_value=10**6, allow_nan=False),
    offset=st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_filling_never_breaks_the_url_or_injects_unencoded_characters(
    parts, code, playhead, offset
):
    url = "https://t.example/p?" + "".join(parts)
    now = NOON.astimezone(timezone(timedelta(minutes=offset)))
    filled = fill_macros(url, error_code=code, playhead=playhead, media_playhead=playhead, now=now)
    # The URL is the template with each known macro replaced by encoded characters only;
    # everything else (unknown macros, stray brackets) is left exactly as it was.
    pattern = "".join(
        ENCODED if p in KNOWN else re.escape(p) for p in re.split(r"(\[[A-Z][A-Z0-9_]*\])", url)
    )
    assert re.fullmatch(pattern, filled)
    assert urlsplit(filled)[:2] == urlsplit(url)[:2]
    assert not any(macro in filled for macro in KNOWN)
