"""The compose deployment as an operator meets it: nginx's errors reach `docker compose logs`
(the gateway's error log can be stderr, and compose asks for it), an existing media folder can
be mounted read-only for import, and deploy/README.md points only at files that exist."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import urllib.error
import urllib.request

import pytest
import yaml

from stored_media.gateway import GatewayOptions, render
from tests.support.services import REPO, free_port, need_binary
from tests.support.serving import nginx_running

COMPOSE = REPO / "docker-compose.yml"
DEPLOY_README = REPO / "deploy" / "README.md"


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_the_error_log_is_a_file_in_the_run_dir_by_default(db, tmp_path):
    config = render(GatewayOptions(run_dir=str(tmp_path)))

    assert f"error_log {tmp_path}/error.log warn;" in config


def test_nginx_sends_its_errors_to_stderr_when_asked(db, tmp_path, settings):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    port, run_dir = free_port(), tmp_path / "gateway"
    options = GatewayOptions(
        listen=f"127.0.0.1:{port}",
        run_dir=str(run_dir),
        workers="1",
        user="root" if os.geteuid() == 0 else "",
        error_log="stderr",
    )
    with nginx_running(options) as process, pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/static/no-such-file.css", timeout=5)
    logged = process.stdout.read()

    assert "no-such-file.css" in logged  # open() failed (2: No such file or directory)
    assert not (run_dir / "error.log").exists()


def test_compose_renders_the_gateway_with_its_error_log_on_stderr():
    [script] = [part for part in compose()["services"]["migrate"]["command"] if "gateway" in part]

    assert "--error-log stderr" in script
    assert "error_log" not in script  # the flag, not a hand-edited config


def test_compose_mounts_an_import_folder_read_only():
    app = compose()["x-app"]

    assert "${IMPORT_DIR:-./import}:/import:ro" in app["volumes"]
    assert compose()["x-env"]["INGEST_IMPORT_DIR"] == "/import"


def test_docker_compose_accepts_the_file(tmp_path):
    binary = need_binary("docker-compose")  # Debian's compose v1: no Docker engine needed
    shutil.copy(COMPOSE, tmp_path)
    (tmp_path / ".env").write_text("SECRET_KEY=s\nLINK_SECRET=l\nPOSTGRES_PASSWORD=p\n")

    done = subprocess.run(
        [binary, "config"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 0, done.stderr
    resolved = yaml.safe_load(done.stdout)
    assert f"{tmp_path}/import:/import:ro" in resolved["services"]["worker"]["volumes"]


def test_the_deploy_readme_names_only_files_of_the_repository():
    text = DEPLOY_README.read_text()
    linked = re.findall(r"\]\(([^)#]+)", text)

    assert "DESIGN.md" not in text
    assert "../docs/architecture.md" in linked
    for target in linked:
        assert (DEPLOY_README.parent / target).exists(), target
