"""A NUL anywhere in a request is a 400 (issue 11): PostgreSQL refuses U+0000 in text, so
`?genre=a%00b` on the API was a DataError (a 500). Run on PostgreSQL to see the original."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import AsyncClient, Client

from streaming.models import Comment, CommentReport, Title
from tests.factories import PASSWORD


@pytest.fixture
def site(alpha) -> Client:
    Title.objects.create(title="A Film", slug="a-film", status=Title.Status.PUBLISHED)
    return Client(HTTP_HOST="a.test")


def assert_refused(response) -> None:
    assert response.status_code == 400
    assert b"NUL" in response.content


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/titles/", {"genre": "a\x00b"}),
        ("/api/titles/", {"kind\x00": "film"}),
        ("/api/titles/search/", {"q": "fi\x00lm"}),
        ("/api/titles/search/", {"genre": "a\x00b"}),
        ("/browse/", {"genre": "a\x00b"}),
        ("/search/", {"q": "film\x00"}),
        ("/search/typeahead", {"q": "fil\x00m"}),
        ("/title/a-film%00/", {}),
        ("/media/1/f%00.mp4", {"md5": "x", "expires": "1"}),
    ],
)
def test_a_nul_in_the_path_or_query_string_is_a_400(site, path, params):
    assert_refused(site.get(path, params))


def test_a_nul_in_the_admin_search_is_a_400(site, alpha_admin):
    site.force_login(alpha_admin)

    assert_refused(site.get("/admin/streaming/titlehiding/", {"q": "a\x00b"}))


def test_a_nul_in_the_login_name_is_a_400(site, alice):
    response = site.post("/account/login/", {"username": "alice\x00", "password": PASSWORD})

    assert_refused(response)


def test_a_nul_in_the_session_cookie_is_a_400(site):
    site.cookies["sessionid"] = "abcdefgh\x00ijklmnop"

    assert_refused(site.get("/browse/"))


def test_a_nul_in_a_header_is_a_400(site):
    assert_refused(site.get("/api/titles/", HTTP_AUTHORIZATION="Token abc\x00def"))


def test_a_nul_in_a_multipart_form_field_is_a_400(site, olivia):
    # (Django drops unprintable characters from upload names itself.)
    site.force_login(olivia)
    upload = SimpleUploadedFile("film.mp4", b"not a film")

    response = site.post("/admin/streaming/ingestjob/submit/", {"upload": upload, "x": "\x00"})

    assert_refused(response)


def test_a_nul_in_a_json_body_is_a_400(site, alice):
    title = Title.objects.get()
    comment = Comment.objects.create(tenant=title_site(alice), user=alice, title=title, body="x")
    site.force_login(alice)

    response = site.post(
        f"/api/comments/{comment.pk}/report/",
        json.dumps({"reason": "spam\u0000"}),
        content_type="application/json",
    )

    assert_refused(response)
    assert not CommentReport.objects.exists()


def test_an_escaped_backslash_before_u0000_is_not_a_nul(site, alice):
    title = Title.objects.get()
    comment = Comment.objects.create(tenant=title_site(alice), user=alice, title=title, body="x")
    site.force_login(alice)

    response = site.post(
        f"/api/comments/{comment.pk}/report/",
        json.dumps({"reason": "the text \\u0000"}),
        content_type="application/json",
    )

    assert response.status_code == 204
    assert CommentReport.objects.get().reason == "the text \\u0000"


def test_the_json_report_reason_must_be_text(site, alice):
    title = Title.objects.get()
    comment = Comment.objects.create(tenant=title_site(alice), user=alice, title=title, body="x")
    site.force_login(alice)

    response = site.post(
        f"/api/comments/{comment.pk}/report/", "[1, 2]", content_type="application/json"
    )

    assert response.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_a_nul_is_refused_under_asgi_too(alpha):
    client = AsyncClient(HTTP_HOST="a.test")

    response = async_to_sync(client.get)("/api/titles/", {"genre": "a\x00b"})

    assert_refused(response)


def test_ordinary_requests_pass(site):
    assert site.get("/api/titles/", {"genre": "drama"}).status_code == 200
    assert site.get("/search/", {"q": "film"}).status_code == 200


def title_site(user):
    return user.memberships.get().tenant
