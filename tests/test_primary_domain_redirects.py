"""A site's other hostnames send pages to its primary one (301, same path and query); media,
page links, stream calls, API, OPDS and health checks work on every hostname."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.http import HttpResponse
from django.test import Client, RequestFactory

from tenants.middleware import TenantMiddleware
from tenants.models import Domain

pytestmark = pytest.mark.django_db


@pytest.fixture
def second(alpha) -> Client:
    Domain.objects.create(tenant=alpha, hostname="watch.alpha.example")
    return Client(HTTP_HOST="watch.alpha.example")


@pytest.mark.parametrize("path", ["/", "/browse/?genre=x&page=2", "/account/login/", "/admin/"])
def test_pages_on_another_hostname_redirect_permanently_to_the_primary(second, path):
    answer = second.get(path)

    assert answer.status_code == 301
    assert answer["Location"] == f"http://a.test{path}"


def test_the_port_the_visitor_used_is_kept(alpha, second):
    answer = Client(HTTP_HOST="watch.alpha.example:8080").get("/")

    assert answer["Location"] == "http://a.test:8080/"


def test_the_primary_hostname_is_served_as_before(alpha, second):
    assert Client(HTTP_HOST="a.test").get("/").status_code == 200


@pytest.mark.parametrize(
    "path", ["/media/1/x.mp4", "/pages/1/1/orig", "/api/v1/titles/", "/opds/", "/healthz"]
)
def test_media_api_and_health_paths_are_not_redirected(second, path):
    assert second.get(path).status_code != 301


def test_a_post_is_not_redirected(second):
    assert second.post("/account/login/", {"username": "x", "password": "y"}).status_code != 301


def test_a_pending_hostname_reaches_nothing(alpha):
    Domain.objects.create(tenant=alpha, hostname="p.example", state=Domain.State.PENDING)

    assert Client(HTTP_HOST="p.example").get("/").status_code == 404


def test_the_async_stack_redirects_too(alpha, second):
    async def view(request):
        return HttpResponse("served")

    middleware = TenantMiddleware(view)
    request = RequestFactory().get("/browse/", HTTP_HOST="watch.alpha.example")

    answer = async_to_sync(middleware)(request)

    assert answer.status_code == 301
    assert answer["Location"] == "http://a.test/browse/"
    primary = RequestFactory().get("/browse/", HTTP_HOST="a.test")
    assert async_to_sync(middleware)(primary).content == b"served"
