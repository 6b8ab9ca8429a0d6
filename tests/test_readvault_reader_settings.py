"""The reader's choices per series (POST /read/<id>/settings/, readvault.reader.choices):
checked strictly (an unknown key or value is a 400 naming it), merged into what is kept,
null forgetting one; per site, per member and per series; visitors keep theirs in the
browser and are told so."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from readvault.models import ReaderSettings, SeriesHiding
from readvault.reader.choices import ChoicesRejected, clean_choices, stored_choices
from tests.factories import comic_series, make_member
from tests.support.reader_chapters import chapter_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def chapter(alpha):
    return chapter_of(comic_series("Solo Leveling"), "1", 3)


@pytest.fixture
def member(alice) -> Client:
    client = Client(HTTP_HOST="a.test")
    client.force_login(alice)
    return client


def send(client: Client, chapter_id: int, body):
    text = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"/read/{chapter_id}/settings/", text, content_type="application/json")


def test_choices_are_kept_for_the_series_and_merged(alpha, alice, member, chapter):
    first = send(member, chapter.pk, {"mode": "webtoon", "fit": "width"})
    second = send(member, chapter.pk, {"spreads": True, "fit": None})

    assert first.json() == {"settings": {"mode": "webtoon", "fit": "width"}}
    assert second.json() == {"settings": {"mode": "webtoon", "spreads": True}}
    row = ReaderSettings.objects.get()
    assert (row.tenant, row.user, row.series) == (alpha, alice, chapter.series)
    answer = member.get(f"/read/{chapter.pk}/pages.json").json()
    assert answer["settings"] == {"mode": "webtoon", "spreads": True}


def test_another_series_and_another_reader_start_from_the_defaults(alpha, member, chapter):
    other = chapter_of(comic_series("Other"), "1", 2)
    send(member, chapter.pk, {"mode": "ltr"})
    carol = Client(HTTP_HOST="a.test")
    carol.force_login(make_member("carol", alpha))

    assert member.get(f"/read/{other.pk}/pages.json").json()["settings"] == {}
    assert carol.get(f"/read/{chapter.pk}/pages.json").json()["settings"] == {}


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"colour": "red"}, "Unknown setting 'colour'"),
        ({"mode": "sideways"}, "mode is one of ltr, rtl, vertical, webtoon."),
        ({"fit": 3}, "fit is one of"),
        ({"spreads": "yes"}, "spreads is true or false."),
        ({"zoom": 1.5}, "Unknown setting 'zoom'"),  # a pinch's zoom is not kept
        ([["mode", "rtl"]], "Send a JSON object."),
        ("{", "The body is not valid JSON."),
    ],
)
def test_anything_unknown_is_a_400_naming_it_and_nothing_is_kept(member, chapter, body, detail):
    answer = send(member, chapter.pk, body)

    assert answer.status_code == 400
    assert answer.json()["detail"].startswith(detail)
    assert not ReaderSettings.objects.exists()


def test_a_form_is_refused_the_settings_are_json(member, chapter):
    answer = member.post(f"/read/{chapter.pk}/settings/", {"mode": "rtl"})
    assert (answer.status_code, answer.json()["detail"]) == (
        400,
        "Send a JSON object (Content-Type: application/json).",
    )


def test_a_visitor_is_told_to_sign_in(on_alpha, chapter):
    answer = send(on_alpha, chapter.pk, {"mode": "rtl"})
    assert answer.status_code == 403
    assert "sign in" in answer.json()["detail"]


def test_another_sites_chapter_is_404(beta, bob, chapter):
    SeriesHiding.objects.create(tenant=beta, series=chapter.series)
    client = Client(HTTP_HOST="b.test")
    client.force_login(bob)
    assert send(client, chapter.pk, {"mode": "rtl"}).status_code == 404


def test_stored_choices_keep_only_what_is_still_valid():
    assert stored_choices({"mode": "rtl", "old": 1, "fit": "nope", "zoom": 1.5}) == {"mode": "rtl"}
    assert stored_choices(["not", "a", "dict"]) == {}
    with pytest.raises(ChoicesRejected):
        clean_choices({"splitWide": 1})
