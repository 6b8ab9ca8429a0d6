"""With no origin to answer (restarting, down), the gateway says "try again shortly" as a 503
with Retry-After: a media or page link (auth_request itself would answer 500) and a site
page (nginx's own "502 Bad Gateway" otherwise). The origin's own answers pass unchanged."""

from __future__ import annotations

import time

import pytest
import requests

from stored_media import signing
from tests.support.services import free_port
from tests.support.serving import nginx_gateway

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]
HOST = {"Host": "a.test"}


@pytest.fixture
def gateway_without_origin(tmp_path, alpha):
    with nginx_gateway(tmp_path, free_port()) as port:  # nothing listens on the origin port
        yield f"http://127.0.0.1:{port}"


def signed(uri: str) -> str:
    return signing.sign(uri, int(time.time()) + 600)


@pytest.mark.parametrize("uri", ["/media/7/film.mp4", "/pages/3/1/orig"])
def test_a_link_is_a_503_with_retry_after(gateway_without_origin, uri):
    answer = requests.get(gateway_without_origin + signed(uri), headers=HOST, timeout=10)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "10"
    assert "try again shortly" in answer.text
    assert answer.headers["Content-Type"].startswith("text/plain")


def test_a_bad_link_is_still_refused_as_before(gateway_without_origin):
    answer = requests.get(
        gateway_without_origin + "/media/7/film.mp4?md5=x&expires=1", headers=HOST, timeout=10
    )
    assert answer.status_code == 403
    assert "Retry-After" not in answer.headers


def test_a_site_page_is_a_page_that_comes_back_by_itself(gateway_without_origin):
    answer = requests.get(gateway_without_origin + "/", headers=HOST, timeout=10)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "10"
    assert "Back in a moment" in answer.text
    assert 'http-equiv="refresh"' in answer.text
