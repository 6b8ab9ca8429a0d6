"""Importing the settings changes nothing in os.environ: secrets from data/secrets.env are
read into settings, never exported to the process (or to every child it starts)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from shadowvault import config

REPO = Path(__file__).resolve().parent.parent
FILE_SECRET = "f" * 40
ENV_SECRET = "e" * 40

# Runs in a fresh interpreter: the test process has long since imported the settings.
IMPORT_SETTINGS = """
import json, os
before = dict(os.environ)
from shadowvault import settings
after = dict(os.environ)
print(json.dumps({
    "changes": {k: [before.get(k), after.get(k)] for k in before.keys() | after.keys()
                if before.get(k) != after.get(k)},
    "secret_key": settings.SECRET_KEY,
    "link_secret": settings.LINK_SECRET,
}))
"""


def import_settings(data_dir: Path, **env: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_SETTINGS],
        cwd=REPO,
        env={"PATH": os.environ["PATH"], "DATA_DIR": str(data_dir), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_secrets_from_the_file_reach_settings_but_not_the_environment(tmp_path):
    secrets_file = tmp_path / config.SECRETS_FILE_NAME
    secrets_file.write_text(f"# generated\nSECRET_KEY={FILE_SECRET}\nLINK_SECRET={FILE_SECRET}\n")

    seen = import_settings(tmp_path)

    assert seen["changes"] == {}
    assert seen["secret_key"] == FILE_SECRET
    assert seen["link_secret"] == FILE_SECRET


def test_secrets_from_the_environment_leave_it_unchanged(tmp_path):
    seen = import_settings(tmp_path, SECRET_KEY=ENV_SECRET, LINK_SECRET=ENV_SECRET)

    assert seen["changes"] == {}
    assert seen["secret_key"] == ENV_SECRET


def test_the_environment_wins_over_the_generated_file(tmp_path):
    (tmp_path / config.SECRETS_FILE_NAME).write_text(f"SECRET_KEY={FILE_SECRET}\n")

    seen = import_settings(tmp_path, SECRET_KEY=ENV_SECRET, LINK_SECRET=ENV_SECRET)

    assert seen["secret_key"] == ENV_SECRET


def test_an_empty_environment_value_falls_back_to_the_file(tmp_path):
    (tmp_path / config.SECRETS_FILE_NAME).write_text(f"SECRET_KEY={FILE_SECRET}\n")

    seen = import_settings(tmp_path, SECRET_KEY="", LINK_SECRET=ENV_SECRET)

    assert seen["secret_key"] == FILE_SECRET
