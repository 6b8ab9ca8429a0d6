"""The operator's live log view (docs/logs.md, "The live view"): the last lines and a live
tail by server-sent events, filtered; a stream resumed by Last-Event-ID loses and repeats
nothing; nobody but an operator sees it, and a bad filter is a 400."""

from __future__ import annotations

import json
import logging
import os

import pytest
from django.test import Client

from shadowvault import log_context
from shadowvault.log_files import ProcessFileHandler

pytestmark = pytest.mark.django_db
JOB_REQUEST = "feedfacefeedfacefeedfacefeedface"


@pytest.fixture
def log_dir(settings, tmp_path):
    settings.LOG_DIR = tmp_path
    settings.LOG_STREAM_SECONDS = 1
    return tmp_path


@pytest.fixture
def write(log_dir):
    """Write lines as a process does: through the product's file handler."""
    handler = ProcessFileHandler(str(log_dir), max_bytes=1024 * 1024)

    def line(message: str, level=logging.INFO, **context) -> None:
        token = log_context.enter(log_context.WorkContext(**context))
        try:
            handler.emit(logging.LogRecord("sv.test", level, __file__, 1, message, (), None))
        finally:
            log_context.leave(token)

    yield line
    handler.close()


@pytest.fixture
def operator(olivia) -> Client:
    client = Client(HTTP_HOST="a.test")
    client.force_login(olivia)
    return client


def events(response) -> list[tuple[str, dict | None]]:
    """(id, line) of each event of a finished stream; the line is None for a bare position."""
    found = []
    for block in b"".join(response.streaming_content).decode().split("\n\n"):
        fields = dict(
            row.split(": ", 1) for row in block.splitlines() if ": " in row and row[0] != ":"
        )
        if "id" in fields:
            found.append((fields["id"], json.loads(fields["data"]) if "data" in fields else None))
    return found


def test_the_page_shows_the_last_lines_for_an_operator(
    alpha, operator, write, django_assert_max_num_queries
):
    write("catalogue refreshed")
    write("ffmpeg failed", logging.ERROR, request_id=JOB_REQUEST, task_id="t-1", job_id="7")

    with django_assert_max_num_queries(6):
        page = operator.get("/admin/logs/")

    text = page.content.decode()
    assert page.status_code == 200
    assert "catalogue refreshed" in text
    assert "ffmpeg failed" in text
    assert f"?request_id={JOB_REQUEST}" in text
    assert 'src="/static/js/admin/logs.js"' in text
    assert "<script>" not in text  # no inline script: the CSP allows only our own files
    assert 'data-after="' in text


def test_filters_narrow_the_page(alpha, operator, write):
    write("quiet info line")
    write("loud error line", logging.ERROR)
    write("the job line", job_id="7", task_id="t-9")
    write("another request", request_id="1234567890abcdef")

    errors = operator.get("/admin/logs/?level=ERROR").content.decode()
    job = operator.get("/admin/logs/?job=7").content.decode()
    task = operator.get("/admin/logs/?job=t-9").content.decode()
    request = operator.get("/admin/logs/?request_id=1234567890abcdef").content.decode()
    role = operator.get(f"/admin/logs/?role={log_context.process_role()}x").content.decode()

    assert "loud error line" in errors
    assert "quiet info line" not in errors
    assert "the job line" in job
    assert "quiet info line" not in job
    assert "the job line" in task
    assert "another request" in request
    assert "loud error line" not in request
    assert "No log lines match this filter yet" in role


def test_an_empty_log_folder_says_so(alpha, operator, log_dir):
    page = operator.get("/admin/logs/").content.decode()

    assert "No log lines yet" in page


def test_the_stream_sends_new_lines_and_resumes_after_the_last_one(alpha, operator, write):
    write("before the page")
    page = operator.get("/admin/logs/").content.decode()
    after = page.split('data-after="', 1)[1].split('"', 1)[0]
    write("first new line")
    write("second new line", logging.WARNING)

    response = operator.get("/admin/logs/stream/", {"after": after})
    sent = events(response)

    assert response["Content-Type"].startswith("text/event-stream")
    assert response["X-Accel-Buffering"] == "no"
    assert [line["message"] for _, line in sent if line] == ["first new line", "second new line"]
    # The browser reconnects with the last id it saw: only what came after is sent.
    write("third new line")
    resumed = events(
        operator.get("/admin/logs/stream/", HTTP_LAST_EVENT_ID=sent[-1][0])
    )  # the id of the closing position event
    assert [line["message"] for _, line in resumed if line] == ["third new line"]
    # From the id of the first line on, the second is sent again and nothing else twice.
    first_id = next(event_id for event_id, line in sent if line)
    again = events(operator.get("/admin/logs/stream/", HTTP_LAST_EVENT_ID=first_id))
    assert [line["message"] for _, line in again if line] == ["second new line", "third new line"]


def test_a_stream_without_a_position_starts_from_now(alpha, operator, write):
    write("old news")

    sent = events(operator.get("/admin/logs/stream/"))

    assert [line for _, line in sent if line] == []
    write("fresh news")
    resumed = events(operator.get("/admin/logs/stream/", HTTP_LAST_EVENT_ID=sent[-1][0]))
    assert [line["message"] for _, line in resumed if line] == ["fresh news"]


def test_the_stream_filters_and_still_moves_past_what_it_left_out(alpha, operator, write):
    page = operator.get("/admin/logs/").content.decode()
    after = page.split('data-after="', 1)[1].split('"', 1)[0]
    write("info, left out")
    write("an error", logging.ERROR)
    write("info again, left out")

    sent = events(operator.get("/admin/logs/stream/", {"after": after, "level": "ERROR"}))

    assert [line["message"] for _, line in sent if line] == ["an error"]
    last_id = sent[-1][0]
    assert events(operator.get("/admin/logs/stream/", HTTP_LAST_EVENT_ID=last_id))[-1][1] is None


def test_a_site_admin_and_a_visitor_are_refused(alpha, alpha_admin, write):
    write("a line about every site")
    owner = Client(HTTP_HOST="a.test")
    owner.force_login(alpha_admin)
    visitor = Client(HTTP_HOST="a.test")

    for path in ("/admin/logs/", "/admin/logs/stream/"):
        assert owner.get(path).status_code == 403
        assert visitor.get(path).status_code == 302  # to the admin's sign-in
        assert "a line about every site" not in owner.get(path).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"level": "LOUD"},
        {"role": "../web"},
        {"job": "x" * 65},
        {"request_id": "<script>"},
        {"after": "web-1:-5"},
        {"after": "nonsense"},
    ],
)
def test_bad_filter_values_are_a_400(alpha, operator, log_dir, query):
    stream = operator.get("/admin/logs/stream/", query)

    assert stream.status_code == 400
    if "after" not in query:
        assert operator.get("/admin/logs/", query).status_code == 400


def test_a_bad_last_event_id_is_a_400(alpha, operator, log_dir):
    answer = operator.get("/admin/logs/stream/", HTTP_LAST_EVENT_ID="web-1:12,../x:3")

    assert answer.status_code == 400


def test_lines_of_other_processes_and_their_rotations_are_read(alpha, operator, log_dir):
    other = {"time": "2026-01-01T00:00:00.000Z", "level": "INFO", "message": "from a worker",
             "role": "worker", "pid": 99999, "logger": "celery"}  # fmt: skip
    (log_dir / "worker-99999.jsonl").write_text(json.dumps(other) + "\n" + '{"partial": ')

    page = operator.get("/admin/logs/?role=worker").content.decode()

    assert "from a worker" in page
    assert os.path.exists(log_dir / "worker-99999.jsonl")
