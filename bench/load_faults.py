"""bench/load.py's faults: the schedule, each fault's injection and recovery on a running
Topology (deploy/topology.py), and the judgement afterwards: which fault each failed request
and each lost piece of data belongs to, and the fault table.

A fault's window runs from its injection until it recovered (the part it hit answers again,
or the job it cut off is done) plus GRACE seconds for requests already on their way. A
failure in no window is "unexplained": the run's verdict counts those too.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from measures import percentile

GRACE = 3.0  # s after recovery in which a request sent before it may still fail
NONE = "(no fault)"
RUNNING_STATES = ("downloading", "probing", "processing", "uploading")
ENDED_STATES = ("done", "duplicate", "failed", "cancelled")


@dataclass
class Fault:
    kind: str  # kill-web, kill-stream, kill-worker, restart-redis, restart-postgres, s3-outage
    at: float  # seconds after the load started
    label: str = ""
    start: float = 0.0  # wall clock (time.time(), as locust's records)
    recovered: float | None = None
    note: str = ""

    @property
    def window(self) -> tuple[float, float]:
        end = self.recovered if self.recovered is not None else float("inf")
        return self.start, end + GRACE

    @property
    def recovered_after(self) -> float | None:
        return None if self.recovered is None else self.recovered - self.start


LABELS = {
    "kill-web": "SIGKILL gunicorn web-1",
    "kill-stream": "SIGKILL uvicorn stream-1",
    "kill-worker": "SIGKILL a Celery worker (mid-job)",
    "restart-redis": "restart Redis",
    "restart-postgres": "restart PostgreSQL",
    "s3-outage": "S3 answers 503 for {s3}s",
}


def schedule(spacing: float, first: float, s3_seconds: float) -> list[Fault]:
    """The six faults, `spacing` s apart from `first` s into the load."""
    kinds = list(LABELS)
    return [
        Fault(kind, first + n * spacing, LABELS[kind].format(s3=f"{s3_seconds:g}"))
        for n, kind in enumerate(kinds)
    ]


# -- injecting ----------------------------------------------------------------------------


class FaultDriver:
    """Runs the schedule against `topology` from `t0` (wall clock); `job_rows()` answers the
    ingest jobs' (id, state, worker) from the topology's database."""

    def __init__(self, topology, faults: list[Fault], t0: float, s3_seconds: float,
                 job_rows: Callable[[], list[tuple[int, str, str]]],
                 log: Callable[[str], None]) -> None:  # fmt: skip
        self.topology = topology
        self.faults = faults
        self.t0 = t0
        self.s3_seconds = s3_seconds
        self.job_rows = job_rows
        self.log = log
        self.cut_jobs: list[int] = []
        self.watchers: list[threading.Thread] = []

    def run(self, stop) -> None:
        for fault in self.faults:
            if stop.wait(max(0.0, self.t0 + fault.at - time.time())):
                return
            getattr(self, "_" + fault.kind.replace("-", "_"))(fault)
            took = f"{fault.recovered_after:.1f} s" if fault.recovered_after else "pending"
            self.log(f"fault {fault.label}: recovered after {took} {fault.note}")

    def wait_for_recoveries(self, timeout: float) -> None:
        for watcher in self.watchers:
            watcher.join(timeout)

    def _kill_app(self, fault: Fault, name: str) -> None:
        part = self.topology.parts[name]
        before = len(part.restarts)
        fault.start = time.time()
        self.topology.kill(name)
        health = f"http://127.0.0.1:{part.port}/healthz"
        fault.recovered = _until(lambda: len(part.restarts) > before and _ok(health), 60)

    def _kill_web(self, fault: Fault) -> None:
        self._kill_app(fault, "web-1")

    def _kill_stream(self, fault: Fault) -> None:
        self._kill_app(fault, "stream-1")

    def _kill_worker(self, fault: Fault) -> None:
        """Kill the worker running an ingest job (waiting up to 20 s for one), so that the
        sweep has a job to hand on; recovered once that job has ended."""
        found = _wait_for(lambda: self._running_job(), 20)
        name, job_id = found if found else ("worker-1", None)
        part = self.topology.parts[name]
        before = len(part.restarts)
        fault.start = time.time()
        self.topology.kill(name)
        if job_id is None:
            fault.note = "(no job was running: none cut off)"
            fault.recovered = _until(lambda: len(part.restarts) > before and part.alive, 60)
            return
        self.cut_jobs.append(job_id)
        fault.note = f"(cut off job #{job_id} on {name})"

        def ended() -> None:  # the sweep's lease wait: the next faults go on meanwhile
            ended = _until(lambda: self._job_state(job_id) in ENDED_STATES, 180, every=0.5)
            fault.recovered = ended

        watcher = threading.Thread(target=ended, daemon=True)
        watcher.start()
        self.watchers.append(watcher)

    def _running_job(self) -> tuple[str, int] | None:
        pids = {}
        for name in ("worker-1", "worker-2"):
            part = self.topology.parts[name]
            if part.alive:
                pids[part.process.pid] = name
        for job_id, state, worker in self.job_rows():
            if state in RUNNING_STATES and worker:
                pid = worker.rpartition(":")[2]
                parent = _parent_pid(int(pid)) if pid.isdigit() else None
                if parent in pids:
                    return pids[parent], job_id
        return None

    def _job_state(self, job_id: int) -> str:
        return next((state for pk, state, _ in self.job_rows() if pk == job_id), "")

    def _restart(self, fault: Fault, name: str) -> None:
        fault.start = time.time()
        self.topology.restart(name)
        ready = self.topology.url + "/readyz"
        fault.recovered = _until(lambda: _ok(ready), 60)

    def _restart_redis(self, fault: Fault) -> None:
        self._restart(fault, "redis")

    def _restart_postgres(self, fault: Fault) -> None:
        self._restart(fault, "postgres")

    def _s3_outage(self, fault: Fault) -> None:
        s3 = self.topology.env["S3_ENDPOINT_URL"] + "/"
        fault.start = time.time()
        with self.topology.s3_outage():
            time.sleep(self.s3_seconds)
        fault.recovered = _until(lambda: _status(s3) not in (0, 503), 30)


def _ok(url: str) -> bool:
    return _status(url) == 200


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=3) as answer:  # noqa: S310 (loopback)
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def _until(check: Callable[[], bool], timeout: float, every: float = 0.2) -> float | None:
    """When `check` first held (wall clock), or None after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return time.time()
        except Exception:  # noqa: S110 (a probe that cannot ask yet has not recovered)
            pass
        time.sleep(every)
    return None


def _wait_for(find: Callable, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = find()
        if found:
            return found
        time.sleep(0.2)
    return None


def _parent_pid(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


# -- judging ------------------------------------------------------------------------------


def fault_of(start: float, end: float, faults: list[Fault]) -> str:
    """The fault whose window the span [start, end] overlaps, the latest injected when
    windows overlap (a cut-off job's window is long), or NONE."""
    found = NONE
    latest = 0.0
    for fault in faults:
        low, high = fault.window
        if fault.start and start <= high and end >= low and fault.start >= latest:
            found, latest = fault.label, fault.start
    return found


def failures_by_fault(records: list[dict], faults: list[Fault]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for record in records:
        if not record["ok"]:
            span = (record["t"], record["t"] + record["ms"] / 1000)
            found.setdefault(fault_of(*span, faults), []).append(record)
    return found


def judge_jobs(accepted: list[str], jobs: list[dict]) -> list[dict]:
    """Every source the operator submitted (and the API accepted) reaches done exactly once:
    one job, done, with one version of its title, stored. What is wrong, one entry each."""
    wrong = []
    by_source: dict[str, list[dict]] = {}
    for job in jobs:
        by_source.setdefault(job["source"], []).append(job)
    for source in accepted:
        if source not in by_source:
            wrong.append({"source": source, "problem": "lost: no job", "span": None})
    for source, found in by_source.items():
        span = (min(j["created"] for j in found), max(j["finished"] or time.time() for j in found))
        if len(found) > 1:
            wrong.append({"source": source, "problem": f"doubled: {len(found)} jobs", "span": span})
        for job in found:
            problem = _job_problem(job)
            if problem:  # put in the window it was made in, or ended in
                ended = (job["created"], job["finished"] or job["created"])
                wrong.append({"source": source, "job": job["id"], "problem": problem,
                              "span": ended, "log": job["log"]})  # fmt: skip
    return wrong


def _job_problem(job: dict) -> str:
    if job["state"] not in ("done", "duplicate"):
        return f"not done: {job['state']} {job['error']}".strip()
    if job["state"] == "done" and job["versions"] != 1:
        return f"doubled: {job['versions']} versions of its title"
    if job["state"] == "done" and not job["stored_key"]:
        return "done without a stored file"
    if job.get("in_s3") is False:
        return f"its stored object {job['stored_key']} is not in S3"
    return ""


def judge_places(records: list[dict], places: list[dict]) -> list[dict]:
    """A saved place acknowledged (204) is what the database holds, unless a later save
    (acknowledged or not: a failed answer may still have committed) replaced it."""
    saves: dict[tuple[str, int], list[dict]] = {}
    for record in sorted(records, key=lambda r: r["t"]):
        if record["kind"] == "progress save" and "user" in record:
            saves.setdefault((record["user"], record["media"]), []).append(record)
    held = {(p["user"], p["media"]): p["position"] for p in places}
    wrong = []
    for key, sent in saves.items():
        last_ok = max((n for n, s in enumerate(sent) if s["ok"]), default=None)
        if last_ok is None:
            continue
        allowed = {round(s["position"], 2) for s in sent[last_ok:]}
        position = held.get(key)
        if position is None or round(position, 2) not in allowed:
            save = sent[last_ok]
            wrong.append({"save": key, "problem": f"acknowledged {save['position']}, "
                          f"database has {position}", "span": (save["t"], save["t"])})  # fmt: skip
    return wrong


def fault_table(faults: list[Fault], failures: dict[str, list[dict]],
                lost: list[dict]) -> list[dict]:  # fmt: skip
    """fault, requests failed (by kind), recovered after, data lost: one row a fault, and a
    last row for whatever fell in no fault's window."""
    rows = []
    for label in [f.label for f in faults] + [NONE]:
        fault = next((f for f in faults if f.label == label), None)
        failed = failures.get(label, [])
        kinds: dict[str, int] = {}
        for record in failed:
            kinds[record["kind"]] = kinds.get(record["kind"], 0) + 1
        data_lost = [x for x in lost if _lost_fault(x, faults) == label]
        rows.append({
            "fault": label,
            "requests_failed": len(failed),
            "failed_by_kind": kinds,
            "recovered_after": fault.recovered_after if fault else None,
            "data_lost": len(data_lost),
            "note": fault.note if fault else "",
        })  # fmt: skip
    return rows


def _lost_fault(item: dict, faults: list[Fault]) -> str:
    span = item.get("span")
    return fault_of(*span, faults) if span else NONE


def load_table(records: list[dict], seconds: float) -> list[dict]:
    """Per kind of request: count, requests per second, p50/p95/p99 (ms), failures."""
    kinds: dict[str, list[dict]] = {}
    for record in records:
        kinds.setdefault(record["kind"], []).append(record)
    rows = [_row(kind, found, seconds) for kind, found in sorted(kinds.items())]
    rows.append(_row("all", records, seconds))
    return rows


def _row(kind: str, found: list[dict], seconds: float) -> dict:
    times = [r["ms"] for r in found if r["ok"]]
    return {
        "kind": kind,
        "requests": len(found),
        "rps": len(found) / seconds if seconds else 0.0,
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "p99": percentile(times, 99),
        "failed": sum(1 for r in found if not r["ok"]),
    }


def format_load(rows: list[dict]) -> list[str]:
    lines = [f"{'kind':<18} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
             f"{'p99 ms':>8} {'failed':>6}"]  # fmt: skip
    for r in rows:
        lines.append(f"{r['kind']:<18} {r['requests']:>8} {r['rps']:>7.1f} {r['p50']:>8.0f} "
                     f"{r['p95']:>8.0f} {r['p99']:>8.0f} {r['failed']:>6}")  # fmt: skip
    return lines


def format_faults(rows: list[dict]) -> list[str]:
    lines = [f"{'fault':<36} {'requests failed':>15} {'recovered after':>15} {'data lost':>9}"]
    for r in rows:
        after = "-" if r["recovered_after"] is None else f"{r['recovered_after']:.1f} s"
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(r["failed_by_kind"].items()))
        lines.append(f"{r['fault']:<36} {r['requests_failed']:>15} {after:>15} "
                     f"{r['data_lost']:>9}" + (f"   {kinds}" if kinds else ""))  # fmt: skip
    return lines


@dataclass
class Verdict:
    """The checks after the run, each a name and what broke it (empty: it held)."""

    checks: dict[str, list] = field(default_factory=dict)

    def add(self, name: str, wrong: list) -> None:
        self.checks[name] = wrong

    @property
    def held(self) -> bool:
        return not any(self.checks.values())

    def lines(self) -> list[str]:
        out = []
        for name, wrong in self.checks.items():
            out.append(f"  {'ok  ' if not wrong else 'FAIL'} {name}"
                       + (f": {len(wrong)}" if wrong else ""))  # fmt: skip
            out += [f"       {item}" for item in wrong[:5]]
        return out
