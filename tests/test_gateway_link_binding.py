"""A site's "bind media links to IP" and its hostnames reach the running gateway by themselves.

nginx (Debian's, the rendered config) in front of the real ASGI server; the binding is flipped
and hostnames are added in the database while nginx runs, never re-rendered or reloaded. Other
client addresses come from other loopback addresses (127.0.0.2 is this machine too).
"""

from __future__ import annotations

import http.client
import time

import pytest
from django.test import RequestFactory

from stored_media import signing
from tenants.models import Domain
from tests import factories
from tests.factories import publish_film
from tests.support.http_probe import fetch
from tests.support.services import wait_until
from tests.support.serving import nginx_gateway, uvicorn_in_thread

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CACHE_SECONDS = 1  # the authorize answer's lifetime in this gateway
HERE, ELSEWHERE = "127.0.0.1", "127.0.0.2"


@pytest.fixture
def gateway(settings, tmp_path, alpha):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.STREAM_BEHIND_GATEWAY = True
    stored = factories.stored("Film.mp4", b"\x00" * 4096)
    publish_film(stored)
    with (
        uvicorn_in_thread() as origin,
        nginx_gateway(tmp_path, origin, authorize_cache_seconds=str(CACHE_SECONDS)) as port,
    ):
        yield port, stored


def status_from(address: str, port: int, path: str, host: str = "a.test") -> int:
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=30, source_address=(address, 0)
    )
    try:
        return fetch(port, path, host=host, connection=connection).status
    finally:
        connection.close()


def free_link(stored) -> str:
    return signing.sign(stored.media_uri, int(time.time()) + 600)


def bound_link(stored, address: str) -> str:
    return signing.sign(stored.media_uri, int(time.time()) + 600, ip=address)


def set_binding(tenant, bound: bool) -> None:
    tenant.bind_media_links_to_ip = bound
    tenant.save(update_fields=["bind_media_links_to_ip"])


def wait_out_cached_answers() -> None:
    """The gateway caches authorize answers (a refusal too: it is a 200 saying 403) by host
    and link: a link asked about before a change gets the old answer until it runs out.
    nginx counts whole seconds and keeps an answer through its last one. A test that sets
    the binding before its first request has nothing cached to wait out."""
    time.sleep(CACHE_SECONDS + 1.2)


def test_turning_the_binding_on_refuses_unbound_links_without_a_rerender(gateway, alpha):
    port, stored = gateway
    issued_before = free_link(stored)
    assert status_from(HERE, port, issued_before) == 200
    assert status_from(ELSEWHERE, port, issued_before) == 200

    set_binding(alpha, True)
    wait_out_cached_answers()  # the 200s just above

    assert status_from(HERE, port, issued_before) == 403
    assert status_from(ELSEWHERE, port, issued_before) == 403
    bound = bound_link(stored, HERE)
    assert status_from(HERE, port, bound) == 200
    assert status_from(ELSEWHERE, port, bound) == 403


def test_turning_the_binding_off_accepts_unbound_links_again(gateway, alpha):
    port, stored = gateway
    set_binding(alpha, True)
    unbound = free_link(stored)
    bound = bound_link(stored, HERE)
    assert status_from(HERE, port, unbound) == 403

    set_binding(alpha, False)
    wait_out_cached_answers()  # the refusal just above

    assert status_from(ELSEWHERE, port, unbound) == 200
    # A link bound when it was issued stays bound: its token covers the address.
    assert status_from(HERE, port, bound) == 200
    assert status_from(ELSEWHERE, port, bound) == 403


def test_a_page_link_on_a_bound_site_works_from_its_viewer_only(gateway, alpha):
    port, stored = gateway
    set_binding(alpha, True)
    request = RequestFactory().get("/", REMOTE_ADDR=ELSEWHERE)
    request.tenant = alpha

    link = stored.link_for(request)

    assert "bound=1" in link
    assert status_from(ELSEWHERE, port, link) == 200
    assert status_from(HERE, port, link) == 403


def test_a_hostname_added_to_a_bound_site_serves_its_links_at_once(gateway, alpha):
    port, stored = gateway
    set_binding(alpha, True)

    Domain.objects.create(tenant=alpha, hostname="alpha-two.test")
    # The gateway serves it once its reload (stored_media/gateway_hosts.py) has taken effect.
    wait_until(lambda: status_from(HERE, port, "/", host="alpha-two.test") != 404, 10, "reload")

    assert status_from(HERE, port, bound_link(stored, HERE), host="alpha-two.test") == 200
    assert status_from(ELSEWHERE, port, bound_link(stored, HERE), host="alpha-two.test") == 403
    # Pages on a second hostname go to the primary one; media links work on every hostname.
    assert status_from(HERE, port, "/", host="alpha-two.test") == 301


@pytest.mark.parametrize(
    "tamper",
    [
        lambda link: link + "&bound=1",  # claims a binding its token does not cover
        lambda link: link + "&BOUND=&bound=1",  # nginx reads the first, Django the last
        lambda link: link + "&bound=%31",  # nginx compares the raw value
    ],
)
def test_an_unbound_link_cannot_pass_as_bound_on_a_bound_site(gateway, alpha, tamper):
    port, stored = gateway
    set_binding(alpha, True)

    assert status_from(HERE, port, tamper(free_link(stored))) == 403


def test_dropping_the_flag_of_a_bound_link_does_not_unbind_it(gateway, alpha):
    port, stored = gateway
    link = bound_link(stored, HERE)

    assert status_from(ELSEWHERE, port, link.replace("&bound=1", "")) == 403
    assert status_from(ELSEWHERE, port, link.replace("&bound=1", "&bound=0")) == 403
