"""Recognising content the library already has, so the same file or URL ingested twice does
not become a second, identical version.

A source is known by its size and a digest of what ffprobe found in it at once, and by its
sha256 once it has been read (after the video went live: hashing is not allowed to delay
that). A job matches an earlier version when
- an earlier job's source had the same size and probe facts, and the same sha256 when that
  job's hash is recorded (a job still hashing, or one whose hash failed, matches on size and
  facts alone: two different files with the same byte count and the same streams, duration
  and bitrate do not happen by chance); or
- a stored version has the same size and sha256 (a file kept as it was, or one downloaded
  from this library).
The source is hashed here only when a candidate of the same size turns up, so a new file
costs one indexed query.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from stored_media.storage.hashing import file_sha256
from streaming.ingest.probe import Probe
from streaming.models import IngestJob, MediaFile


@dataclass
class Source:
    """One job's source file, as duplicate checks see it (its hash read once, on demand)."""

    path: Path
    size: int
    facts: str
    _sha256: str = field(default="", repr=False)

    def sha256(self) -> str:
        if not self._sha256:
            _size, self._sha256 = file_sha256(self.path)
        return self._sha256

    @property
    def hashed(self) -> bool:
        return bool(self._sha256)


@dataclass(frozen=True)
class Match:
    media: MediaFile
    how: str  # "the same sha256" or "the same size and probe facts"


def source_for(path: Path, probed: Probe) -> Source:
    return Source(path, path.stat().st_size, facts_digest(probed))


def facts_digest(probed: Probe) -> str:
    """A digest of what ffprobe says about the content (not its name or where it came from)."""
    facts = {
        "format": sorted(probed.format_names),
        "duration": round(probed.duration or 0, 3),
        "bitrate": probed.bitrate,
        "video": asdict(probed.video) if probed.video else None,
        "audio": [asdict(stream) for stream in probed.audio],
        "subtitles": [asdict(stream) for stream in probed.subtitles],
    }
    encoded = json.dumps(facts, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def remember(job: IngestJob, source: Source) -> None:
    """Record the source's size and facts on the job (its sha256 comes later, `remember_hash`)."""
    job.source_size, job.source_facts = source.size, source.facts
    if source.hashed:
        job.source_sha256 = source.sha256()
    job.save(update_fields=["source_size", "source_facts", "source_sha256", "updated_at"])


def remember_hash(job: IngestJob, sha256: str) -> None:
    job.source_sha256 = sha256
    IngestJob.objects.filter(pk=job.pk).update(source_sha256=sha256)


def find_copy(job: IngestJob, source: Source) -> Match | None:
    """The version of the library that holds the same content as `source`, if any."""
    earlier = (
        IngestJob.objects.filter(source_size=source.size, source_facts=source.facts)
        .exclude(pk=job.pk)
        .filter(media_file__isnull=False)
        .select_related("media_file")
        .order_by("pk")
    )
    for other in earlier:
        if not other.source_sha256:
            return Match(other.media_file, "the same size and probe facts")
        if other.source_sha256 == source.sha256():
            return Match(other.media_file, "the same sha256")
    stored = MediaFile.objects.filter(stored__size=source.size).exclude(stored__sha256="")
    for media in stored.select_related("stored").order_by("pk"):
        if media.stored.sha256 == source.sha256():
            return Match(media, "the same sha256")
    return None


def describe(media: MediaFile) -> str:
    """ "already in the library as Moon Harbor (2019), version 2" """
    episode = media.episode  # None, without a query, for a film's file
    if episode is not None:
        owner = f"{episode.season.title} {episode}"
        versions = episode.media_files
    else:
        title = media.owner_title
        owner, versions = str(title), title.media_files
    ordered = list(versions.order_by("created_at", "pk").values_list("pk", flat=True))
    number = ordered.index(media.pk) + 1
    label = f" ({media.quality_label})" if media.quality_label else ""
    return f"already in the library as {owner}, version {number}{label}"
