"""An import job's progress in a comic's words: the state and speed the admin and the API
show, and one line for the `import_comics` command (its layout, sizes, durations and ETA:
`ingest_core.progress_text`)."""

from __future__ import annotations

from ingest_core.lifecycle import State
from ingest_core.progress_text import eta_words, human_bytes
from ingest_core.progress_text import progress_line as line
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
    read ("12 pages" while a RAR, 7z or tar is unpacked, its page count not known yet); ""
    while the job reports neither."""
    if job.speed_bps:
        return f"{human_bytes(job.speed_bps)}/s"
    if job.is_finished or (job.pages_total is None and not job.pages_done):
        return ""
    of = f" of {job.pages_total}" if job.pages_total is not None else ""
    pages = f"{job.pages_done}{of} pages"
    if job.pages_per_second:
        return f"{pages} at {job.pages_per_second:.1f} pages/s"
    return pages


def progress_line(job: ImportJob, width: int = 24) -> str:
    return line(
        job.pk,
        f"{state_text(job):<13}",
        job.percent,
        speed_text(job),
        eta_words(job.eta_seconds),
        job.source_name or job.source,
        width,
    )
