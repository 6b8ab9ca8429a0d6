"""A player playing on a site right now, as the database store of the concurrent-stream
limits keeps it (streaming.stream_limits.database_store). Redis keeps the same facts in keys
that expire by themselves (streaming.stream_limits.redis_store); this table is the embedded
installation's."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from streaming.models.catalogue import MediaFile
from tenants.scoping import TenantOwned


class StreamSession(TenantOwned):
    # Random and unguessable (secrets.token_urlsafe): it is all a heartbeat carries.
    id = models.CharField(primary_key=True, max_length=43)
    # A visitor has no user: they count towards the site's cap only, by their session cookie.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    # "u<user id>" for a member, "v<session key>" for a visitor: who may stop it.
    viewer_key = models.CharField(max_length=80)
    media_file = models.ForeignKey(MediaFile, on_delete=models.CASCADE, related_name="+")
    device = models.CharField(max_length=80)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField()
    # Stopped from another device: kept (not counted) until it would have expired, so its
    # player's next heartbeat hears why instead of "no such stream".
    stopped = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["tenant", "viewer_key", "last_seen"])]

    def __str__(self) -> str:
        return f"{self.device} playing {self.media_file_id} since {self.started_at:%H:%M}"
