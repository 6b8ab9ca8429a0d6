"""A watch party: one film or episode on one site, watched together by its members.

The row holds what a party is (who hosts it, what it plays, who may control it, its invite
code); what is happening in it right now (playing, position, who is buffering) lives in the
room store (parties.room_store), written on every message and gone with the party's room.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from tenants.scoping import TenantOwned

# 16 random bytes, base64url: 22 characters, unguessable, safe in a path and a group name.
CODE_BYTES = 16
CODE_LENGTH = 22


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


class WatchParty(TenantOwned):
    class Control(models.TextChoices):
        HOST = "host", "Only the host controls playback"
        ANYONE = "anyone", "Anyone in the party controls playback"

    media = models.ForeignKey(
        "streaming.MediaFile", on_delete=models.CASCADE, related_name="watch_parties"
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hosted_parties"
    )
    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_code, editable=False)
    control = models.CharField(max_length=8, choices=Control.choices, default=Control.HOST)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "watch parties"

    def __str__(self) -> str:
        return f"Party {self.code} ({self.media_id})"

    def may_control(self, user_id: int) -> bool:
        """Whether this member's play, pause and seek go to the room."""
        return self.control == self.Control.ANYONE or user_id == self.host_id

    def end(self) -> None:
        self.ended_at = timezone.now()
        self.save(update_fields=["ended_at"])
