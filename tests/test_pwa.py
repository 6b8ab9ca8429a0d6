"""The site as an installable web app: each site's manifest and icons, the service worker's
headers and what it may cache, the offline page."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image

from tests.support.services import REPO

pytestmark = pytest.mark.django_db

PRIVATE = ["/media/", "/api/", "/admin/", "/account/", "/watch/", "/search/typeahead"]


def manifest_of(client: Client) -> dict:
    return json.loads(client.get("/manifest.webmanifest").content)


def script_constant(script: str, name: str):
    """The JSON value of `const NAME = ...;` in the service worker's script."""
    found = re.search(rf"^const {name} = (.+);$", script, re.MULTILINE)
    assert found, f"no const {name} in the script"
    return json.loads(found.group(1))


def worker_script(client: Client) -> str:
    return client.get("/sw.js").content.decode()


# --- manifest -------------------------------------------------------------------------------


def test_each_site_has_its_own_manifest_in_its_own_colours(on_alpha, on_beta):
    alpha_response = on_alpha.get("/manifest.webmanifest")
    alpha, beta = json.loads(alpha_response.content), manifest_of(on_beta)

    assert alpha_response["Content-Type"] == "application/manifest+json"
    assert (alpha["name"], alpha["short_name"], alpha["theme_color"]) == (
        "Alpha",
        "Alpha",
        "#ff0066",
    )
    assert (beta["name"], beta["short_name"], beta["theme_color"]) == ("Beta", "Beta", "#00aa55")


def test_the_manifest_opens_the_site_standalone_from_its_root(on_alpha):
    manifest = manifest_of(on_alpha)

    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["background_color"] == "#07070b"


def test_a_long_site_name_gets_a_short_name_for_the_launcher(alpha, on_alpha):
    alpha.name = "Midnight Cinema Club"
    alpha.save(update_fields=["name"])

    manifest = manifest_of(on_alpha)

    assert manifest["name"] == "Midnight Cinema Club"
    assert manifest["short_name"] == "Midnight"


def test_the_manifest_declares_192_and_512_icons_also_maskable(on_alpha):
    icons = manifest_of(on_alpha)["icons"]

    declared = {(icon["sizes"], icon["purpose"], icon["type"]) for icon in icons}
    assert declared == {
        ("192x192", "any", "image/png"),
        ("512x512", "any", "image/png"),
        ("192x192", "maskable", "image/png"),
        ("512x512", "maskable", "image/png"),
    }


def test_a_host_no_site_owns_gets_no_manifest(db):
    assert Client(HTTP_HOST="nowhere.test").get("/manifest.webmanifest").status_code == 404


# --- icons ----------------------------------------------------------------------------------


def test_each_icon_is_a_png_of_its_declared_size_cached_for_long(on_alpha):
    for icon in manifest_of(on_alpha)["icons"]:
        response = on_alpha.get(icon["src"])
        image = Image.open(io.BytesIO(response.content))

        assert response["Content-Type"] == "image/png"
        assert "immutable" in response["Cache-Control"]
        assert "max-age=31536000" in response["Cache-Control"]
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"]


def test_maskable_icons_fill_the_square_and_the_others_round_their_corners(on_alpha):
    icons = {(i["purpose"], i["sizes"]): i["src"] for i in manifest_of(on_alpha)["icons"]}

    maskable = Image.open(io.BytesIO(on_alpha.get(icons["maskable", "512x512"]).content))
    rounded = Image.open(io.BytesIO(on_alpha.get(icons["any", "512x512"]).content))

    assert maskable.convert("RGBA").getpixel((0, 0))[3] == 255
    assert rounded.convert("RGBA").getpixel((0, 0))[3] == 0


def test_the_icon_wears_the_site_accent(on_alpha, on_beta):
    def mark_colour(client: Client) -> tuple[int, ...]:
        src = next(i["src"] for i in manifest_of(client)["icons"] if i["sizes"] == "512x512")
        image = Image.open(io.BytesIO(client.get(src).content)).convert("RGB")
        # Just inside the triangle's top-left corner, where the gradient starts at the accent.
        return image.getpixel((round(24.5 * 8), round(20.5 * 8)))

    red, green, _ = mark_colour(on_alpha)  # Alpha: #ff0066
    assert red > 200
    assert green < 60
    red, green, _ = mark_colour(on_beta)  # Beta: #00aa55
    assert green > 120
    assert red < 60


def test_the_icon_url_changes_with_the_colours_and_an_old_one_is_gone(alpha, on_alpha):
    old = manifest_of(on_alpha)["icons"][0]["src"]
    alpha.accent_colour = "#123456"
    alpha.save(update_fields=["accent_colour"])

    new = manifest_of(on_alpha)["icons"][0]["src"]

    assert new != old
    assert on_alpha.get(new).status_code == 200
    assert on_alpha.get(old).status_code == 404


@pytest.mark.parametrize("variant", ["any-100.png", "round-192.png", "any-192000.png"])
def test_an_icon_of_a_size_or_purpose_we_do_not_draw_is_not_found(on_alpha, variant):
    version = manifest_of(on_alpha)["icons"][0]["src"].split("/")[2]

    assert on_alpha.get(f"/app-icons/{version}/{variant}").status_code == 404


def test_pages_link_the_manifest_theme_colour_and_touch_icon(on_alpha):
    page = on_alpha.get("/").content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="theme-color" content="#ff0066">' in page
    touch = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', page).group(1)
    image = Image.open(io.BytesIO(on_alpha.get(touch).content))
    assert image.size == (180, 180)


# --- service worker -------------------------------------------------------------------------


def test_the_service_worker_is_javascript_from_the_root_that_is_never_cached(on_alpha):
    response = on_alpha.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert "Cookie" not in response.get("Vary", "")  # the same script for every viewer


def test_the_site_script_registers_the_worker_for_the_whole_site():
    script = (REPO / "static" / "js" / "site.js").read_text()

    assert 'navigator.serviceWorker.register("/sw.js", { scope: "/" })' in script
    assert ".catch(() => {})" in script


def test_the_service_worker_precaches_the_shell_and_the_offline_page(on_alpha):
    shell = script_constant(worker_script(on_alpha), "SHELL")
    icons = [icon["src"] for icon in manifest_of(on_alpha)["icons"]]

    assert set(shell) == {
        "/static/css/site.css",
        "/static/js/site.js",
        "/static/js/typeahead.js",
        "/static/img/icon.svg",
        "/offline/",
        *icons,
    }
    for url in shell:
        assert on_alpha.get(url).status_code == 200, url


def test_the_service_worker_names_no_private_path_as_cacheable(on_alpha):
    script = worker_script(on_alpha)
    shell = script_constant(script, "SHELL")

    assert script_constant(script, "PRIVATE") == PRIVATE
    for url in shell:
        assert not any(url.startswith(prefix) for prefix in PRIVATE), url
    # It leaves every non-GET, ranged or cross-origin request to the browser.
    assert 'request.method !== "GET"' in script
    assert 'request.headers.has("Range")' in script
    assert "url.origin !== self.location.origin" in script
    # Pages come from the network: the only thing ever put in a cache is a shell URL.
    assert script.count("cache.put(") == 1
    assert "SHELL.includes(url.pathname)" in script


@pytest.mark.parametrize(
    ("field", "value"), [("accent_colour", "#123456"), ("name", "Alpha Prime"), ("tagline", "New")]
)
def test_the_cache_name_changes_with_the_branding_the_offline_page_shows(
    alpha, on_alpha, field, value
):
    before = script_constant(worker_script(on_alpha), "CACHE")
    setattr(alpha, field, value)
    alpha.save(update_fields=[field])

    after = script_constant(worker_script(on_alpha), "CACHE")

    assert re.fullmatch(r"shell-[0-9a-f]{16}", before)
    assert after != before


def test_a_site_with_a_logo_keeps_it_for_the_offline_page(alpha, on_alpha, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    alpha.logo.save("alpha.png", ContentFile(b"not really a png"), save=True)

    shell = script_constant(worker_script(on_alpha), "SHELL")

    assert alpha.logo.url in shell
    assert alpha.logo.url.startswith("/uploads/public/")


def test_the_cache_name_changes_when_a_shell_file_changes(on_alpha, settings, tmp_path):
    settings.DEBUG = True  # files are read at every request in development
    before = script_constant(worker_script(on_alpha), "CACHE")
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("body { color: red; }")
    settings.STATICFILES_DIRS = [tmp_path, *settings.STATICFILES_DIRS]

    after = script_constant(worker_script(on_alpha), "CACHE")

    assert after != before


def test_the_version_is_stable_while_nothing_changes(on_alpha, on_beta):
    first = script_constant(worker_script(on_alpha), "CACHE")

    assert script_constant(worker_script(on_alpha), "CACHE") == first
    assert script_constant(worker_script(on_beta), "CACHE") != first  # other colours


# --- offline page ---------------------------------------------------------------------------


def test_the_offline_page_is_branded_and_carries_nothing_of_the_viewer(on_alpha, alice):
    on_alpha.force_login(alice)

    response = on_alpha.get("/offline/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "You are offline" in page
    assert "Alpha" in page
    assert "alice" not in page
    assert "csrfmiddlewaretoken" not in page
    assert "/static/css/site.css" in page
