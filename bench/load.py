"""A bounded load run on the production shape, with faults on purpose (issue 20).

    .venv/bin/python bench/load.py            # 16 users, 180 s of load: ~5 min in all
    .venv/bin/python bench/load.py --quick    # 6 users, 80 s, the faults closer together
    .venv/bin/python bench/load.py --help

It starts deploy/topology.py's shape (PostgreSQL, Redis, S3 behind its fault switch,
2 gunicorn, 2 uvicorn, 2 Celery workers, beat, the nginx gateway) with the sample film and
manga, seeds member accounts with API tokens, and runs locust headless as a subprocess
(bench/load_users.py): viewers browse, search, open title pages and the player (saving their
place, reading ranges of the film on the page's signed link), read manga pages and call the
API with a token, while an operator submits a small film to ingest over the API every few
seconds. During the load, on a schedule: SIGKILL one gunicorn, one uvicorn and the Celery
worker running an ingest job; restart Redis; restart PostgreSQL; S3 answers 503 for 10 s.

Afterwards it prints the load table (requests per second, p50/p95/p99 and failures per kind),
the fault table (fault, requests failed, recovered after, data lost) and the checks: every
film submitted reached done exactly once (one job, one stored version, its object in S3),
every acknowledged saved place is in the database, no published title without a playable
file, every stream not on a killed process finished, cached slices were served through the
S3 outage, and every failed request falls in some fault's window. bench/README.md explains
the tables. A report, not a test: it exits 0 once printed (1 if it could not run);
tests/test_topology_faults.py asserts on the short run.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))  # imported by the test, not run as a script

import load_faults  # noqa: E402
from load_faults import NONE, FaultDriver, Verdict  # noqa: E402

T0 = time.monotonic()
# Title words for the films: with a year each, no two name the same title.
NATO = ("Alfa", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India")


def _load_topology():
    """deploy/topology.py (not a package), once per process (the tests load it too)."""
    if "topology" not in sys.modules:
        path = REPO / "deploy" / "topology.py"
        spec = importlib.util.spec_from_file_location("topology", path)
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules["topology"] = module
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    return sys.modules["topology"]


topology = _load_topology()


class LoadTopology(topology.Topology):
    """The shape with the run's ingest settings: a job whose worker died is handed on within
    ~20 s (a 15 s lease, the sweep every 5 s) instead of ~2 min, one whose message was lost
    after 30 s in the queue instead of 15 min; the operator's films come from the bench's own
    file server on loopback."""

    @property
    def env(self) -> dict[str, str]:
        env = super().env
        env.update(INGEST_LEASE_SECONDS="15", INGEST_SWEEP_SECONDS="5", INGEST_REQUEUE_SECONDS="30",
                   INGEST_ALLOWED_HOSTS="127.0.0.1")  # fmt: skip
        return env


@dataclass
class Plan:
    users: int
    spawn_rate: float
    seconds: int  # of load
    ingest_every: float  # s between the operator's submissions
    first_fault: float  # s into the load
    fault_spacing: float
    s3_seconds: float = 10.0
    settle: float = 120.0  # s to wait after the load for the jobs still running

    @property
    def films(self) -> int:
        return int(self.seconds / self.ingest_every) + 1


FULL = Plan(users=16, spawn_rate=4, seconds=180, ingest_every=6, first_fault=20, fault_spacing=24)
QUICK = Plan(users=6, spawn_rate=3, seconds=80, ingest_every=4, first_fault=8, fault_spacing=10)


def log(message: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f}s] {message}", file=sys.stderr, flush=True)


def run(plan: Plan, root: Path, say=log) -> dict:
    """Start the topology in `root`, load it with faults, judge; the figures and checks."""
    shape = LoadTopology(root / "topology", sample=True)
    say("starting the topology (sample film and manga in S3) ...")
    shape.start()
    try:
        return _measure(shape, plan, root, say)
    finally:
        say("stopping the topology ...")
        shape.stop()


def _measure(shape, plan: Plan, root: Path, say) -> dict:
    films = make_films(root / "films", plan.films)
    server = serve_folder(root / "films")
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        seed = django_json(shape, f"seed({plan.users})")
        config = {**seed, "ingest_every": plan.ingest_every,
                  "ingest_urls": [base + f.name for f in films]}  # fmt: skip
        faults = load_faults.schedule(plan.fault_spacing, plan.first_fault, plan.s3_seconds)
        records, seconds, driver = _load(shape, plan, root, config, faults, say)
        accepted = [r["source"] for r in records if r["kind"] == "ingest submit" and r["ok"]]
        _settle(shape, config["ingest_urls"], plan.settle, say)
        driver.wait_for_recoveries(30)
    finally:
        server.shutdown()
    users = [v["username"] for v in seed["viewers"]]
    facts = django_json(shape, f"facts({config['ingest_urls']!r}, {users!r})")
    _check_s3(shape, facts)
    return judge(records, seconds, faults, accepted, facts, driver.cut_jobs)


def _load(shape, plan, root, config, faults, say):
    (root / "load-config.json").write_text(json.dumps(config))
    records_path = root / "records.jsonl"
    records_path.unlink(missing_ok=True)
    env = dict(os.environ, LOAD_CONFIG=str(root / "load-config.json"),
               LOAD_RECORDS=str(records_path))  # fmt: skip
    argv = [
        str(topology.BIN / "locust"), "-f", str(BENCH / "load_users.py"), "--headless",
        "-u", str(plan.users), "-r", str(plan.spawn_rate), "-t", f"{plan.seconds}s",
        "--host", shape.url, "--csv", str(root / "locust"), "--only-summary",
        "--stop-timeout", "10", "--exit-code-on-error", "0", "--loglevel", "WARNING",
    ]  # fmt: skip
    say(f"load: {plan.users} users for {plan.seconds} s, faults from {plan.first_fault:g} s "
        f"every {plan.fault_spacing:g} s")  # fmt: skip
    stop = threading.Event()
    with (root / "locust.log").open("wb") as out:
        locust = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  cwd=REPO, start_new_session=True)  # fmt: skip
        t0 = time.time()
        driver = FaultDriver(shape, faults, t0, plan.s3_seconds, _job_rows(shape), say)
        thread = threading.Thread(target=driver.run, args=(stop,), daemon=True)
        thread.start()
        try:
            locust.wait(plan.seconds + 90)
        finally:
            if locust.poll() is None:
                locust.kill()
            stop.set()
        thread.join(120)
    seconds = time.time() - t0
    records = [json.loads(line) for line in records_path.read_text().splitlines() if line]
    say(f"load over: {len(records)} requests in {seconds:.0f} s")
    return records, seconds, driver


def _job_rows(shape):
    """(id, state, worker) of every ingest job, straight from the topology's database."""
    import psycopg

    def rows() -> list[tuple[int, str, str]]:
        try:
            with psycopg.connect(shape.database_url, connect_timeout=2) as conn:
                found = conn.execute("SELECT id, state, worker FROM streaming_ingestjob")
                return [(int(a), str(b), str(c)) for a, b, c in found.fetchall()]
        except psycopg.Error:
            return []  # restarting: nothing known this time

    return rows


def _settle(shape, sources: list[str], timeout: float, say) -> None:
    """Wait until every job of the run has ended (or `timeout`): a job cut off late in the
    run needs the lease to age and the sweep to hand it on."""
    import psycopg

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(shape.database_url, connect_timeout=2) as conn:
                open_jobs = conn.execute(
                    "SELECT count(*) FROM streaming_ingestjob WHERE source = ANY(%s) "
                    "AND state NOT IN ('done', 'duplicate', 'failed', 'cancelled')",
                    [sources],
                ).fetchone()[0]  # type: ignore[index]
        except psycopg.Error:
            open_jobs = -1
        if open_jobs == 0:
            return
        time.sleep(1)
    say(f"jobs still open after {timeout:.0f} s of settling")


def _check_s3(shape, facts: dict) -> None:
    """Each done job's stored object really is in the bucket (HEAD, its size); and the
    bucket's objects no row names (a step killed between its upload and its row: garbage,
    not loss), counted into `facts`."""
    import boto3
    import botocore.exceptions

    env = shape.env
    s3 = boto3.client(
        "s3", endpoint_url=env["S3_ENDPOINT_URL"], region_name=env["S3_REGION"],
        aws_access_key_id=env["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"],
    )  # fmt: skip
    for job in facts["jobs"]:
        if job["backend"] == "s3" and job["stored_key"]:
            try:
                head = s3.head_object(Bucket=env["S3_BUCKET"], Key=job["stored_key"])
                job["in_s3"] = head["ContentLength"] == job["stored_size"]
            except botocore.exceptions.ClientError:
                job["in_s3"] = False
    named = set(facts["s3_keys"])
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=env["S3_BUCKET"])
    keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
    facts["unnamed_objects"] = [key for key in keys if key not in named]


def judge(records: list[dict], seconds: float, faults, accepted: list[str], facts: dict,
          cut_jobs: list[int]) -> dict:  # fmt: skip
    failures = load_faults.failures_by_fault(records, faults)
    wrong_jobs = load_faults.judge_jobs(accepted, facts["jobs"])
    wrong_places = load_faults.judge_places(records, facts["places"])
    half = [{"title": s, "problem": "published without a playable file", "span": None}
            for s in facts["published_without_file"]]  # fmt: skip
    half += [{"chapter": c, "problem": "pages missing", "span": None}
             for c in facts["chapters_missing_pages"]]  # fmt: skip
    lost = wrong_jobs + wrong_places + half
    # A stream cut: a media range that started and broke off (a short body, a dropped
    # connection), as against one refused at once with an HTTP error (counted as failed).
    stream_kill = next(f.label for f in faults if f.kind == "kill-stream")
    streams_cut = [r for label, found in failures.items() if label != stream_kill
                   for r in found if r["kind"] == "media range"
                   and (r["status"] == 0 or "short body" in r.get("error", ""))]  # fmt: skip
    verdict = Verdict()
    verdict.add("every film submitted reached done exactly once", wrong_jobs)
    verdict.add("every acknowledged saved place is kept", wrong_places)
    verdict.add("no half-written row visible", half)
    verdict.add("every stream not on a killed process finished", streams_cut)
    verdict.add("cached slices served through the S3 outage", _outage_slices(records, faults))
    verdict.add("every failed request falls in a fault's window", failures.get(NONE, []))
    verdict.add("every fault recovered", [f.label for f in faults if f.recovered is None])
    jobs = facts["jobs"]
    return {
        "seconds": seconds,
        "load": load_faults.load_table(records, seconds),
        "faults": load_faults.fault_table(faults, failures, lost),
        "fault_times": [asdict(f) for f in faults],
        "jobs": {
            "submitted": len(accepted),
            "done": sum(j["state"] == "done" for j in jobs),
            "cut_off_by_a_kill": cut_jobs,
            "taken_over": [j["id"] for j in jobs if j["attempts"] > 1],
            "unnamed_objects_in_s3": len(facts.get("unnamed_objects", [])),
        },
        "checks": verdict.checks,
        "verdict_lines": verdict.lines(),
        "held": verdict.held,
        "data_lost": len(lost),
    }


def _outage_slices(records: list[dict], faults) -> list[str]:
    """During the outage the gateway answered media ranges from its slice cache: some HITs,
    and no media range failed."""
    outage = next(f for f in faults if f.kind == "s3-outage")
    if not outage.start or outage.recovered is None:
        return ["the outage did not run"]
    inside = [r for r in records if r["kind"] == "media range"
              and outage.start <= r["t"] <= outage.recovered]  # fmt: skip
    hits = [r for r in inside if r["ok"] and r["cache"] == "HIT"]
    failed = [r for r in inside if not r["ok"]]
    if not hits:
        return [f"no cached slice served during the outage ({len(inside)} media ranges)"]
    return [f"media range failed: {r.get('error', r['status'])}" for r in failed]


# -- the films and their server ------------------------------------------------------------


def make_films(folder: Path, count: int) -> list[Path]:
    """`count` small distinct films (H.264/AAC MP4, 20 s and up, each its own length, name
    and year, so ingest sees neither a duplicate nor an existing title)."""
    folder.mkdir(parents=True, exist_ok=True)
    films = []
    for n in range(count):
        path = folder / f"Loadrun.{NATO[n % len(NATO)]}.{1950 + n}.mp4"  # nothing to quote
        seconds = 20 + n * 0.5
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y",
             "-f", "lavfi", "-i", f"testsrc2=size=192x108:rate=10:duration={seconds}",
             "-f", "lavfi", "-i", f"sine=frequency={300 + 10 * n}:duration={seconds}",
             "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
             "-c:a", "aac", "-b:a", "32k", "-shortest", "-movflags", "+faststart", str(path)],
            check=True,
        )  # fmt: skip
        films.append(path)
    return films


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_args) -> None:  # the workers' downloads are not the report
        pass


def serve_folder(folder: Path) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def django_json(shape, call: str) -> dict:
    """Run `load_checks.<call>` in the topology's Django; its JSON line."""
    script = f"import sys; sys.path.insert(0, 'bench'); import load_checks; load_checks.{call}"
    out = shape.manage("shell", "-c", script)
    line = next(x for x in out.splitlines() if x.startswith("LOAD-JSON "))
    return json.loads(line.removeprefix("LOAD-JSON "))


# -- the report ----------------------------------------------------------------------------


def report(result: dict, plan: Plan) -> list[str]:
    lines = [f"load: {plan.users} users, {result['seconds']:.0f} s, through the gateway"]
    lines += load_faults.format_load(result["load"])
    lines += ["", "faults:", *load_faults.format_faults(result["faults"])]
    jobs = result["jobs"]
    lines += ["", f"ingest: {jobs['submitted']} films submitted, {jobs['done']} done; cut off "
              f"by a kill: {jobs['cut_off_by_a_kill']}; taken over by another worker: "
              f"{jobs['taken_over']}; objects in S3 no row names (left by a killed step): "
              f"{jobs['unnamed_objects_in_s3']}"]  # fmt: skip
    lines += ["", f"checks ({'all held' if result['held'] else 'SOME FAILED'}; data lost "
              f"{result['data_lost']}):"] + result["verdict_lines"]  # fmt: skip
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Load the production shape (deploy/topology.py) with locust while killing "
        "and restarting its parts; print the load table, the fault table and the checks.",
        epilog="bench/README.md explains the tables.",
    )
    parser.add_argument("--quick", action="store_true",
                        help="6 users, 80 s, faults 10 s apart (the test's run)")  # fmt: skip
    parser.add_argument("--users", type=int, help="locust users (one is the operator)")
    parser.add_argument("--seconds", type=int, help="seconds of load")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (logs, CSV)")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    if args.users:
        plan.users = args.users
    if args.seconds:
        if args.seconds < plan.first_fault + 6 * plan.fault_spacing + plan.s3_seconds:
            parser.error("--seconds leaves no room for the faults")
        plan.seconds = args.seconds
    root = Path(tempfile.mkdtemp(prefix="sv-load-"))
    try:
        result = run(plan, root)
    except (topology.TopologyError, subprocess.SubprocessError, OSError) as error:
        print(f"could not run: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            log(f"kept {root}")
    print("\n".join(report(result, plan)))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
