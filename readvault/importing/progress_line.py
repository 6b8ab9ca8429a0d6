"""An import job's progress in words: one line for the `import_comics` command, and the
state, speed and ETA the admin and the API show (sizes and durations in
`ingest_core.progress_text`'s words)."""

from __future__ import annotations

from ingest_core.lifecycle import State
from ingest_core.progress_text import human_bytes, human_duration
from readvault.models import ImportJob

# The life cycle's states are shared with video ("Probing"); what each means for a comic.
STATE_WORDS = {
    State.PROBING: "Checking",
    State.PROCESSING: "Reading pages",
    State.UPLOADING: "Storing",
}


def state_text(job: ImportJob) -> str:
    return STATE_WORDS.get(State(job.state), job.get_state_display())


def speed_text(job: ImportJob) -> str:
    """ "12.3 MB/s" while bytes move; "12 of 180 pages at 42.0 pages/s" while pages are
    read; "" while the job reports neither."""
    if job.speed_bps:
        return f"{human_bytes(job.speed_bps)}/s"
    if job.pages_total is None or job.is_finished:
        return ""
    pages = f"{job.pages_done} of {job.pages_total} pages"
    if job.pages_per_second:
        return f"{pages} at {job.pages_per_second:.1f} pages/s"
    return pages


def eta_text(job: ImportJob) -> str:
    """ "01:20", or "" while the job can say nothing about its end."""
    return human_duration(job.eta_seconds) if job.eta_seconds is not None else ""


def progress_line(job: ImportJob, width: int = 24) -> str:
    percent = job.percent
    if percent is None:
        bar = "[" + "." * width + "]   ?%"
    else:
        filled = width * percent // 100
        bar = "[" + "#" * filled + "." * (width - filled) + f"] {percent:3d}%"
    parts = [f"#{job.pk}", f"{state_text(job):<13}", bar]
    if speed := speed_text(job):
        parts.append(speed)
    if eta := eta_text(job):
        parts.append(f"ETA {eta}")
    parts.append(job.source_name or job.source)
    return "  ".join(parts)
