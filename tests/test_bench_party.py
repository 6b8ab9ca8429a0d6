"""The watch-party benches run end to end, short: bench/party_drift.py with two members in
Chromium through the gateway (a play, a seek, a pause, a throttled member, a seek back), and
bench/party_load.py with a few parties of simulated members on one uvicorn worker. Each
prints its figures and writes them as JSON; what a short run on two shared cores can judge is
asserted (every member joined, every command arrived, both seeks were re-synced), not the
drift or latency goals, which are the benches' own report lines."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.services import REPO, need_binary

pytestmark = [pytest.mark.browser, pytest.mark.own_install]


def run_bench(*args: str, timeout: int) -> str:
    done = subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_the_drift_bench_measures_two_members_through_a_seek_and_a_throttle(tmp_path):
    need_binary("chromium")
    need_binary("nginx")
    figures = tmp_path / "drift.json"

    out = run_bench(
        "bench/party_drift.py", "--members", "2", "--quick", "--json", str(figures), timeout=300
    )

    found = json.loads(figures.read_text())
    assert "drift from the members' median: p50" in out
    assert found["members"] == 2
    assert found["steps"] > 50, out  # steady playing and paused stretches were measured
    assert len(found["resync_s"]) == 2, out
    assert None not in found["resync_s"], f"a seek never re-synced\n{out}"


def test_the_load_bench_delivers_every_command_to_every_member(tmp_path):
    figures = tmp_path / "load.json"

    out = run_bench(
        "bench/party_load.py",
        *("--parties", "4", "--members", "3", "--rounds", "2", "--every", "0.5"),
        *("--json", str(figures)),
        timeout=180,
    )

    found = json.loads(figures.read_text())
    assert found["connected"] == 12, out
    assert found["refused"] == 0, out
    assert found["expected"] == 4 * 3 * 3 * 2  # parties x members x (play, pause, seek) x rounds
    assert found["delivered"] == found["expected"], out
    assert found["errors"] == 0, out
