"""API rate limits (streaming/api/throttling.py): a token has its own budget wherever it
calls from, calls without a token share their address's, and past either the answer is a
429 with Retry-After and a JSON sentence, never a 500. The client's address is the one the
app settled (X-Real-IP only from the gateway), so a forged header buys no new budget."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from shadowvault import config
from streaming.api.token_store import issue_token

CATALOGUE = "/api/titles/"
MINE = "/api/progress/continue/"


@pytest.fixture(autouse=True)
def fresh_counts(settings):
    settings.API_RATE_PER_TOKEN = "3/minute"
    settings.API_RATE_PER_ADDRESS = "2/minute"
    cache.clear()
    yield
    cache.clear()


def client(address: str = "198.51.100.7", key: str | None = None, **headers) -> APIClient:
    api = APIClient(HTTP_HOST="a.test", REMOTE_ADDR=address, **headers)
    if key:
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_a_token_gets_its_rate_then_a_429_with_retry_after(alice, alpha):
    key = issue_token(alice, alpha, "phone").key
    answers = [client(key=key).get(MINE) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"]


def test_a_token_keeps_its_budget_across_addresses_and_tokens_do_not_share(alice, alpha):
    phone = issue_token(alice, alpha, "phone").key
    tv = issue_token(alice, alpha, "tv").key
    roaming = [client(f"203.0.113.{n}", key=phone).get(MINE).status_code for n in range(4)]
    assert roaming == [200, 200, 200, 429]
    assert client(key=tv).get(MINE).status_code == 200


def test_calls_without_a_token_share_their_address_budget(alpha):
    here = [client("198.51.100.7").get(CATALOGUE).status_code for _ in range(3)]
    assert here == [200, 200, 429]
    assert client("198.51.100.8").get(CATALOGUE).status_code == 200


def test_a_forged_real_ip_header_buys_no_new_budget(alpha, settings):
    """X-Real-IP is believed from the gateway only (TRUSTED_PROXIES): a client that writes it
    itself is still counted under its own connection's address."""
    settings.TRUSTED_PROXIES = []
    forged = [
        client("198.51.100.9", HTTP_X_REAL_IP=f"192.0.2.{n}").get(CATALOGUE).status_code
        for n in range(3)
    ]
    assert forged == [200, 200, 429]


def test_an_empty_rate_means_no_limit(alpha, settings):
    settings.API_RATE_PER_ADDRESS = ""
    assert {client().get(CATALOGUE).status_code for _ in range(5)} == {200}


@pytest.mark.parametrize("value", ["fast", "0/minute", "10/fortnight", "-1/s", "10 / minute"])
def test_a_bad_rate_setting_stops_start_up_with_its_name(value, monkeypatch):
    monkeypatch.setenv("API_RATE_PER_TOKEN", value)
    with pytest.raises(config.ConfigurationError, match="API_RATE_PER_TOKEN"):
        config.rate("API_RATE_PER_TOKEN", "600/minute")
