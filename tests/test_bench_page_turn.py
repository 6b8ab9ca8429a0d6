"""bench/page_turn.py --quick runs end to end (~15 s): the gateway, the reference nginx, moto
and Chromium start, every page turn loads and decodes the page, and the figures are written.
Its speed goals are the bench's to report, not asserted here (speed is measured in bench/)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.services import REPO, need_binary

pytestmark = [pytest.mark.browser, pytest.mark.own_install]


def test_the_quick_page_turn_bench_reports_every_case(tmp_path):
    need_binary("chromium")
    need_binary("nginx")
    figures = tmp_path / "figures.json"

    done = subprocess.run(
        [sys.executable, "bench/page_turn.py", "--quick", "--json", str(figures)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )

    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    result = json.loads(figures.read_text())
    turns = {name: case["turns"] for name, case in result["cases"].items()}
    assert turns == {
        "reference warm": 16,
        "gateway warm": 16,
        "gateway warm paced": 16,
        "reference cold": 8,
        "gateway cold local": 8,
        "gateway cold S3": 8,
    }
    assert result["goals"]["every page loaded and decoded at its size"], result["problems"]
    assert all(case["p95"] > 0 for case in result["cases"].values())
    assert "x ref: p50" in done.stdout
