"""Error pages: branded 404 for a known site, a plain self-contained 500."""

import pytest
from django.test import Client


def test_a_missing_page_is_a_branded_404(on_alpha):
    response = on_alpha.get("/no/such/page/")

    assert response.status_code == 404
    assert b"We could not find that page" in response.content
    assert b"Alpha" in response.content


@pytest.mark.urls("tests.support.urls_failing")
def test_a_server_error_shows_a_calm_page_without_details(alpha):
    client = Client(HTTP_HOST="a.test", raise_request_exception=False)

    response = client.get("/broken/")

    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"RuntimeError" not in response.content


def test_debug_is_off_unless_asked(settings):
    assert settings.DEBUG is False


def test_the_favicon_the_browser_asks_for_exists(on_alpha):
    response = on_alpha.get("/favicon.ico", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[0][0].endswith("img/icon.svg")
