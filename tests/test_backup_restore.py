"""manage.py backup and restore, end to end: an install with a film and a manga chapter is
backed up, restored into a new empty database and data folder, and then plays the film (a
Range request on its signed link at the origin) and shows the chapter's page. On whichever database
the suite runs; the backup's own guarantees (never half-written, refuses a non-empty
database, an S3 bucket as destination) beside it."""

from __future__ import annotations

import io
import json
import random
import time
from contextlib import ExitStack
from pathlib import Path

import boto3
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from readvault.pages.links import page_uri
from stored_media import signing
from stored_media.storage.hashing import file_sha256
from tests import factories
from tests.factories import comic_series, publish_film
from tests.support.comic_pages import chapter_with_pages, page_image
from tests.support.http_probe import fetch
from tests.support.live_site import LiveSite, scratch_database
from tests.support.serving import use_s3

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

FILM = random.Random(20).randbytes(200_000)


@pytest.fixture
def installed(settings, tmp_path, alpha):
    """This test's install: a published film and a one-page chapter, served on a.test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    media = publish_film(factories.stored("Kept Film.mp4", FILM))
    page = page_image(120, 180, seed=4)
    chapter = chapter_with_pages(comic_series("Kept Manga"), [page])
    return {"film": media.stored, "chapter": chapter, "page": page}


def back_up(*args: str) -> str:
    out = io.StringIO()
    call_command("backup", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[-1].startswith("backup complete: "), lines
    return lines[-1].removeprefix("backup complete: ")


def signed(uri: str) -> str:
    return signing.sign(uri, int(time.time()) + 600)


def test_a_restored_install_plays_the_film_and_shows_the_page(installed, tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    location = Path(back_up("--to", f"folder:{backups}", "--with-media"))

    manifest = json.loads((location / "manifest.json").read_text())
    film = next(o for o in manifest["objects"] if o["id"] == installed["film"].pk)
    assert film["sha256"] == file_sha256(location / "media" / film["key"])[1]
    assert (film["in_backup"], film["size"]) == (True, len(FILM))
    assert manifest["migrations"]["stored_media"]
    assert manifest["app_version"]
    assert [p.name for p in backups.iterdir()] == [location.name]  # no temporary left

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    with scratch_database(fresh) as database_url:
        site = LiveSite(fresh, database_url)
        try:
            output = site.manage("restore", str(location))
            assert "every checked object is in place" in output
            site.serve()  # the origin: collectstatic for the gateway costs half a minute
            chapter = installed["chapter"]
            played = fetch(
                site.port, signed(installed["film"].media_uri), {"Range": "bytes=1000-2999"}
            )
            shown = fetch(site.port, signed(page_uri(chapter.pk, 0, "orig")))
        finally:
            site.stop()

    assert (played.status, played.body) == (206, FILM[1000:3000]), site.logs()
    assert played.headers["content-range"] == f"bytes 1000-2999/{len(FILM)}"
    assert (shown.status, shown.body) == (200, installed["page"])


def test_restore_refuses_a_database_that_is_not_empty(installed, tmp_path):
    location = back_up("--to", f"folder:{tmp_path}")

    with pytest.raises(CommandError, match="is not empty: restore into a new empty database"):
        call_command("restore", location)


def test_a_backup_that_fails_leaves_nothing_behind(installed, tmp_path, settings):
    backups = tmp_path / "backups"
    backups.mkdir()
    (settings.MEDIA_ROOT / installed["film"].key).unlink()  # the media it must copy is gone

    with pytest.raises(CommandError, match=r"backup failed, nothing was kept: .* is missing"):
        call_command("backup", "--to", f"folder:{backups}", "--with-media", stdout=io.StringIO())
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", "--to", f"folder:{tmp_path / 'nowhere'}", stdout=io.StringIO())
    assert list(backups.iterdir()) == []


def test_restore_refuses_a_folder_without_a_manifest(installed, tmp_path):
    with pytest.raises(
        CommandError, match=r"no manifest\.json: not a backup, or an incomplete one"
    ):
        call_command("restore", str(tmp_path), "--force")


def test_a_backup_in_the_bucket_restores_and_reports_what_storage_lacks(
    installed, tmp_path, settings
):
    with ExitStack() as stack:
        s3 = use_s3(stack, settings)
        location = back_up("--to", f"s3://{s3['bucket']}/backups")
        bucket = boto3.resource(
            "s3", endpoint_url=s3["endpoint"], aws_access_key_id="test",
            aws_secret_access_key="test", region_name="us-east-1",
        ).Bucket(s3["bucket"])  # fmt: skip
        keys = {item.key.rsplit("/", 1)[-1] for item in bucket.objects.filter(Prefix="backups/")}
        assert "manifest.json" in keys
        assert len(keys) == 2

        fresh = tmp_path / "fresh"
        fresh.mkdir()
        s3_env = {
            "S3_ENDPOINT_URL": s3["endpoint"],
            "S3_BUCKET": s3["bucket"],
            "S3_ACCESS_KEY_ID": "test",
            "S3_SECRET_ACCESS_KEY": "test",
        }
        with scratch_database(fresh) as database_url:
            site = LiveSite(fresh, database_url, extra_env=s3_env)
            with pytest.raises(RuntimeError) as failed:  # no --with-media: the local files
                site.manage("restore", location)  # are not in the new data folder
            counted = site.shell_json(
                "import json; from stored_media.models import StoredObject; "
                "print(json.dumps({'objects': StoredObject.objects.count()}))"
            )

    assert f"object {installed['film'].pk} (local:{installed['film'].key}): missing" in str(
        failed.value
    )
    assert "stored objects are missing or differ" in str(failed.value)
    assert counted == {"objects": 2}  # the database came back all the same
