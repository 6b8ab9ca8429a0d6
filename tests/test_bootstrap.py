"""`manage.py bootstrap` prepares a fresh install, and running it again changes nothing."""

import json
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from stored_media.storage import get_backend
from streaming.catalogue.sample_media import SAMPLE_NAME
from streaming.models import IngestJob, Title
from tenants.models import Domain, Tenant
from tests.support.services import need_binary


@pytest.fixture
def fresh_install(db, settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SAMPLE_MEDIA_DIR = tmp_path / "sample"
    monkeypatch.setenv("DEMO_ADMIN_USERNAME", "demo")
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    return tmp_path


def test_it_creates_the_default_site_on_localhost(fresh_install):
    call_command("bootstrap", "--no-sample")

    site = Tenant.objects.get(slug="default")
    hostnames = {d.hostname: d.is_primary for d in Domain.objects.for_tenant(site)}
    assert hostnames == {"localhost": True, "127.0.0.1": False}


def test_it_creates_a_demo_operator_and_keeps_the_password_private(fresh_install, capsys):
    call_command("bootstrap", "--no-sample")

    printed = capsys.readouterr().out
    saved = (fresh_install / "demo-operator.txt").read_text()
    password = saved.split("password: ")[1].strip()
    demo = get_user_model().objects.get(username="demo")
    assert demo.is_superuser
    assert demo.check_password(password)
    assert password in printed
    assert oct((fresh_install / "demo-operator.txt").stat().st_mode & 0o777) == "0o600"


def test_the_operator_password_can_come_from_the_environment(fresh_install, monkeypatch):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "from the environment 123")

    call_command("bootstrap", "--no-sample")

    assert get_user_model().objects.get(username="demo").check_password("from the environment 123")
    assert not (fresh_install / "demo-operator.txt").exists()


def test_running_it_again_changes_nothing(fresh_install, capsys):
    call_command("bootstrap", "--no-sample")
    password_hash = get_user_model().objects.get(username="demo").password

    call_command("bootstrap", "--no-sample", "--hostname", "watch.example.com")

    assert Tenant.objects.count() == 1
    assert Domain.objects.filter(is_primary=True).count() == 1
    assert Domain.objects.filter(hostname="watch.example.com").exists()
    assert get_user_model().objects.get(username="demo").password == password_hash


def test_it_ingests_a_browser_playable_sample_video(fresh_install, settings):
    ffprobe = need_binary("ffprobe")
    settings.INGEST_WORK_DIR = fresh_install / "ingest"

    call_command("bootstrap")
    call_command("bootstrap")

    site = Tenant.objects.get(slug="default")
    [title] = Title.objects.visible_on(site)
    media = title.media_files.get()
    output = get_backend("local").local_path(media.stored.key)
    probe = json.loads(
        subprocess.check_output(
            [ffprobe, "-v", "error", "-show_streams", "-show_format", "-of", "json", str(output)]
        )
    )
    codecs = sorted(stream["codec_name"] for stream in probe["streams"])
    assert codecs == ["aac", "h264"]
    assert float(probe["format"]["duration"]) == pytest.approx(10, abs=0.5)
    head = output.read_bytes()[:200_000]
    assert head.index(b"moov") < head.index(b"mdat"), "moov must come first (faststart)"
    assert [s.language for s in media.subtitles.all()] == ["en"]
    assert media.sprite is not None
    assert media.thumbnails is not None
    job = IngestJob.objects.get()
    assert job.state == IngestJob.State.DONE
    assert job.via == "bootstrap"
    assert (fresh_install / "sample" / SAMPLE_NAME).exists()
    assert title.slug == "shadowvault-sample-2026"


def test_without_ffmpeg_it_says_how_to_get_it(fresh_install, monkeypatch, capsys):
    monkeypatch.setenv("PATH", "/nonexistent")

    call_command("bootstrap")

    assert "apt-get install ffmpeg" in capsys.readouterr().err
    assert Tenant.objects.filter(slug="default").exists()
