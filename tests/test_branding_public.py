"""What viewers see of a site's branding: its favicon (else the default icon), its footer
links and links to the legal pages that have text, and those pages at /legal/<document>/,
escaped, in the site's frame; never another site's."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from tenants.legal_pages import LegalDocument, save_legal_texts

pytestmark = pytest.mark.django_db


def brand(site, links=(), **texts) -> None:
    site.footer_links = list(links)
    save_legal_texts(site, texts)
    site.save(update_fields=["footer_links", "legal_documents"])


def test_the_footer_shows_the_links_and_the_legal_pages_with_text(alpha, on_alpha):
    brand(alpha, [{"label": "About us", "url": "https://alpha.example/about"}], terms="T.")

    page = on_alpha.get("/").content.decode()

    footer = page[page.index('<footer class="footer"') :]
    assert '<a href="https://alpha.example/about">About us</a>' in footer
    assert '<a href="/legal/terms/">Terms of use</a>' in footer
    assert "/legal/privacy/" not in footer
    assert "/legal/imprint/" not in footer


def test_a_site_without_branding_shows_the_plain_footer_and_the_default_icon(alpha, on_alpha):
    page = on_alpha.get("/").content.decode()

    assert "/legal/" not in page
    assert 'href="/static/img/icon.svg" type="image/svg+xml"' in page


def test_the_favicon_replaces_the_default_icon(alpha, on_alpha, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    alpha.favicon.save("favicon.png", ContentFile(b"\x89PNG"), save=True)

    page = on_alpha.get("/").content.decode()

    assert f'<link rel="icon" href="{alpha.favicon.url}" type="image/png">' in page
    assert "img/icon.svg" not in page.split("</head>")[0]


def test_a_legal_page_shows_its_text_escaped_in_the_sites_frame(alpha, on_alpha):
    brand(alpha, privacy='We keep <script>alert("x")</script> nothing.\n\nAsk https://a.example.')

    response = on_alpha.get("/legal/privacy/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Privacy</h1>" in page
    assert "&lt;script&gt;" in page
    assert '<script>alert("x")' not in page
    assert '<a href="https://a.example" rel="nofollow">https://a.example</a>' in page
    assert '<span class="brand-name">Alpha</span>' in page


@pytest.mark.parametrize("document", ["imprint", "nothing", "TERMS"])
def test_a_page_without_text_or_no_such_page_is_not_found(alpha, on_alpha, document):
    brand(alpha, terms="Terms.")

    assert on_alpha.get(f"/legal/{document}/").status_code == 404


def test_another_sites_legal_pages_and_links_stay_on_that_site(alpha, beta, on_alpha):
    brand(beta, [{"label": "Beta's blog", "url": "/blog/"}], imprint="Beta Ltd.")

    assert on_alpha.get("/legal/imprint/").status_code == 404
    assert "Beta" not in on_alpha.get("/").content.decode()


def test_the_legal_page_answers_no_post(alpha, on_alpha):
    brand(alpha, terms="Terms.")

    assert on_alpha.post("/legal/terms/").status_code == 405


def test_a_legal_page_costs_the_site_lookup_and_its_row(alpha, on_alpha, django_assert_num_queries):
    brand(alpha, **{LegalDocument.TERMS: "Terms."})

    with django_assert_num_queries(2):  # the site by hostname, the page
        assert on_alpha.get("/legal/terms/").status_code == 200
