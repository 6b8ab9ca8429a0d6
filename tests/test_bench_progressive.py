"""bench/progressive.py --quick runs end to end (~2 min; the first run also makes its three
short HEVC sources, ~2 min more, cached after): the scratch install, the gateway, a Celery
worker and Chromium start, each source is ingested and played, every figure's line is
printed in its form, and what a short run can judge holds: each source plays early (first
frame, and again after a seek ahead, well before a final MP4 would exist), and the player
moves to the final MP4 without losing its place; the same source again with nobody watching
makes its final MP4 too. The 10 s goals, stalls and the final-file
ratio are the bench's PASS/FAIL lines to report (two shared cores: speed is measured in
bench/, not asserted in tests)."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys

import pytest

from tests.support.services import REPO, need_binary

pytestmark = [pytest.mark.browser, pytest.mark.own_install]

SOURCES = ["1080p HEVC", "1080p HEVC 10-bit", "4K HEVC"]
PLAYED_BEFORE_FINAL = 30  # seconds; the final MP4 of a quick source takes longer on a busy box
NUMBER = r"(?:\d+\.\d+|nan|inf)"
WHOLE = r"(?:\d+|nan|inf)"
VERDICT = r"^  (?:PASS|FAIL|n/a |info)  "
FIGURE_LINES = {
    "first frame": rf"{VERDICT}first frame after {NUMBER} s: (.+), \d+ s \(",
    "seek-ahead": rf"{VERDICT}seek-ahead wait {NUMBER} s to {WHOLE} s, encoders at {WHOLE} s"
    r"(?: \(already encoded\))?: (.+), \d+ s",
    "stalls": rf"{VERDICT}stalls \d+ \({NUMBER} s\) in {WHOLE} s of continuous play: (.+), \d+ s",
    "final, nobody watching": rf"{VERDICT}final MP4 after {NUMBER} s = {NUMBER}x ffmpeg alone "
    rf"\({NUMBER} s\), nobody watching: (.+), \d+ s",
    "final, watched": rf"{VERDICT}final MP4 after {NUMBER} s = {NUMBER}x ffmpeg alone "
    rf"\({NUMBER} s\), the tab playing and seeking: (.+), \d+ s",
    "switch": rf"{VERDICT}switch loss {NUMBER} s \({NUMBER} s -> {NUMBER} s\): (.+), \d+ s",
    "switch gap": rf"{VERDICT}switch gap {NUMBER} s from the rendition's stop to the file's "
    r"first frame: (.+), \d+ s",
}


def test_the_quick_progressive_bench_plays_every_source(tmp_path):
    need_binary("chromium")
    need_binary("nginx")
    need_binary("ffmpeg")
    figures = tmp_path / "figures.json"

    done = subprocess.run(
        [sys.executable, "bench/progressive.py", "--quick", "--json", str(figures)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for figure, pattern in FIGURE_LINES.items():
        named = re.findall(pattern, done.stdout, re.MULTILINE)
        assert named == SOURCES, f"{figure} lines: {named}\n{done.stdout[-3000:]}"
    rows = {row["source"]: row for row in json.loads(figures.read_text())}
    assert list(rows) == SOURCES
    report = done.stdout[done.stdout.index("Progressive transcoding") :]
    for name, row in rows.items():
        assert not row["stand_in"], f"{name}: the player did not play\n{report}"
        assert row["progressive"], f"{name}: no progressive rendition\n{report}"
        # The 10 s goals are the report's PASS/FAIL lines: a test on two shared cores checks
        # that the title played long before its final file, not the stopwatch.
        assert row["first_frame"] <= PLAYED_BEFORE_FINAL, f"{name}: no early first frame\n{report}"
        assert row["seek_wait"] <= PLAYED_BEFORE_FINAL, f"{name}: the seek never played\n{report}"
        assert row["stalls"] >= 0, f"{name}: no continuous play\n{report}"
        # Stored at all (a ratio, not NaN): ffmpeg alone is timed once, so on a box whose
        # load changes a run can beat it (0.68x beside another suite); the 1.15x goal is the
        # report's line, measured on a quiet box.
        assert row["final_ratio"] > 0, f"{name}: the final MP4 was never stored\n{report}"
        assert row["unwatched_ratio"] > 0, f"{name}: no final MP4 with nobody watching\n{report}"
        if not math.isnan(row["loss"]):
            assert row["loss"] <= 0.25, f"{name}: the switch lost its place\n{report}"
    switched = [name for name, row in rows.items() if not math.isnan(row["loss"])]
    assert switched, f"no player moved to the final MP4\n{report}"
