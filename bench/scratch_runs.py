"""What the scratch-database benchmarks (search.py, series_search.py, pages.py) share around
their measuring: the run's clock and log, the timing of a build step, the command line's
database options, and the lines that open and close the report."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

T0 = time.monotonic()  # the script's start: it imports this first thing


def log(message: str) -> None:
    """A progress line on stderr, with the seconds since the start (the report is stdout)."""
    print(f"[{time.monotonic() - T0:6.1f}s] {message}", file=sys.stderr, flush=True)


@contextmanager
def timed(timings: dict[str, float], name: str) -> Iterator[None]:
    """Put the seconds the block took (one decimal) in timings[name], and log them."""
    start = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - start, 1)
    log(f"  {name}: {timings[name]}s")


def add_database_options(parser: argparse.ArgumentParser) -> None:
    """--server (where the PostgreSQL scratch database is made), --only and --seed."""
    parser.add_argument(
        "--server",
        default="postgres://postgres@127.0.0.1:5432",
        help="PostgreSQL server URL, no database name; the scratch database is made there",
    )
    parser.add_argument("--only", choices=["postgresql", "sqlite"], help="one database only")
    parser.add_argument("--seed", type=int, default=7)


def header(script: str, *details: str) -> str:
    """'bench/<script>: N CPUs, Python X.Y.Z, <details>': the report's first line."""
    machine = (
        f"bench/{Path(script).name}: {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    return ", ".join([machine, *details])


def print_build(timings: dict[str, float], sizes: dict[str, object], width: int) -> None:
    """The report's lines for how long each build step took and how big what it made is."""
    for label, seconds in timings.items():
        print(f"   build  {label:<{width}} {seconds:>7.1f} s")
    for label, value in sizes.items():
        print(f"   size   {label:<{width}} {value:>9}")


def total_time() -> str:
    """The report's last line."""
    return f"\ntotal run time {time.monotonic() - T0:.0f} s"
