"""The commands that work on the catalogue, run against a database nobody migrated or one out
of reach, stop with one line saying what to do (exit 1), not a traceback from their first
query; their --help needs no database at all."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.services import REPO

ENV = {"SECRET_KEY": "k" * 40, "LINK_SECRET": "l" * 40, "PATH": os.environ["PATH"]}
# Each command with arguments it accepts, so what stops it is the database.
COMMANDS = [
    ["backup", "--to", "folder:/tmp/never-written"],
    ["bootstrap", "--no-sample"],
    ["ingest", "/no/such/film.mkv"],
    ["import_comics", "/no/such/comic.cbz"],
    ["move_storage", "--to", "s3", "--dry-run"],
    ["roll_up_figures"],
    ["store_media", "/no/such/film.mkv"],
    ["sweep_uploads"],
]


def manage(tmp_path, database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**ENV, "DATA_DIR": str(tmp_path), "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_an_unmigrated_database_is_named_with_what_to_do(tmp_path, command):
    done = manage(tmp_path, f"sqlite:///{tmp_path}/empty.sqlite3", *command)

    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert "migrations not applied yet: run `manage.py migrate` first" in done.stderr
    assert f"SQLite {tmp_path}/empty.sqlite3" in done.stderr


def test_a_database_out_of_reach_is_named_without_its_password(tmp_path):
    # Nothing listens on port 1: PostgreSQL refuses the connection at once.
    done = manage(tmp_path, "postgres://someone:hunter2@127.0.0.1:1/catalogue", "sweep_uploads")

    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert "cannot reach the database (127.0.0.1:1/catalogue)" in done.stderr
    assert "hunter2" not in done.stderr


def test_help_needs_no_database(tmp_path):
    done = manage(tmp_path, f"sqlite:///{tmp_path}/empty.sqlite3", "move_storage", "--help")

    assert done.returncode == 0, done.stderr
    assert "--dry-run" in done.stdout
