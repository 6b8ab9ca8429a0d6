"""The Host header picks the site; a hostname no site owns gets a plain 404."""

import pytest
from django.test import Client

from tenants.models import Domain


def test_an_unknown_host_gets_a_plain_404_naming_no_site(alpha, beta):
    response = Client(HTTP_HOST="nobody.example").get("/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "No site is configured for this address" in body
    assert "Alpha" not in body
    assert "Beta" not in body


@pytest.mark.parametrize("path", ["/account/login/", "/admin/", "/account/signup/"])
def test_an_unknown_host_reaches_no_page(alpha, path):
    response = Client(HTTP_HOST="nobody.example").get(path)

    assert response.status_code == 404


def test_each_hostname_shows_its_own_site(on_alpha, on_beta):
    alpha_page = on_alpha.get("/").content.decode()
    beta_page = on_beta.get("/").content.decode()

    assert "<h1>Alpha</h1>" in alpha_page
    assert "Beta" not in alpha_page
    assert "<h1>Beta</h1>" in beta_page
    assert "Alpha" not in beta_page
    assert "--accent: #ff0066" in alpha_page
    assert "--accent: #00aa55" in beta_page


@pytest.mark.parametrize("host", ["A.TEST", "a.test:8000", "a.test."])
def test_hostnames_match_without_case_port_or_trailing_dot(alpha, host):
    assert Client(HTTP_HOST=host).get("/").status_code == 200


def test_a_second_hostname_sends_pages_to_the_primary_one(alpha):
    Domain.objects.create(tenant=alpha, hostname="watch.alpha.example")

    response = Client(HTTP_HOST="watch.alpha.example").get("/browse/?page=2")

    assert response.status_code == 301
    assert response["Location"] == "http://a.test/browse/?page=2"


def test_an_inactive_site_answers_404_on_its_hostnames(alpha, on_alpha):
    alpha.is_active = False
    alpha.save(update_fields=["is_active"])

    assert on_alpha.get("/").status_code == 404


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_endpoints_answer_on_any_host(db, path):
    response = Client(HTTP_HOST="10.0.0.7").get(path)

    assert response.status_code in {200, 503}
    assert response["Content-Type"] == "application/json"


def test_a_malformed_host_header_is_a_400_not_a_500(alpha):
    response = Client(HTTP_HOST="bad host/").get("/")

    assert response.status_code == 400


def test_home_page_query_count_is_constant(on_alpha, alice, django_assert_max_num_queries):
    # site lookup, whether the site arranged its home page (curation.home; then cached), the
    # newest titles (an empty catalogue stops there; rows of a full one are counted in
    # tests/test_site_pages.py), ReadVault's newest chapters (none: no row)
    with django_assert_max_num_queries(4):
        on_alpha.get("/")
    on_alpha.force_login(alice)
    # site lookup, session, user, membership, the newest titles, ReadVault's continue reading
    # and newest chapters (the arrangement's answer is cached by the first visit)
    with django_assert_max_num_queries(7):
        on_alpha.get("/")
