"""The production shape under load with faults on purpose (issue 20): bench/load.py's short
run (6 locust users for 80 s through the gateway, the operator ingesting a film every 4 s)
while one gunicorn, one uvicorn and the worker running an ingest job are SIGKILLed, Redis and
PostgreSQL restarted and S3 answers 503 for 10 s. One run for the module (~3 min); the tests
read its result: nothing lost, no job lost or doubled, every failure inside a fault's window
and bounded."""

from __future__ import annotations

import sys

import pytest

from tests.support.scripts import load_script

pytestmark = [pytest.mark.services, pytest.mark.own_install]


load = load_script("bench/load.py", "load_bench")
faults = sys.modules["load_faults"]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    plan = load.Plan(**vars(load.QUICK))
    outcome = load.run(plan, tmp_path_factory.mktemp("load"), say=print)
    print("\n".join(load.report(outcome, plan)))  # in the test's output when one fails
    return outcome


def test_no_data_is_lost(result):
    assert result["data_lost"] == 0, result["verdict_lines"]
    assert [row["data_lost"] for row in result["faults"]] == [0] * len(result["faults"])
    assert result["checks"]["every acknowledged saved place is kept"] == []
    assert result["checks"]["no half-written row visible"] == []


def test_every_film_submitted_is_ingested_exactly_once(result):
    assert result["checks"]["every film submitted reached done exactly once"] == []
    jobs = result["jobs"]
    assert jobs["submitted"] >= 10
    assert jobs["done"] == jobs["submitted"]


def test_every_fault_ran_and_recovered(result):
    assert result["checks"]["every fault recovered"] == []
    assert len(result["fault_times"]) == 6
    for fault in result["fault_times"]:
        assert fault["start"] > 0, fault
        assert fault["recovered"] - fault["start"] < 60, fault


def test_failures_are_attributed_and_bounded(result):
    assert result["checks"]["every failed request falls in a fault's window"] == []
    rows = {row["fault"]: row for row in result["faults"]}
    assert rows[faults.NONE]["requests_failed"] == 0
    total = next(row for row in result["load"] if row["kind"] == "all")
    assert total["requests"] > 300
    # A killed instance costs a request or two (nginx retries an idempotent request on the
    # other one; a POST in flight is lost), a killed worker and S3's outage none (slices from
    # the cache); while Redis or PostgreSQL restarts, what needs them fails, and only then.
    by_kind = {f["kind"]: f["label"] for f in result["fault_times"]}
    for kind in ("kill-web", "kill-stream", "kill-worker", "s3-outage"):
        assert rows[by_kind[kind]]["requests_failed"] <= 5, rows[by_kind[kind]]
    assert total["failed"] <= total["requests"] * 0.15, result["faults"]


def test_streams_finish_and_the_gateway_serves_cached_slices_through_the_s3_outage(result):
    assert result["checks"]["every stream not on a killed process finished"] == []
    assert result["checks"]["cached slices served through the S3 outage"] == []


def test_a_failure_belongs_to_the_latest_fault_whose_window_it_overlaps():
    early = faults.Fault("kill-worker", 0, "worker", start=100.0, recovered=140.0)
    later = faults.Fault("restart-redis", 0, "redis", start=120.0, recovered=122.0)
    pending = [early, later]
    assert faults.fault_of(110.0, 110.5, pending) == "worker"
    assert faults.fault_of(121.0, 121.2, pending) == "redis"
    assert faults.fault_of(90.0, 95.0, pending) == faults.NONE


def test_an_acknowledged_place_may_be_replaced_only_by_a_later_save():
    def save(t, position, ok):
        return {"kind": "progress save", "user": "v", "media": 1, "t": t, "ok": ok,
                "position": position}  # fmt: skip

    sent = [save(1, 5.0, True), save(2, 7.0, False)]
    assert faults.judge_places(sent, [{"user": "v", "media": 1, "position": 7.0}]) == []
    assert faults.judge_places(sent, [{"user": "v", "media": 1, "position": 5.0}]) == []
    lost = faults.judge_places(sent, [{"user": "v", "media": 1, "position": 3.0}])
    assert len(lost) == 1
