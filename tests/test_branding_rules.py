"""The pure rules under the console's Branding page: footer link addresses, colours and
their contrast (the same cases as branding-colours.test.mjs in tests/js), the legal texts'
rendering, the stored shape of footer links, and what a favicon is stored as."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from console.branding.contrast import contrast, contrast_warnings, luminance, shown_ratio
from console.branding.forms import clean_hex
from tenants.footer_links import (
    MAX_LINKS,
    clean_link_label,
    clean_link_url,
    validate_footer_links,
)
from tenants.legal_pages import legal_html
from tenants.site_images import favicon_png
from tests.support.branding_pictures import picture

HOST = st.from_regex(r"[a-z]([a-z0-9-]{0,18}[a-z0-9])?\.(com|org|example|test)", fullmatch=True)
PATH = st.from_regex(r"(/[A-Za-z0-9._~-]{0,12}){0,4}", fullmatch=True)
SCHEME = st.from_regex(r"[A-Za-z][A-Za-z0-9+.-]{0,10}", fullmatch=True)


@given(scheme=st.sampled_from(["http", "https", "HTTPS"]), host=HOST, path=PATH)
def test_any_web_address_is_a_link(scheme, host, path):
    url = f"{scheme}://{host}{path}"

    assert clean_link_url(f"  {url} ") == url


@given(path=PATH.filter(lambda p: p and not p.startswith("//")))
def test_any_path_on_the_site_is_a_link(path):
    assert clean_link_url(path) == path


@given(scheme=SCHEME.filter(lambda s: s.lower() not in {"http", "https"}), rest=st.text())
def test_no_other_scheme_is_a_link(scheme, rest):
    with pytest.raises(ValidationError):
        clean_link_url(f"{scheme}:{rest}")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "java\tscript:x",
        "data:text/html,x",
        "//x.test",
    ],
)
def test_script_and_data_addresses_are_refused(url):
    with pytest.raises(ValidationError):
        clean_link_url(url)


def test_a_label_is_one_line_and_short():
    assert clean_link_label("  About \n us ") == "About us"
    with pytest.raises(ValidationError):
        clean_link_label("x" * 41)
    with pytest.raises(ValidationError):
        clean_link_label("   ")


def test_the_stored_links_are_checked_whoever_writes_them():
    validate_footer_links([{"label": "Help", "url": "/help/"}])
    for bad in [
        {"label": "Help", "url": "/help/"},
        [{"label": "Help"}],
        [{"label": "Help", "url": "javascript:x"}],
        [{"label": 1, "url": "/x/"}],
        [{"label": "L", "url": "/x/"}] * (MAX_LINKS + 1),
    ]:
        with pytest.raises(ValidationError):
            validate_footer_links(bad)


@given(digits=st.from_regex(r"[0-9a-fA-F]{6}", fullmatch=True), hash_=st.booleans())
def test_any_six_hex_digits_are_a_colour(digits, hash_):
    assert clean_hex(("#" if hash_ else "") + digits) == "#" + digits.lower()


@given(st.text().filter(lambda t: not re.fullmatch(r"\s*#?[0-9a-fA-F]{6}\s*", t)))
def test_nothing_else_is_a_colour(text):
    with pytest.raises(ValidationError):
        clean_hex(text)


@given(
    st.from_regex(r"#[0-9a-f]{6}", fullmatch=True), st.from_regex(r"#[0-9a-f]{6}", fullmatch=True)
)
def test_contrast_is_symmetric_and_between_1_and_21(one, other):
    ratio = contrast(one, other)

    assert ratio == contrast(other, one)
    assert 1 <= ratio <= 21.000001


def test_contrast_matches_wcag_and_the_scripts_cases():
    assert luminance("#000000") == 0
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") >= 4.5 > contrast("#777777", "#ffffff")
    assert shown_ratio(4.4999) == "4.4:1"
    assert contrast_warnings("#4c1d95", "#22d3ee") == []
    assert contrast_warnings("#ffff00", "#111111") == [
        "White text on the first colour (buttons) has a contrast of 1.0:1; 4.5:1 reads well. "
        "A darker colour helps.",
        "Text in the second colour on the dark page has a contrast of 1.0:1; 4.5:1 reads well. "
        "A lighter colour helps.",
    ]


def test_legal_text_is_escaped_in_paragraphs_with_bare_links():
    html = legal_html('Hi <script>alert("x")</script>\nline two\n\nSee https://a.example/x.')

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert html.startswith("<p>")
    assert "<br>" in html
    assert html.count("<p>") == 2
    assert '<a href="https://a.example/x" rel="nofollow">https://a.example/x</a>.' in html


@given(st.text(max_size=300))
def test_legal_text_never_carries_markup_of_its_own(text):
    html = legal_html(text)

    tags = set(re.findall(r"<\s*/?\s*([a-zA-Z]+)", html))
    assert tags <= {"p", "br", "a"}
    assert "javascript:" not in " ".join(re.findall(r'href="([^"]*)"', html)).lower()


def test_a_favicon_is_redrawn_as_a_png_of_at_most_256_pixels():
    stored = favicon_png(picture("ICO", 256, name="x.ico"))
    big = favicon_png(picture("PNG", 1024))

    for content in (stored, big):
        image = Image.open(content)
        assert image.format == "PNG"
        assert max(image.size) <= 256
