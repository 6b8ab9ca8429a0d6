"""/metrics: Prometheus's text for an operator or a scraper with METRICS_TOKEN, a plain
refusal for anyone else (never a 500), and requests counted by route name, never by path."""

from __future__ import annotations

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-for-tests-0123456789abcdef"


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def requests_seen(text: str, route: str, status: str) -> float:
    labels = (("method", "GET"), ("route", route), ("status", status))
    return samples(text).get(("shadowvault_http_requests_total", labels), 0.0)


@pytest.fixture
def operator_client(olivia) -> Client:
    client = Client(HTTP_HOST="a.test")
    client.force_login(olivia)
    return client


def test_an_operator_reads_the_figures_in_prometheus_text(alpha, operator_client):
    Client(HTTP_HOST="a.test").get("/healthz")  # a series appears with its first count

    answer = operator_client.get("/metrics")

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain; version=0.0.4")
    names = {family.name for family in text_string_to_metric_families(answer.content.decode())}
    assert {"shadowvault_http_requests", "shadowvault_celery_queue_length"} <= names


def test_a_scraper_with_the_token_reads_them_on_any_host(settings):
    settings.METRICS_TOKEN = TOKEN
    scraper = Client(HTTP_HOST="10.0.0.5:8000", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert scraper.get("/metrics").status_code == 200


@pytest.mark.parametrize(
    ("configured", "header", "status"),
    [
        (TOKEN, "Bearer wrong-token", 401),
        (TOKEN, f"Basic {TOKEN}", 401),
        (TOKEN, "Bearer", 401),
        ("", "Bearer ", 401),  # unset: no token opens it, not even an empty one
        ("", f"Bearer {TOKEN}", 401),
        (TOKEN, None, 404),
    ],
)
def test_anyone_else_is_refused_without_a_trace_of_figures(settings, configured, header, status):
    settings.METRICS_TOKEN = configured
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}

    answer = Client(HTTP_HOST="a.test", **extra).get("/metrics")

    assert answer.status_code == status
    assert b"shadowvault_" not in answer.content


def test_a_member_of_a_site_is_not_an_operator(alice):
    client = Client(HTTP_HOST="a.test")
    client.force_login(alice)

    assert client.get("/metrics").status_code == 404


def test_only_get_is_answered(operator_client):
    assert operator_client.post("/metrics").status_code == 405


def test_a_request_raises_its_routes_counter_by_name_not_path(alpha, operator_client):
    before = operator_client.get("/metrics").content.decode()

    Client(HTTP_HOST="a.test").get("/healthz")
    Client(HTTP_HOST="a.test").get("/title/no-such-title-9f3/")
    after = operator_client.get("/metrics").content.decode()

    assert requests_seen(after, "healthz", "200") == requests_seen(before, "healthz", "200") + 1
    assert (
        requests_seen(after, "title-page", "404") == requests_seen(before, "title-page", "404") + 1
    )
    assert "no-such-title-9f3" not in after
    durations = samples(after)
    assert durations[("shadowvault_http_request_duration_seconds_count", (("route", "healthz"),))]
