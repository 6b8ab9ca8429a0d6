"""A job's progress in video's words: the speed (bytes, or ffmpeg's time) the admin shows,
and one line for the `ingest` command and the bot (its layout, sizes, durations and ETA:
`ingest_core.progress_text`)."""

from __future__ import annotations

from ingest_core.progress_text import eta_words, human_bytes, human_duration
from ingest_core.progress_text import progress_line as line
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


def progress_line(job: IngestJob, width: int = 24) -> str:
    return line(
        job.pk,
        f"{job.get_state_display():<11}",
        job.percent,
        speed_text(job),
        eta_words(job.eta_seconds),
        job.source_name or job.source,
        width,
    )
