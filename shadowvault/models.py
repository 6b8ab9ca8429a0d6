"""Settings an operator changes in the admin, over the environment's defaults."""

from __future__ import annotations

from django.db import models


class StoredSettings(models.Model):
    """One row. A blank field means "the environment's value" (shadowvault/stored_settings.py
    reads them); the admin never shows a stored secret back."""

    SINGLETON_PK = 1

    tmdb_api_key = models.CharField(
        "TMDB API key",
        max_length=500,
        blank=True,
        help_text="TMDB's v3 API key or v4 read access token (themoviedb.org → Settings → API). "
        "Blank: TMDB_API_KEY from the environment.",
    )
    ingest_allowed_hosts = models.TextField(
        "hosts ingest may reach on private networks",
        blank=True,
        help_text="One entry per line or separated by commas: a host name (nas.lan), a name "
        "with a leading dot for it and its subdomains (.lan), an IP address or a CIDR "
        "network (192.168.1.0/24). No ports: a listed host is allowed on every port. Blank: "
        "INGEST_ALLOWED_HOSTS from the environment; anything here replaces it.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "settings"
        verbose_name_plural = "settings"

    def __str__(self) -> str:
        return "Settings"

    def save(self, *args, **kwargs) -> None:
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> StoredSettings:
        return cls.objects.get_or_create(pk=cls.SINGLETON_PK)[0]
