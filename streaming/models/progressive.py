"""The progressive rendition: a file that needs a transcode, watchable while it is made.

An ingest job that re-encodes the video first makes CMAF segments (fragmented MP4, 4 s each,
each starting on a keyframe) at a size its encoder makes faster than real time; the title is
live as soon as the first one is stored. The full-quality MP4 is made beside it; once stored,
it replaces the rendition and the segments are deleted. Segments are numbered by time
(segment n covers [n*s, (n+1)*s)), so encoders started where viewers seek leave gaps that
fill in. Which encoders run is decided from `ProgressiveViewer` rows: where players are.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from stored_media.models import StoredObject
from streaming.models.catalogue import MediaFile


class ProgressiveRendition(models.Model):
    class State(models.TextChoices):
        ENCODING = "encoding", "Encoding"
        FINISHED = "finished", "Every segment made"
        REPLACED = "replaced", "Replaced by the final MP4"
        FAILED = "failed", "Failed"

    media_file = models.OneToOneField(
        MediaFile, on_delete=models.CASCADE, related_name="progressive"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.ENCODING)
    duration = models.FloatField()
    segment_seconds = models.FloatField(default=4.0)
    segment_count = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    codecs = models.CharField(max_length=80, blank=True, help_text='e.g. "avc1.64001f,mp4a.40.2"')
    rung = models.CharField(max_length=40, blank=True, help_text="e.g. 720p ultrafast")
    speed = models.FloatField(null=True, blank=True, help_text="Measured, x real time.")
    message = models.CharField(max_length=200, blank=True, help_text="Shown to viewers.")
    # Running encoders: [[started at, got to], ...] in seconds of the film.
    encoding_at = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"progressive rendition of {self.media_file} ({self.state})"

    @property
    def mime(self) -> str:
        return f'video/mp4; codecs="{self.codecs}"' if self.codecs else "video/mp4"


class ProgressiveSegment(models.Model):
    rendition = models.ForeignKey(
        ProgressiveRendition, on_delete=models.CASCADE, related_name="segments"
    )
    number = models.PositiveIntegerField()
    start = models.FloatField()
    duration = models.FloatField()
    # The init segment of the encoder run that made this one (several runs: several inits).
    init = models.ForeignKey(StoredObject, on_delete=models.PROTECT, related_name="init_of")
    stored = models.OneToOneField(StoredObject, on_delete=models.PROTECT, related_name="segment")

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["rendition", "number"], name="one_segment_per_number"),
            models.CheckConstraint(
                condition=Q(duration__gt=0) & Q(start__gte=0), name="segment_times_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"segment {self.number} of rendition {self.rendition_id}"


class ProgressiveViewer(models.Model):
    """Where one player is in a rendition, and when it last said so: the encoders' demand."""

    rendition = models.ForeignKey(
        ProgressiveRendition, on_delete=models.CASCADE, related_name="viewers"
    )
    viewer = models.CharField(max_length=64)
    position = models.FloatField()
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rendition", "viewer"], name="one_row_per_viewer")
        ]

    def __str__(self) -> str:
        return f"viewer at {self.position:.0f} s of rendition {self.rendition_id}"
