"""Public uploads (logos, posters) are served from the site's origin: never as something a
browser runs, whatever a file's name says."""

from __future__ import annotations

import io

import pytest
from PIL import Image

JPEG = io.BytesIO()
Image.new("RGB", (4, 4), "red").save(JPEG, "JPEG")


@pytest.fixture
def public_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    folder = tmp_path / "public" / "posters"
    folder.mkdir(parents=True)
    return folder


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("page.html", b"<script>alert(document.domain)</script>"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("feed.xml", b"<?xml version='1.0'?><x:script xmlns:x='http://www.w3.org/1999/xhtml'/>"),
    ],
)
def test_a_file_a_browser_would_run_goes_out_as_an_opaque_download(
    client, alpha, public_folder, name, body
):
    (public_folder / name).write_bytes(body)
    response = client.get(f"/uploads/public/posters/{name}", HTTP_HOST="a.test")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_image_keeps_its_type_and_is_sandboxed(client, alpha, public_folder):
    (public_folder / "heat.jpg").write_bytes(JPEG.getvalue())
    response = client.get("/uploads/public/posters/heat.jpg", HTTP_HOST="a.test")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert not response.get("Content-Disposition", "").startswith("attachment")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize("path", ["../secrets.env", "..%2fsecrets.env", "posters/missing.jpg"])
def test_nothing_outside_the_folder_and_no_error_for_a_missing_file(
    client, alpha, public_folder, path
):
    (public_folder.parent.parent / "secrets.env").write_text("SECRET_KEY=x")
    response = client.get(f"/uploads/public/{path}", HTTP_HOST="a.test")
    assert response.status_code in {400, 404}
    assert b"SECRET_KEY" not in response.content
