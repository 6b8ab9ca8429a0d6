"""What the benches on a throwaway live install (ad_breaks.py, party_drift.py, party_load.py)
share around tests/support/live_site.py: the run's clock and log, this process set up as the
install's settings in a temp folder of its own, and main()'s frame (errors, the folder's
removal, the figures as JSON, the run time)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

T0 = time.monotonic()  # the script's start: it imports this first thing

REPO = Path(__file__).resolve().parent.parent
# A bench's install is embedded: no broker, cache or channel layer of the machine's own.
MACHINE_SERVICES = ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CHANNEL_LAYER_URL")


def log(message: str) -> None:
    """A progress line on stderr, with the seconds since the start (the report is stdout)."""
    print(f"[{time.monotonic() - T0:6.1f}s] {message}", file=sys.stderr, flush=True)


def prepare_environment(work: Path, setup_django: bool = True) -> None:
    """This process as the install's settings (tests/support/live_site.py reads them): SQLite
    and data in `work`, fresh secrets, warnings only."""
    sys.path.insert(0, str(REPO))
    for name in MACHINE_SERVICES:
        os.environ.pop(name, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="shadowvault.settings",
        DATA_DIR=str(work),
        DATABASE_URL=f"sqlite:///{work / 'site.sqlite3'}",
        SECRET_KEY=secrets.token_urlsafe(48),
        LINK_SECRET=secrets.token_urlsafe(48),
        LOG_LEVEL="WARNING",
    )
    if setup_django:
        import django

        django.setup()


def run_bench(
    name: str,
    body: Callable[[], dict],
    json_path: Path | None,
    keep: bool = False,
    setup_django: bool = True,
) -> int:
    """A live-install bench's main(): `body()` measures and prints its report with this
    process set up as a scratch install's settings, and returns the figures (written to
    `json_path`). 0 once the report is printed (a report, not a test), 1 if it could not run;
    the temp folder is removed (kept with `keep`)."""
    work = Path(tempfile.mkdtemp(prefix=f"shadowvault-bench-{name}-"))
    try:
        prepare_environment(work, setup_django)
        figures = body()
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a report, not a test: say why it could not run
        log(f"could not run: {exc!r}")
        return 1
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    if json_path:
        json_path.write_text(json.dumps(figures, indent=2))
    print(f"\ntotal run time {time.monotonic() - T0:.0f} s")
    return 0
