"""Live progress while ffmpeg works (issue 12: speed and ETA showed only while downloading):
the time done of the duration, ffmpeg's speed as a multiple of realtime, and the ETA they
give, from ffmpeg's own `-progress` report, in the job row, the admin and the CLI line."""

from __future__ import annotations

import subprocess

import pytest

from streaming.ingest import ffmpeg_run
from streaming.ingest.ffmpeg_run import parse_speed
from streaming.ingest.media_plan import Action, plan_for
from streaming.ingest.playable import make_playable
from streaming.ingest.probe import probe
from streaming.ingest.progress import Reporter
from streaming.ingest.progress_line import progress_line, speed_text
from streaming.models import IngestJob

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def long_mkv(test_media, tmp_path_factory):
    """A real H.264/AAC MKV of several minutes, made by copying (not encoding) the sample
    many times over, so that its remux lasts long enough to report on."""
    path = tmp_path_factory.mktemp("progress") / "long.mkv"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-stream_loop", "120",
         "-i", str(test_media.mkv_h264_aac_srt), "-map", "0:v", "-map", "0:a", "-c", "copy",
         str(path)],
        check=True,
    )  # fmt: skip
    return path


def test_a_remux_reports_rising_percent_time_done_and_a_speed(
    alpha, long_mkv, monkeypatch, tmp_path
):
    monkeypatch.setattr(ffmpeg_run, "PROGRESS_EVERY", 0.02)  # many reports on a short run
    facts = probe(long_mkv)
    plan = plan_for(facts, None)
    assert plan.action is Action.REMUX
    job = IngestJob.objects.create(
        tenant=alpha, via="test", source=str(long_mkv), source_kind="file", source_name="x.mkv"
    )
    seen = []
    reporter = Reporter(
        job,
        interval=0,
        listener=lambda j: seen.append(
            (j.percent, j.media_seconds_done, j.speed_ratio, j.eta_seconds, speed_text(j))
        ),
    )
    reporter.enter(IngestJob.State.PROBING)  # a job reaches processing through probing
    reporter.enter(IngestJob.State.PROCESSING)

    make_playable(long_mkv, facts, plan, tmp_path, reporter.fraction, stats=reporter.ffmpeg_stats)

    during = [row for row in seen if row[1] is not None]
    assert len(during) >= 3, seen
    percents = [row[0] for row in during]
    assert percents == sorted(percents)
    assert percents[-1] == 100
    assert len(set(percents)) >= 3, "the percent rises while ffmpeg works"
    done = [row[1] for row in during]
    assert done == sorted(done)
    assert done[-1] == pytest.approx(facts.duration, abs=0.5)
    speeds = [row[2] for row in during if row[2]]
    assert speeds, "ffmpeg's speed is reported"
    assert all(speed > 1 for speed in speeds), "a remux runs faster than realtime"
    assert any(row[3] is not None for row in during[:-1]), "an ETA while it works"
    assert during[-1][3] == 0
    assert any(" of " in row[4] and "x" in row[4] for row in during), during
    job.refresh_from_db()
    assert job.media_seconds_total == pytest.approx(facts.duration)


def test_the_admin_and_the_command_line_show_time_speed_and_eta(alpha):
    from django.contrib.auth import get_user_model
    from django.test import Client

    job = IngestJob.objects.create(
        tenant=alpha, via="t", source="/x/film.mkv", source_kind="file",
        state=IngestJob.State.PROCESSING, step_progress=0.25, media_seconds_done=1350,
        media_seconds_total=5400, speed_ratio=2.34, eta_seconds=1731,
    )  # fmt: skip
    operator = get_user_model().objects.create_superuser("op12", "op12@example.com", "pw-12-pw")
    client = Client(HTTP_HOST="a.test")
    client.force_login(operator)

    live = client.get(f"/admin/streaming/ingestjob/live/?ids={job.pk}").json()["jobs"]
    listing = client.get("/admin/streaming/ingestjob/").content.decode()

    assert live[str(job.pk)]["speed"] == "22:30 of 1:30:00 at 2.3x"
    assert live[str(job.pk)]["eta"] == "28:51"
    assert "22:30 of 1:30:00 at 2.3x" in listing
    line = progress_line(job)
    assert "22:30 of 1:30:00 at 2.3x" in line
    assert "ETA 28:51" in line


@pytest.mark.parametrize(
    ("value", "speed"), [("2.35x", 2.35), ("  0.5x", 0.5), ("N/A", None), ("0x", None)]
)
def test_ffmpeg_speed_values(value, speed):
    assert parse_speed(value) == speed
