"""A missing or malformed setting stops start-up with one line naming it."""

import os
import subprocess
import sys

import pytest

from shadowvault import config
from tests.support.services import REPO

GOOD = {
    "SECRET_KEY": "k" * 40,
    "LINK_SECRET": "l" * 40,
    "PATH": os.environ["PATH"],
}


def start_django(tmp_path, **overrides: str) -> subprocess.CompletedProcess:
    env = {**GOOD, "DATA_DIR": str(tmp_path), **overrides}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DATABASE_URL", "mysql://root@localhost/x", "DATABASE_URL: unsupported scheme 'mysql'"),
        ("DATABASE_URL", "sqlite:///relative.db", "DATABASE_URL: an SQLite path must be absolute"),
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:5432", "DATABASE_URL: names no database"),
        ("DEBUG", "maybe", "DEBUG: expected true or false, got 'maybe'"),
        ("SECRET_KEY", "short", "SECRET_KEY: must be at least 32 characters long"),
        ("LINK_SECRET", "tooshort", "LINK_SECRET: must be at least 32 characters long"),
        ("CELERY_BROKER_URL", "amqp://guest@localhost//", "CELERY_BROKER_URL: unsupported scheme"),
        ("REDIS_URL", "http://127.0.0.1:6379", "REDIS_URL: unsupported scheme 'http'"),
        ("CHANNEL_LAYER_URL", "amqp://x", "CHANNEL_LAYER_URL: unsupported scheme 'amqp'"),
        ("LOGIN_FAILURE_LIMIT", "lots", "LOGIN_FAILURE_LIMIT: expected a whole number"),
        ("LOGIN_FAILURE_LIMIT", "0", "LOGIN_FAILURE_LIMIT: must be at least 1"),
        ("MEDIA_ROOT", "media", "MEDIA_ROOT: must be an absolute path"),
        ("EMAIL_URL", "pigeon://coop", "EMAIL_URL: unsupported scheme 'pigeon'"),
        ("STREAM_LIMITS_STORE", "memcached", "STREAM_LIMITS_STORE: expected one of auto"),
        ("STREAM_LIMITS_STORE", "redis", "STREAM_LIMITS_STORE: redis needs REDIS_URL"),
        ("STREAM_HEARTBEAT_EVERY", "60", "STREAM_HEARTBEAT_EVERY: must be at most half"),
        ("STREAM_SESSION_TTL", "1", "STREAM_SESSION_TTL: must be at least 2"),
        ("BILLING_PROVIDER", "paypal", "BILLING_PROVIDER: expected one of manual, stripe"),
        ("BILLING_PROVIDER", "stripe", "STRIPE_SECRET_KEY: is required when BILLING_PROVIDER"),
        ("STRIPE_API_BASE", "ftp://stripe.test", "STRIPE_API_BASE: unsupported scheme 'ftp'"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT: expected one of json, plain"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL: expected one of CRITICAL, DEBUG"),
        ("LOG_DIR", "logs", "LOG_DIR: must be an absolute path"),
    ],
)
def test_a_bad_value_stops_start_up_with_one_line_naming_it(tmp_path, name, value, expected):
    result = start_django(tmp_path, **{name: value})

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[0]], f"expected one line, got:\n{result.stderr}"
    assert lines[0].startswith(f"configuration error: {expected}")
    assert "Traceback" not in result.stderr


def test_good_settings_start(tmp_path):
    result = start_django(tmp_path)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_first_run_generates_private_secrets_and_keeps_them(tmp_path):
    first = start_django(tmp_path, SECRET_KEY="", LINK_SECRET="")
    secrets_file = tmp_path / config.SECRETS_FILE_NAME
    generated = secrets_file.read_text()
    second = start_django(tmp_path, SECRET_KEY="", LINK_SECRET="")

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert oct(secrets_file.stat().st_mode & 0o777) == "0o600"
    assert "SECRET_KEY=" in generated
    assert "LINK_SECRET=" in generated
    assert secrets_file.read_text() == generated


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/db.sqlite3")

    options = config.database("DATABASE_URL", "sqlite:////unused")["OPTIONS"]

    assert "journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"
