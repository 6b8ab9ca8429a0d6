"""The OPDS catalogue runs the same, stated number of queries with 2,000 series and a
500-chapter series as with 40 series and a 30-chapter one (tests/support/opds_library.py),
for a reader app signing in with an app password, as apps do.

Each library is built once for the module inside a transaction rolled back afterwards (as
tests/test_pages_at_scale.py does); each test runs in a savepoint of it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from readvault.opds import app_passwords
from readvault.opds.paging import PAGE_SIZE
from tests.factories import make_member, make_site
from tests.support.opds import basic
from tests.support.opds_library import build_opds_library

pytestmark = pytest.mark.django_db
HOST = "opds-scale.test"
SIZES = [(40, 30), (2000, 500)]  # (series, chapters of the long series)

# Queries per feed: the site (by hostname), the app password and the membership (the
# member's age cap) come first, three for every feed.
QUERIES = {
    "root": 3,
    # the page's count and rows; the covers' ids; their pages with their images
    "series A-Z": 7,
    "series A-Z last page": 7,
    "genre": 8,  # and the genre by its slug
    "want to read": 7,
    # the series, the page's rows carrying the count, the reader's progress in the series,
    # the chapters' first pages with their images
    "long series": 7,
    "long series page 10": 7,
    "new chapters": 7,  # the count and rows, their progress, first pages with images
    "continue reading": 6,  # the progress rows with their chapters: their own progress
    "genres": 5,
    # the chapter, the page and its images; the progress updated and read; the figures'
    # count of the page (figures.recording, one upsert)
    "page stream": 9,
}


@dataclass(frozen=True)
class Scene:
    series: int
    chapters: int
    headers: dict
    paths: dict


@pytest.fixture(scope="module", params=SIZES, ids=lambda size: f"{size[0]}-series")
def scene(request, django_db_setup, django_db_blocker):
    series, chapters = request.param
    with django_db_blocker.unblock(), transaction.atomic():
        site = make_site("Scale", HOST)
        reader = make_member("rita", site)
        library = build_opds_library(site, reader, series, chapters)
        secret = app_passwords.issue(reader, site, "Panels").secret
        connection.check_constraints()
        last = -(-(series - series // 40 + 1) // PAGE_SIZE)
        paths = {
            "root": "/opds/",
            "series A-Z": "/opds/series/",
            "series A-Z last page": f"/opds/series/?page={last}",
            "genre": "/opds/genres/action/",
            "want to read": "/opds/want-to-read/",
            "long series": "/opds/series/long-run/",
            "long series page 10": "/opds/series/long-run/?page=10" if chapters >= 500 else
                                   "/opds/series/long-run/",
            "new chapters": "/opds/new/",
            "continue reading": "/opds/continue/",
            "genres": "/opds/genres/",
            "page stream": f"/opds/pages/{library.first_chapter.pk}/0?width=800",
        }  # fmt: skip
        yield Scene(series, chapters, basic("rita", secret), paths)
        transaction.set_rollback(True)


def queries_for(scene: Scene, path: str) -> int:
    client = Client(HTTP_HOST=HOST)
    client.get("/opds/", **scene.headers)  # last_used_at written: not counted below
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(path, **scene.headers)
    assert answer.status_code in (200, 302), (path, answer.status_code)
    return len(captured.captured_queries)


@pytest.mark.parametrize("feed", list(QUERIES))
def test_each_feed_runs_the_stated_number_of_queries(scene, feed):
    assert queries_for(scene, scene.paths[feed]) == QUERIES[feed], scene.paths[feed]


def test_the_big_library_is_big(scene):
    client = Client(HTTP_HOST=HOST)
    body = client.get("/opds/series/", **scene.headers).content.decode()
    assert f"<opensearch:totalResults>{scene.series - scene.series // 40 + 1}<" in body
