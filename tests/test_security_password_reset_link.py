"""A password-reset mail links to the site's primary hostname with the deployment's scheme,
whatever Host the request that asked for it carried (its port is the sender's to choose)."""

import re

import pytest
from django.core import mail

from tenants.models import Domain


@pytest.fixture
def second_hostname(alpha):
    Domain.objects.create(tenant=alpha, hostname="alpha.example")


def reset_link(client, host: str) -> str:
    response = client.post(
        "/account/password/reset/", {"email": "alice@example.com"}, HTTP_HOST=host
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    return re.search(r"\S+/account/password/reset/\S+", message.body).group(0)


@pytest.mark.parametrize("host", ["a.test:6666", "alpha.example", "alpha.example:6666"])
def test_the_link_names_the_primary_hostname_and_no_port_from_the_request(
    client, alice, second_hostname, host
):
    link = reset_link(client, host)

    assert link.startswith("http://a.test/account/password/reset/")


def test_behind_a_tls_proxy_the_link_says_https(client, alice, settings):
    settings.BEHIND_TLS_PROXY = True

    assert reset_link(client, "a.test:6666").startswith("https://a.test/account/")
