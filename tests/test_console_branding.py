"""The console's Branding page (/console/branding/): the site's name, tagline, logo, favicon,
colours, footer links and legal texts, saved all at once or not at all, with a preview that
never saves; only the site's own admins and operators change it."""

from __future__ import annotations

import pytest
from django.test import Client

from tenants.legal_pages import LegalPage
from tenants.models import Tenant
from tests.support.branding_pictures import SVG, picture, upload

pytestmark = pytest.mark.django_db

PAGE = "/console/branding/"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def owner(on_alpha, alpha_admin) -> Client:
    on_alpha.force_login(alpha_admin)
    return on_alpha


def form(**changes) -> dict:
    """Alpha's values as the page shows them, with `changes`; two empty link rows."""
    data = {
        "name": "Alpha",
        "tagline": "",
        "accent_colour": "#ff0066",
        "accent_colour_2": "#22d3ee",
        "legal_terms": "",
        "legal_privacy": "",
        "legal_imprint": "",
        "links-TOTAL_FORMS": "2",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "8",
    }
    return data | changes


def reloaded(site: Tenant) -> Tenant:
    return Tenant.objects.get(pk=site.pk)


def test_the_page_shows_the_saved_look_and_its_preview(owner, alpha):
    page = owner.get(PAGE).content.decode()

    assert 'name="accent_colour" value="#ff0066"' in page
    assert "--accent: #ff0066" in page
    assert "data-preview-name>Alpha<" in page
    assert "js/branding/preview.js" in page


def test_saving_writes_every_value(owner, alpha, media, django_capture_on_commit_callbacks):
    data = form(
        name="Alpha Cinema",
        tagline="Films at night",
        accent_colour="4C1D95",  # no hash, capitals: taken as #4c1d95
        accent_colour_2="#22D3EE",
        legal_terms="Be kind.\n\nNo sharing of links.",
        legal_imprint="Alpha Ltd, 1 Road, Town",
        **{"links-0-label": "About us", "links-0-url": "https://alpha.example/about"},
        **{"links-1-label": "Help", "links-1-url": "/help/"},
    )
    data["favicon"] = picture("PNG")
    data["logo"] = picture("PNG", 128)

    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(PAGE, data)

    assert response.status_code == 302
    site = reloaded(alpha)
    assert (site.name, site.tagline) == ("Alpha Cinema", "Films at night")
    assert (site.accent_colour, site.accent_colour_2) == ("#4c1d95", "#22d3ee")
    assert site.footer_links == [
        {"label": "About us", "url": "https://alpha.example/about"},
        {"label": "Help", "url": "/help/"},
    ]
    assert site.legal_documents == ["terms", "imprint"]
    assert LegalPage.objects.for_tenant(site).get(document="terms").text.startswith("Be kind.")
    assert site.favicon.name.endswith(".png")
    assert site.logo.name.endswith(".png")
    assert "Saved" in owner.get(PAGE).content.decode()


def test_an_invalid_field_saves_nothing_and_keeps_every_value_typed(owner, alpha):
    data = form(
        name="A new name",
        tagline="A new tagline",
        accent_colour="purple",
        legal_privacy="We keep nothing.",
        **{"links-0-label": "About", "links-0-url": "https://alpha.example/about"},
    )

    response = owner.post(PAGE, data)

    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter a colour as #rrggbb" in page
    assert 'value="A new name"' in page
    assert 'value="A new tagline"' in page
    assert "We keep nothing." in page
    assert 'value="https://alpha.example/about"' in page
    site = reloaded(alpha)
    assert (site.name, site.tagline, site.footer_links) == ("Alpha", "", [])
    assert not LegalPage.objects.for_tenant(site).exists()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        " JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/",
        "/\\evil.example/",
        "ftp://files.example/",
        "https://",
        "about us",
    ],
)
def test_a_footer_link_that_is_no_web_address_or_path_is_refused(owner, alpha, url):
    response = owner.post(PAGE, form(**{"links-0-label": "Click", "links-0-url": url}))

    assert response.status_code == 400
    assert reloaded(alpha).footer_links == []


def test_a_link_needs_a_label_and_a_label_an_address(owner, alpha):
    data = form(**{"links-0-url": "/help/", "links-1-label": "Orphan"})

    page = owner.post(PAGE, data).content.decode()

    assert "Give the link a label." in page
    assert "Enter the link&#x27;s address." in page


def test_a_forged_form_count_builds_no_more_than_eight_links(owner, alpha):
    data = form(**{"links-TOTAL_FORMS": "100000"})
    data |= {f"links-{i}-label": f"L{i}" for i in range(20)}
    data |= {f"links-{i}-url": f"/l{i}/" for i in range(20)}

    response = owner.post(PAGE, data)

    assert response.status_code == 400
    assert reloaded(alpha).footer_links == []


@pytest.mark.parametrize(
    ("field", "sent", "says"),
    [
        ("favicon", upload("icon.svg", SVG, "image/svg+xml"), "not a picture"),
        ("favicon", upload("icon.png", b"\x89PNG but not really"), "not a picture"),
        ("favicon", picture("GIF"), "a PNG or ICO picture; this file is GIF"),
        ("favicon", picture("PNG", 1100), "at most 1024 pixels"),
        ("logo", upload("logo.svg", SVG, "image/svg+xml"), "not a picture"),
        ("logo", picture("BMP"), "a PNG, JPEG, WebP or GIF picture"),
    ],
)
def test_a_picture_of_the_wrong_kind_is_a_form_error(owner, alpha, media, field, sent, says):
    response = owner.post(PAGE, form(name="Renamed", **{field: sent}))

    assert response.status_code == 400
    assert says in response.content.decode()
    site = reloaded(alpha)
    assert (site.name, bool(site.favicon), bool(site.logo)) == ("Alpha", False, False)
    assert not any(media.rglob("*.*"))


def test_an_ico_favicon_is_stored_as_a_png_pillow_drew(owner, alpha, media):
    owner.post(PAGE, form(favicon=picture("ICO", 48, name="favicon.ico")))

    favicon = reloaded(alpha).favicon
    assert favicon.name.startswith("public/favicons/")
    assert favicon.name.endswith(".png")
    assert favicon.open("rb").read(8) == b"\x89PNG\r\n\x1a\n"


def test_a_replaced_logo_and_favicon_are_deleted_after_the_commit(
    owner, alpha, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(PAGE, form(logo=picture("PNG"), favicon=picture("PNG")))
    first = reloaded(alpha)
    old = [media / first.logo.name, media / first.favicon.name]
    assert all(path.exists() for path in old)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        owner.post(PAGE, form(logo=picture("JPEG"), **{"favicon-clear": "on"}))
    assert all(path.exists() for path in old), "deleted before the commit"
    for callback in callbacks:
        callback()

    site = reloaded(alpha)
    assert site.logo.name.endswith(".jpg")
    assert not site.favicon
    assert not any(path.exists() for path in old)
    assert (media / site.logo.name).exists()


def test_the_preview_shows_the_typed_values_and_saves_nothing(owner, alpha, media):
    data = form(name="Typed Name", accent_colour="#123456", legal_terms="Draft terms.")
    data |= {"preview": "1", "logo": picture("PNG")}

    response = owner.post(PAGE, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "--accent: #123456" in page
    assert "data-preview-name>Typed Name<" in page
    assert "nothing is saved" in page
    site = reloaded(alpha)
    assert (site.name, site.accent_colour, bool(site.logo)) == ("Alpha", "#ff0066", False)
    assert not LegalPage.objects.for_tenant(site).exists()
    assert not any(media.rglob("*.*"))
    # The page's own frame still shows the saved site.
    assert '<span class="brand-name">Alpha</span>' in page


def test_poor_contrast_is_warned_about_and_still_saved(owner, alpha):
    response = owner.post(PAGE, form(accent_colour="#ffff66", preview="1"))

    assert "White text on the first colour (buttons) has a contrast of" in response.content.decode()
    assert owner.post(PAGE, form(accent_colour="#ffff66")).status_code == 302
    assert reloaded(alpha).accent_colour == "#ffff66"


def test_emptying_a_legal_text_removes_its_page(owner, alpha):
    owner.post(PAGE, form(legal_terms="Terms.", legal_privacy="Privacy."))

    owner.post(PAGE, form(legal_privacy="Privacy."))

    site = reloaded(alpha)
    assert site.legal_documents == ["privacy"]
    assert list(LegalPage.objects.for_tenant(site).values_list("document", flat=True)) == [
        "privacy"
    ]


def test_an_admin_of_another_site_cannot_change_alphas_branding(on_alpha, alpha, beta_admin):
    on_alpha.force_login(beta_admin)

    response = on_alpha.post(PAGE, form(name="Taken over", legal_terms="Mine now."))

    assert response.status_code == 302
    assert "/account/login/" in response["Location"]
    site = reloaded(alpha)
    assert site.name == "Alpha"
    assert not LegalPage.objects.for_tenant(site).exists()


def test_a_viewer_of_the_site_is_refused(on_alpha, alpha, alice):
    on_alpha.force_login(alice)

    assert on_alpha.post(PAGE, form(name="Taken over")).status_code == 403
    assert reloaded(alpha).name == "Alpha"


def test_an_operator_may_brand_any_site(on_alpha, alpha, olivia):
    on_alpha.force_login(olivia)

    assert on_alpha.post(PAGE, form(name="Operated")).status_code == 302
    assert reloaded(alpha).name == "Operated"


def test_saving_on_beta_changes_beta_alone(on_beta, alpha, beta, beta_admin):
    on_beta.force_login(beta_admin)

    on_beta.post(PAGE, form(name="Beta Two", legal_terms="Beta's terms."))

    assert reloaded(beta).name == "Beta Two"
    assert reloaded(alpha).name == "Alpha"
    assert not LegalPage.objects.for_tenant(alpha).exists()


def test_the_post_needs_its_csrf_token(alpha, alpha_admin):
    client = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)
    client.force_login(alpha_admin)

    assert client.post(PAGE, form(name="Forged")).status_code == 403
    assert reloaded(alpha).name == "Alpha"
