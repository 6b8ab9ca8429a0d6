"""The request id (docs/logs.md, "Request id"): set by the gateway toward every upstream,
believed by the app only from a trusted proxy and in the right shape, on every line logged
while a request is served, echoed to the client, and carried into the tasks it queues."""

from __future__ import annotations

import json
import logging
import re
from types import SimpleNamespace

import pytest
from django.test import Client

from shadowvault import log_context, task_logging
from shadowvault.log_format import JsonFormatter
from stored_media.gateway import GatewayOptions, render

pytestmark = pytest.mark.django_db
NGINX_ID = "0123456789abcdef0123456789abcdef"


class Lines(logging.Handler):
    """The JSON lines a view's code writes, as the product's formatter makes them."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def lines():
    handler = Lines()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


def test_the_gateways_id_is_kept_echoed_and_on_the_lines_of_the_request(alpha, lines):
    # The test client's peer is 127.0.0.1: the gateway's address in TRUSTED_PROXIES.
    response = Client(HTTP_HOST="a.test").get("/no-such-page/", HTTP_X_REQUEST_ID=NGINX_ID)

    assert response.status_code == 404
    assert response["X-Request-ID"] == NGINX_ID
    assert [line["request_id"] for line in lines] == [NGINX_ID]  # "Not Found: /no-such-page/"
    assert lines[0]["host"] == "a.test"


def test_without_a_header_the_app_makes_a_fresh_id(alpha):
    first = Client(HTTP_HOST="a.test").get("/healthz")["X-Request-ID"]
    second = Client(HTTP_HOST="a.test").get("/healthz")["X-Request-ID"]

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


@pytest.mark.parametrize("sent", ["short", "a" * 65, "<script>", "id with spaces", "x\ny-12345"])
def test_an_id_of_another_shape_is_not_believed(alpha, sent):
    answer = Client(HTTP_HOST="a.test").get("/healthz", HTTP_X_REQUEST_ID=sent)

    assert answer["X-Request-ID"] != sent
    assert re.fullmatch(r"[0-9a-f]{32}", answer["X-Request-ID"])


def test_an_id_from_a_client_that_is_not_a_trusted_proxy_is_not_believed(alpha, settings):
    settings.TRUSTED_PROXIES = []

    answer = Client(HTTP_HOST="a.test").get("/healthz", HTTP_X_REQUEST_ID=NGINX_ID)

    assert answer["X-Request-ID"] != NGINX_ID


def test_a_task_queued_during_a_request_carries_its_id_into_the_worker():
    headers: dict = {}
    token = log_context.enter(log_context.WorkContext(request_id=NGINX_ID))
    try:
        task_logging._add_request_id(headers=headers)
    finally:
        log_context.leave(token)
    # The worker's side: Celery makes the message's headers attributes of task.request.
    task = SimpleNamespace(
        name="streaming.tasks.ingest_fetch",
        request=SimpleNamespace(**headers),
        run=lambda job_id: None,
    )

    task_logging._enter_task(task_id="task-1", task=task, args=(42,))
    try:
        line = json.loads(JsonFormatter().format(logging.makeLogRecord({"msg": "fetching"})))
    finally:
        task_logging._leave_task(task_id="task-1")

    assert line["request_id"] == NGINX_ID
    assert line["task_id"] == "task-1"
    assert line["task"] == "streaming.tasks.ingest_fetch"
    assert line["job_id"] == "42"
    assert log_context.request_id() is None  # the task's context ended with it


def test_a_task_nobody_requested_gets_an_id_of_its_own():
    task = SimpleNamespace(name="tenants.tasks.sweep", request=SimpleNamespace(), run=lambda: 0)

    task_logging._enter_task(task_id="task-2", task=task, args=())
    try:
        context = log_context.current()
    finally:
        task_logging._leave_task(task_id="task-2")

    assert re.fullmatch(r"[0-9a-f]{32}", context.request_id or "")
    assert context.job_id is None


def test_the_gateway_sends_its_request_id_to_every_upstream(tmp_path):
    config = render(GatewayOptions(run_dir=str(tmp_path)))
    proxied = re.findall(r"location ([^{]+)\{(.*?)\n        \}", config, re.S)
    passing = [(name.strip(), body) for name, body in proxied if "proxy_pass" in body]

    assert len(passing) >= 6  # the site, uploads, websockets, slices, pages, both authorizes
    for name, body in passing:
        assert "proxy_set_header X-Request-ID $request_id;" in body, name
    # A cached answer keeps the headers of the request that filled it: not its id.
    slices = dict(passing)["@slices"]
    assert "proxy_hide_header X-Request-ID;" in slices
    assert "add_header X-Request-ID $request_id always;" in slices
