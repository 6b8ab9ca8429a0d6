"""bench/readers.py runs end to end, short (--quick: 100 readers for 10 s): it prints its
report, and what a short run beside other work can judge is asserted (no reader failed, the
burst on a fresh link cost the origin one authorize call), not the pace goal, which is the
bench's own report line."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.support.services import REPO, need_binary

pytestmark = [pytest.mark.services, pytest.mark.own_install]


def test_the_readers_bench_reports_a_burst_on_a_fresh_link():
    need_binary("nginx")

    done = subprocess.run(
        [sys.executable, "bench/readers.py", "--quick"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    out = done.stdout
    assert done.returncode == 0, out[-3000:] + done.stderr[-3000:]
    assert "  errors: 0" in out, out
    assert re.search(r"origin authorize calls: 1 for 1 link and 100 readers", out), out
    assert re.search(r"gateway: achieved / pace p5 [0-9.]+, p50 [0-9.]+", out), out
    assert re.search(r"reference nginx \(static file\): achieved / pace p5", out), out
    assert re.search(r"origin \(Python\) [0-9.]+ s, nginx [0-9.]+ s", out), out
