"""A hosted video creative: made by the ingest pipeline like any video (docs/ads.md,
"Campaigns").

The file (an upload or a URL) becomes an ingest job that attaches its video to a draft title
named "Ad: <campaign>", never published, so the ad is remuxed, stored and served like a
film without ever showing in the catalogue. It keeps a copy of its own even when the library
has the same file: the campaign's video is then its own title's, not a film's. When the job
ends, `job_ended` (called by the job runner, ingest_core.job_runner.when_a_job_ends) gives
the campaign its video; until then, or when the job fails, the campaign's pages say why
(`creative_state`), and the campaign does not run (ads.choosing skips a hosted campaign
without a video).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from ads.models import Campaign
from ingest_core.lifecycle import State
from streaming.ingest import service
from streaming.models import IngestJob, Title

TITLE_PREFIX = "Ad: "


def submit(
    campaign: Campaign,
    *,
    tenant,
    requested_by=None,
    upload: UploadedFile | None = None,
    url: str = "",
    queue: service.Queue | None = None,
) -> IngestJob:
    """Ingest `upload` (or fetch `url`) as the campaign's new creative: a draft title, a job
    that attaches to it, and the campaign waiting for that job (its old video is dropped at
    once: a campaign never shows a creative its owner replaced). `tenant` is the site the
    job is recorded on (the campaign's, or the operator's current one for an operator-wide
    campaign). Raises ingest_core.errors.SourceRefused (a URL the SSRF guard refuses, an
    empty upload) before anything is written."""
    with transaction.atomic():
        title = _draft_title(campaign)
        common = {
            "tenant": tenant,
            "requested_by": requested_by,
            "publish": False,
            "target_title": title,
            "queue": queue,
            "keep_copy": True,
        }
        if upload is not None:
            job = service.submit_upload(upload, **common)
        else:
            job = service.submit_urls([url], via="ads", **common)[0]
        campaign.creative_job = job
        campaign.video = None
        campaign.save(update_fields=["creative_job", "video"])
    return job


def _draft_title(campaign: Campaign) -> Title:
    """The campaign's draft title: the one its last creative went to (a new video is one
    more version of it), else a new one."""
    name = f"{TITLE_PREFIX}{campaign.name}"[:300]
    job = campaign.creative_job
    title = job.target_title if job is not None else None
    if title is None or title.status != Title.Status.DRAFT:
        return Title.objects.create(title=name, kind=Title.Kind.FILM, status=Title.Status.DRAFT)
    if title.title != name:
        title.title = name
        title.save(update_fields=["title", "updated_at"])
    return title


def job_ended(job) -> None:
    """The job runner's call when any job ends: a video job that made (or found) its video
    gives it to the campaigns waiting for it. One UPDATE, of no row for other jobs."""
    if not isinstance(job, IngestJob) or job.media_file_id is None:
        return
    if job.state not in (State.DONE, State.DUPLICATE):
        return
    Campaign.objects.filter(creative_job_id=job.pk, creative=Campaign.Creative.HOSTED_VIDEO).update(
        video_id=job.media_file_id
    )


@dataclass(frozen=True)
class CreativeState:
    """What a campaign's page says about its hosted video."""

    ready: bool
    text: str
    failed: bool = False


def creative_state(campaign: Campaign) -> CreativeState | None:
    """None for a campaign without a hosted video; else whether its video is ready, still
    being made (with the job's state), or failed (with the job's reason). Reads the job
    loaded with the campaign (select_related("creative_job"))."""
    if campaign.creative != Campaign.Creative.HOSTED_VIDEO:
        return None
    if campaign.video_id is not None:
        return CreativeState(True, "The video is ready.")
    job = campaign.creative_job
    if job is None:
        return CreativeState(False, "No video yet: upload a file or give its URL.", failed=True)
    if job.state in (State.FAILED, State.CANCELLED):
        reason = job.error or job.get_state_display()
        return CreativeState(False, f"The video could not be made: {reason}", failed=True)
    if job.state in (State.DONE, State.DUPLICATE):
        # Ended without a video (its file was removed since): the owner must give another.
        return CreativeState(False, "The video is gone: upload it again.", failed=True)
    state = str(job.get_state_display()).lower()
    return CreativeState(
        False, f"The video is being made ({state}); the campaign runs once it is ready."
    )
