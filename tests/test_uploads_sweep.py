"""Uploads nobody finished are swept a day after their last chunk (Celery beat hourly, and
`manage.py sweep_uploads`), bytes and row; uploads still arriving are kept."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from streaming.models import Upload
from streaming.tasks import sweep_uploads as sweep_task
from streaming.uploads import lifecycle
from streaming.uploads.sweep import sweep_uploads

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_dir(ingest_dirs, settings):
    settings.INGEST_UPLOAD_DIR = ingest_dirs / "uploads"
    return settings.INGEST_UPLOAD_DIR


def started(alpha, olivia, name: str) -> Upload:
    upload = lifecycle.start(tenant=alpha, owner=olivia, filename=name, length=100)
    upload.path.write_bytes(b"x" * 10)
    return upload


def test_an_upload_silent_for_a_day_is_removed_with_its_bytes(alpha, olivia):
    old = started(alpha, olivia, "old.mkv")
    fresh = started(alpha, olivia, "fresh.mkv")
    Upload.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    removed = sweep_uploads()

    assert removed == ["old.mkv"]
    assert list(Upload.objects.all()) == [fresh]
    assert not old.path.exists()
    assert fresh.path.exists()


def test_a_new_upload_expires_a_day_after_it_starts(alpha, olivia):
    upload = started(alpha, olivia, "film.mkv")

    assert upload.expires_at - upload.created_at == timedelta(hours=24)


def test_a_file_no_upload_names_is_removed_once_old(upload_dir, alpha, olivia):
    started(alpha, olivia, "kept.mkv")
    stray, recent = upload_dir / "stray", upload_dir / "recent"
    stray.write_bytes(b"x")
    recent.write_bytes(b"x")
    day_ago = time.time() - 25 * 3600
    os.utime(stray, (day_ago, day_ago))

    sweep_uploads()

    assert not stray.exists()
    assert recent.exists()
    assert Upload.objects.count() == 1


def test_the_command_and_the_beat_task_sweep(alpha, olivia, capsys):
    for name in ("a.mkv", "b.mkv"):
        started(alpha, olivia, name)
    Upload.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    call_command("sweep_uploads")
    assert "Removed 2 uploads." in capsys.readouterr().out
    started(alpha, olivia, "c.mkv")
    Upload.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert sweep_task() == ["c.mkv"]
    schedule = django_settings.CELERY_BEAT_SCHEDULE["upload-sweep"]
    assert schedule["task"] == "streaming.tasks.sweep_uploads"
    assert schedule["schedule"] <= 3600
