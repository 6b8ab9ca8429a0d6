"""What `make` and `bootstrap` print for a new operator is true: the address the site is
really served on, the values of HOST and PORT (not `$(HOST)`), and `make lint` runs the
migrations check its help line promises."""

from __future__ import annotations

import subprocess

import pytest
from django.core.management import call_command

from tenants.models import Domain
from tests.support.services import REPO, need_binary


def make(*args: str) -> str:
    need_binary("make")
    done = subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


@pytest.fixture
def fresh_install(db, settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SAMPLE_MEDIA_DIR = tmp_path / "sample"
    settings.INGEST_WORK_DIR = tmp_path / "ingest"
    settings.INGEST_IMPORT_DIR = tmp_path / "import"
    monkeypatch.setenv("DEMO_ADMIN_USERNAME", "demo")
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    return tmp_path


def test_bootstrap_prints_the_sign_in_address_it_is_given(fresh_install, capsys):
    call_command("bootstrap", "--no-sample", "--url", "http://127.0.0.1:8123")

    printed = capsys.readouterr().out
    assert "Sign in at http://127.0.0.1:8123/admin/" in printed
    assert ":8000" not in printed


def test_the_address_bootstrap_is_given_is_the_sites_primary_one(fresh_install, client):
    call_command("bootstrap", "--no-sample", "--url", "http://127.0.0.1:8123")

    primary = Domain.objects.get(is_primary=True)
    assert primary.hostname == "127.0.0.1"
    assert client.get("/", HTTP_HOST="127.0.0.1:8123").status_code == 200  # no redirect
    moved = client.get("/", HTTP_HOST="localhost:8123")
    assert moved.status_code == 301
    assert moved["Location"] == "http://127.0.0.1:8123/"


def test_bootstrap_guesses_no_address_when_given_none(fresh_install, capsys):
    call_command("bootstrap", "--no-sample")

    printed = capsys.readouterr().out
    assert "Sign in at /admin/ on this site" in printed
    assert "http://" not in printed


def test_make_run_tells_bootstrap_its_host_and_port():
    planned = make("-n", "run", "HOST=0.0.0.0", "PORT=8123")

    assert "manage.py bootstrap --url http://0.0.0.0:8123" in planned
    assert "runall --host 0.0.0.0 --port 8123" in planned


def test_make_help_shows_the_values_of_host_and_port():
    shown = make("help", "PORT=8123")

    assert "$(" not in shown
    assert "http://127.0.0.1:8123" in shown


def test_make_lint_runs_the_migrations_check():
    planned = make("-n", "lint")

    assert "manage.py makemigrations --check --dry-run" in planned
