"""What the benches on a throwaway live install (ad_breaks.py, party_drift.py, party_load.py)
share before tests/support/live_site.py takes over: this process set up as the install's
settings, in a temp folder of its own."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# A bench's install is embedded: no broker, cache or channel layer of the machine's own.
MACHINE_SERVICES = ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CHANNEL_LAYER_URL")


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
