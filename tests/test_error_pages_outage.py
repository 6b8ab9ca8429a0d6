"""While the database is out of reach (a restart, a failover), a page is a 503 that says so
and when to come back, the API's a JSON 503, never the generic 500; any other error is still
the 500 page. The exception is logged either way (tests/test_topology_faults.py restarts a
real PostgreSQL under load; here every query fails as a dropped server makes it fail)."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    monkeypatch.setattr(CursorWrapper, "executemany", refuse)


def visitor() -> Client:
    return Client(HTTP_HOST="a.test", raise_request_exception=False)


def test_a_page_is_a_503_with_retry_after_while_the_database_is_down(alpha, database_down, caplog):
    answer = visitor().get("/")
    assert answer.status_code == 503
    assert answer["Retry-After"] == "10"
    assert b"cannot reach its database" in answer.content
    assert "server closed the connection" in caplog.text  # logged as the error it is


def test_the_api_answers_json(alpha, database_down):
    answer = visitor().get("/api/titles/")
    assert answer.status_code == 503
    assert answer.json()["detail"].startswith("The site cannot reach its database")


def test_any_other_error_is_still_the_500_page(alpha, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    answer = visitor().get("/")
    assert answer.status_code == 500
    assert b"Something went wrong" in answer.content
    assert "Retry-After" not in answer
