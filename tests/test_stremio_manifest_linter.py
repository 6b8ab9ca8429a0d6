"""The addon's manifest passes Stremio's own linter (the npm package stremio-addon-linter,
a devDependency in package.json), run with node: the check Stremio's tools make before an
addon is published."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from streaming.models import Genre
from stremio import tokens
from tests.factories import film, series

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
LINT = """
const { lintManifest } = require("stremio-addon-linter");
const manifest = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
process.stdout.write(JSON.stringify(lintManifest(manifest), (key, value) =>
  value instanceof Error ? value.message : value));
"""


def lint(manifest: dict, folder: Path) -> dict:
    path = folder / "manifest.json"
    path.write_text(json.dumps(manifest))
    done = subprocess.run(
        ["node", "-e", LINT, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_manifest_passes_the_official_linter(alpha, alice, tmp_path):
    drama = Genre.objects.create(name="Drama", slug="drama")
    film("Heat", genres=[drama])
    series("Show", {1: [1]}).genres.set([Genre.objects.create(name="Science Fiction", slug="sf")])
    secret = tokens.issue(alice, alpha, "Linter").secret
    manifest = Client(HTTP_HOST="a.test").get(f"/stremio/{secret}/manifest.json").json()

    result = lint(manifest, tmp_path)

    assert result["errors"] == []
    assert result["valid"] is True


def test_the_linter_does_refuse_a_broken_manifest(tmp_path):
    # The check is real: a manifest without an id or a semver version fails it.
    result = lint({"name": "x", "version": "one", "resources": [], "types": []}, tmp_path)

    assert result["valid"] is False
    assert result["errors"]
