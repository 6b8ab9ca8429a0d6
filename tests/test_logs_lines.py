"""Log lines (docs/logs.md): one JSON object a line with the process and the work context,
readable text on request, no secret in either, and the per-process files the live view
reads with a cursor that survives rotation."""

from __future__ import annotations

import json
import logging
import os
import sys

import pytest

from shadowvault import log_context, log_files
from shadowvault.log_files import ProcessFileHandler, decode_cursor, encode_cursor, lines_after
from shadowvault.log_format import JsonFormatter, PlainFormatter
from shadowvault.log_redaction import MASK, forget_secrets, redact
from shadowvault.management.commands.runall import group_environments
from stored_media.signing import gateway_token


def record(message: str, *args, level=logging.INFO, exc_info=None, **extra) -> logging.LogRecord:
    made = logging.LogRecord("shadowvault.test", level, __file__, 1, message, args, exc_info)
    made.__dict__.update(extra)
    return made


def test_a_json_line_names_the_process_and_the_request():
    token = log_context.enter(log_context.WorkContext(request_id="abc12345", host="a.test"))
    try:
        line = json.loads(JsonFormatter().format(record("served %s", "/browse/", route="x")))
    finally:
        log_context.leave(token)

    assert line["message"] == "served /browse/"
    assert line["level"] == "INFO"
    assert line["logger"] == "shadowvault.test"
    assert line["time"].endswith("Z")
    assert "T" in line["time"]
    assert line["pid"] == os.getpid()
    assert line["role"] == log_context.process_role()
    assert line["request_id"] == "abc12345"
    assert line["host"] == "a.test"
    assert line["route"] == "x"  # an `extra=` field


def test_a_line_outside_any_request_has_no_request_id():
    # Outside: an earlier test's request in this thread may have left its context behind
    # (the middleware ends it when the response is closed, which a test client may not do).
    log_context.clear()
    line = json.loads(JsonFormatter().format(record("beat")))

    assert "request_id" not in line
    assert "task_id" not in line


def test_an_exception_is_one_field_of_one_line():
    try:
        raise ValueError("broken\non two lines")
    except ValueError:
        text = JsonFormatter().format(
            record("failed", level=logging.ERROR, exc_info=sys.exc_info())
        )

    assert "\n" not in text
    assert "ValueError: broken" in json.loads(text)["exception"]


def test_plain_lines_show_the_request_id_for_a_person():
    formatter = PlainFormatter("%(levelname)s %(name)s%(work)s: %(message)s")
    token = log_context.enter(log_context.WorkContext(request_id="feedbeef00"))
    try:
        text = formatter.format(record("hello"))
    finally:
        log_context.leave(token)

    assert text == "INFO shadowvault.test [feedbeef00]: hello"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("GET /media/4/film.mp4?md5=Xy_9-abcDEF&expires=1999999999", "Xy_9-abcDEF"),
        ("Authorization: Token 0123456789abcdef0123456789", "0123456789abcdef0123456789"),
        ("{'HTTP_AUTHORIZATION': 'Bearer s3cr3t-t0ken-value'}", "s3cr3t-t0ken-value"),
        ("Cookie: sessionid=q1w2e3r4t5y6; csrftoken=zxcvbnm123", "q1w2e3r4t5y6"),
        ("Cookie: sessionid=q1w2e3r4t5y6; csrftoken=zxcvbnm123", "zxcvbnm123"),
        ("POST body username=a&password=hunter2hunter2", "hunter2hunter2"),
        ("postgres://shadow:db-pass-123@127.0.0.1:5432/sv", "db-pass-123"),
        ("Not Found: /stremio/tok-ab12cd34ef/manifest.json", "tok-ab12cd34ef"),
        ("GET /opds/key/app-password-42/series/", "app-password-42"),
    ],
)
def test_shapes_that_carry_secrets_are_redacted(text, secret):
    scrubbed = redact(text)

    assert secret not in scrubbed
    assert MASK in scrubbed


def test_configured_secrets_are_redacted_wherever_they_appear(settings):
    settings.SECRET_KEY = "django-key-chosen-by-this-test-0123456789"
    settings.S3_SECRET_ACCESS_KEY = "s3-key-chosen-by-this-test"
    forget_secrets()
    try:
        line = JsonFormatter().format(
            record("key %s and %s, token %s", settings.SECRET_KEY, settings.S3_SECRET_ACCESS_KEY,
                   gateway_token())
        )  # fmt: skip
    finally:
        forget_secrets()

    assert settings.SECRET_KEY not in line
    assert settings.S3_SECRET_ACCESS_KEY not in line
    assert gateway_token() not in line
    assert json.loads(line)["message"].count(MASK) == 3


@pytest.mark.parametrize(
    ("argv", "role"),
    [
        (["/usr/bin/gunicorn", "shadowvault.wsgi:application"], "web"),
        (["/x/uvicorn/__main__.py", "shadowvault.asgi:application"], "stream"),
        (["/usr/bin/celery", "-A", "shadowvault", "worker"], "worker"),
        (["/usr/bin/celery", "-A", "shadowvault", "beat"], "beat"),
        (["manage.py", "runall"], "runall"),
    ],
)
def test_the_role_comes_from_the_program(argv, role):
    assert log_context.role_of(argv) == role


def test_runall_names_each_process_and_keeps_its_console_readable(monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    environments = group_environments({"web": [], "worker": [], "beat": []})

    assert environments["web"] == {"PROCESS_ROLE": "web", "LOG_FORMAT": "plain"}
    assert environments["beat"]["PROCESS_ROLE"] == "beat"
    monkeypatch.setenv("LOG_FORMAT", "json")
    assert group_environments({"web": []})["web"]["LOG_FORMAT"] == "json"


def test_each_process_writes_its_own_file_and_the_cursor_resumes_after_rotation(tmp_path):
    handler = ProcessFileHandler(str(tmp_path), max_bytes=64 * 1024)
    for n in range(3):
        handler.emit(record(f"line {n}"))
    stem = log_files.file_stem(log_context.process_role(), os.getpid())
    assert (tmp_path / f"{stem}.jsonl").is_file()

    read = lines_after(tmp_path, {})
    assert [line.fields["message"] for line, _ in read] == ["line 0", "line 1", "line 2"]
    after_first = read[0][1]
    again = lines_after(tmp_path, decode_cursor(encode_cursor(after_first)))
    assert [line.fields["message"] for line, _ in again] == ["line 1", "line 2"]

    # Past the size cap the file rotates: what the cursor had not read of the old file
    # comes first, then the new file's lines, none twice.
    position = read[-1][1]
    for n in range(3, 400):
        handler.emit(record(f"line {n} " + "x" * 200))
    assert (tmp_path / f"{stem}.jsonl.1").is_file()
    handler.close()
    messages = [line.fields["message"].split()[1] for line, _ in lines_after(tmp_path, position)]
    assert messages == [str(n) for n in range(3, 400)][-len(messages) :]
    assert len(messages) == len(set(messages))
    assert messages[-1] == "399"


@pytest.mark.parametrize("text", ["x", "web-1:-1", "web-1:1e3", "../etc:1", "a:" + "9" * 20, "a:²"])
def test_a_cursor_is_checked_before_use(text):
    with pytest.raises(log_files.BadCursor):
        decode_cursor(text)
