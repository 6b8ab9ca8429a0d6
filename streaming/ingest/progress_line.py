"""A job's progress in words: one line for the `ingest` command and the bot, and the speed
and ETA the admin shows (the words for sizes and durations: `ingest_core.progress_text`)."""

from __future__ import annotations

from ingest_core.progress_text import human_bytes, human_duration
from streaming.models import IngestJob


def speed_text(job: IngestJob) -> str:
    """ "12.3 MB/s" while bytes move; "00:42 of 01:30:00 at 2.3x" while ffmpeg works; ""
    while the job reports neither."""
    if job.speed_bps:
        return f"{human_bytes(job.speed_bps)}/s"
    parts = [media_time_text(job)]
    if job.speed_ratio:
        parts.append(f"at {job.speed_ratio:.1f}x")
    return " ".join(part for part in parts if part)


def media_time_text(job: IngestJob) -> str:
    """ "00:42 of 01:30:00": how much of the video ffmpeg has done, or ""."""
    if job.media_seconds_done is None:
        return ""
    done = human_duration(round(job.media_seconds_done))
    if not job.media_seconds_total:
        return done
    return f"{done} of {human_duration(round(job.media_seconds_total))}"


def eta_text(job: IngestJob) -> str:
    """ "01:20", or "" while the job can say nothing about its end."""
    return human_duration(job.eta_seconds) if job.eta_seconds is not None else ""


def progress_line(job: IngestJob, width: int = 24) -> str:
    percent = job.percent
    if percent is None:
        bar = "[" + "." * width + "]   ?%"
    else:
        filled = width * percent // 100
        bar = "[" + "#" * filled + "." * (width - filled) + f"] {percent:3d}%"
    parts = [f"#{job.pk}", f"{job.get_state_display():<11}", bar]
    if speed := speed_text(job):
        parts.append(speed)
    if eta := eta_text(job):
        parts.append(f"ETA {eta}")
    parts.append(job.source_name or job.source)
    return "  ".join(parts)
