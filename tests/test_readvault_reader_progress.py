"""Saving the reader's place (POST /read/<id>/progress/): JSON with the CSRF header from the
reader's script, and a form with `csrfmiddlewaretoken` from navigator.sendBeacon on leaving;
members only (a visitor is told, in JSON, that the browser keeps their place); anything but
a page of the chapter is a 400 with a sentence, never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from readvault.models import ReadingProgress, SeriesHiding
from tests.factories import comic_series
from tests.support.reader_chapters import chapter_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def chapter(alpha):
    return chapter_of(comic_series("Yotsuba"), "1", 5)


@pytest.fixture
def member(alice) -> Client:
    client = Client(HTTP_HOST="a.test")
    client.force_login(alice)
    return client


def post_json(client: Client, chapter_id: int, body, **headers):
    text = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        f"/read/{chapter_id}/progress/", text, content_type="application/json", **headers
    )


def test_a_page_turn_is_saved_for_the_member_on_this_site(alpha, alice, member, chapter):
    answer = post_json(member, chapter.pk, {"page": 2})

    assert (answer.status_code, answer.json()) == (200, {"page": 2, "finished": False})
    row = ReadingProgress.objects.get()
    assert (row.tenant, row.user, row.chapter, row.page, row.page_count) == (
        alpha, alice, chapter, 2, 5
    )  # fmt: skip


def test_the_last_page_finishes_the_chapter(member, chapter):
    assert post_json(member, chapter.pk, {"page": 4}).json() == {"page": 4, "finished": True}


def test_the_beacon_form_and_the_json_call_both_pass_the_csrf_check(alice, chapter):
    strict = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)
    strict.force_login(alice)
    strict.get(f"/read/{chapter.pk}/")  # the page sets the CSRF cookie
    token = strict.cookies["csrftoken"].value

    beacon = strict.post(
        f"/read/{chapter.pk}/progress/", {"page": "3", "csrfmiddlewaretoken": token}
    )  # multipart, as sendBeacon sends FormData
    fetched = post_json(strict, chapter.pk, {"page": 1}, HTTP_X_CSRFTOKEN=token)
    forged = post_json(strict, chapter.pk, {"page": 4})

    assert (beacon.status_code, beacon.json()["page"]) == (200, 3)
    assert (fetched.status_code, fetched.json()["page"]) == (200, 1)
    assert forged.status_code == 403
    assert ReadingProgress.objects.get().page == 1


def test_a_url_encoded_form_is_taken_too(member, chapter):
    answer = member.post(
        f"/read/{chapter.pk}/progress/", "page=2", content_type="application/x-www-form-urlencoded"
    )
    assert answer.json()["page"] == 2


@pytest.mark.parametrize(
    "body",
    [
        {"page": -1},
        {"page": 5},
        {"page": 2**70},
        {"page": "two"},
        {"page": 1.5},
        {"page": True},
        {"page": None},
        {},
        [2],
        "not json",
        '{"page": 1',
        "[" * 2000 + "]" * 2000,  # deep enough to make json.loads recurse out
    ],
)
def test_anything_but_a_page_of_the_chapter_is_a_400_with_a_sentence(member, chapter, body):
    answer = post_json(member, chapter.pk, body)

    assert answer.status_code == 400
    assert answer.json()["detail"].endswith(".")
    assert not ReadingProgress.objects.exists()


@pytest.mark.parametrize("page", ["-1", "²", "1.0", "x" * 4000, "99999999999999999999999"])
def test_bad_form_pages_are_a_400_too(member, chapter, page):
    answer = member.post(f"/read/{chapter.pk}/progress/", {"page": page})
    assert answer.status_code == 400


def test_a_huge_json_body_is_refused(member, chapter):
    answer = post_json(member, chapter.pk, {"page": 1, "pad": "x" * 10_000})
    assert (answer.status_code, answer.json()["detail"]) == (400, "The body is over 4096 bytes.")


def test_a_visitor_is_told_their_browser_keeps_the_place(on_alpha, chapter):
    answer = post_json(on_alpha, chapter.pk, {"page": 1})

    assert answer.status_code == 403
    assert "sign in" in answer.json()["detail"]
    assert not ReadingProgress.objects.exists()


def test_a_member_of_another_site_is_a_visitor_here(bob, chapter):
    client = Client(HTTP_HOST="a.test")
    client.force_login(bob)
    assert post_json(client, chapter.pk, {"page": 1}).status_code == 403


def test_a_chapter_the_site_hides_is_404(alpha, member, chapter):
    SeriesHiding.objects.create(tenant=alpha, series=chapter.series)
    assert post_json(member, chapter.pk, {"page": 1}).status_code == 404


def test_only_post_is_answered(member, chapter):
    assert member.get(f"/read/{chapter.pk}/progress/").status_code == 405
