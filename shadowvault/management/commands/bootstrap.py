"""Prepare a fresh install: folders, the default site, a demo operator, the sample video and
the sample manga."""

from __future__ import annotations

import os
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from readvault.catalogue.sample_comic import SampleComicError, ensure_sample_series
from shadowvault.broker import ensure_broker_folders
from shadowvault.migrated_database import MigratedDatabaseCommand
from streaming.catalogue.sample_media import SAMPLE_NAME, SampleMediaError, ensure_sample_title
from tenants.models import Domain, Tenant

DEV_HOSTNAMES = ["localhost", "127.0.0.1"]
CREDENTIALS_FILE = "demo-operator.txt"


def served_first(url: str, hostnames: list[str]) -> list[str]:
    """The hostname of `url` first: a new site's first hostname is its primary one, and the
    others redirect their pages to it, so `make run`'s address must not send the viewer on
    to another (http://127.0.0.1:8000 to localhost)."""
    served = (urlsplit(url).hostname or "") if url else ""
    if served not in hostnames:
        return hostnames
    return [served, *(name for name in hostnames if name != served)]


def sign_in_at(url: str) -> str:
    """The admin's address to print: under `url` when the caller knows where the site is
    served (never a guessed host or port, which was wrong for any PORT but 8000)."""
    if not url:
        return "/admin/ on this site"
    return url.rstrip("/") + "/admin/"


class Command(MigratedDatabaseCommand):
    help = (
        "Set up a fresh install: data folders, the default site answering localhost and "
        "127.0.0.1, a demo operator (DEMO_ADMIN_USERNAME / DEMO_ADMIN_PASSWORD, or generated "
        "and printed once), a sample video made with ffmpeg and a sample manga drawn with "
        "Pillow. Safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-sample",
            action="store_true",
            help="Do not make the sample video and the sample manga.",
        )
        parser.add_argument(
            "--hostname",
            action="append",
            default=[],
            help="Another hostname for the default site (repeatable).",
        )
        parser.add_argument(
            "--url",
            default="",
            help="Where the site is served (e.g. http://127.0.0.1:8000), for the sign-in link "
            "printed with a new operator's password; `make run` passes its HOST and PORT.",
        )

    def handle(
        self, *args, no_sample: bool = False, hostname: list[str], url: str = "", **options
    ) -> None:
        public = settings.MEDIA_ROOT / "public"
        for folder in (settings.DATA_DIR, settings.MEDIA_ROOT, public, settings.STATIC_ROOT):
            folder.mkdir(parents=True, exist_ok=True)
        ensure_broker_folders()
        hostnames = served_first(url, DEV_HOSTNAMES + hostname)
        tenant = self.ensure_default_site(hostnames)
        self.stdout.write(f"Default site: {tenant.name} on {', '.join(hostnames)}")
        self.ensure_demo_operator(sign_in_at(url))
        for folder in (settings.INGEST_WORK_DIR, settings.INGEST_IMPORT_DIR):
            folder.mkdir(parents=True, exist_ok=True)
        if not no_sample:
            self.ensure_sample(tenant)
            self.ensure_sample_comic(tenant)

    @transaction.atomic
    def ensure_default_site(self, hostnames: list[str]) -> Tenant:
        tenant, _ = Tenant.objects.get_or_create(
            slug="default",
            defaults={
                "name": os.environ.get("SITE_NAME", "ShadowVault"),
                "tagline": "Films, series and comics, streamed from your own vault.",
            },
        )
        has_primary = Domain.objects.for_tenant(tenant).filter(is_primary=True).exists()
        for hostname in hostnames:
            domain, _created = Domain.objects.get_or_create(
                hostname=hostname, defaults={"tenant": tenant, "is_primary": not has_primary}
            )
            has_primary = has_primary or domain.is_primary
            if domain.tenant_id != tenant.pk:
                self.stderr.write(f"{hostname} already belongs to site {domain.tenant}; left alone")
        return tenant

    def ensure_demo_operator(self, admin_url: str) -> None:
        users = get_user_model().objects
        username = os.environ.get("DEMO_ADMIN_USERNAME", "admin")
        password = os.environ.get("DEMO_ADMIN_PASSWORD")
        if users.filter(username=username).exists():
            self.stdout.write(
                f"Operator account {username!r} exists (see data/{CREDENTIALS_FILE})."
            )
            return
        generated = password is None
        password = password or secrets.token_urlsafe(12)
        users.create_superuser(username=username, email="", password=password)
        if generated:
            path = settings.DATA_DIR / CREDENTIALS_FILE
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(f"username: {username}\npassword: {password}\n")
        self.stdout.write(
            self.style.SUCCESS(
                "\n  Demo operator account created (shown once; also in data/"
                f"{CREDENTIALS_FILE}):\n    username: {username}\n    password: {password}\n"
                f"  Sign in at {admin_url}\n"
                if generated
                else f"Operator account {username!r} created from the environment."
            )
        )

    def ensure_sample(self, tenant: Tenant) -> None:
        try:
            title = ensure_sample_title(settings.SAMPLE_MEDIA_DIR, tenant)
        except SampleMediaError as exc:
            self.stderr.write(self.style.WARNING(str(exc)))
        else:
            path = settings.SAMPLE_MEDIA_DIR / SAMPLE_NAME
            self.stdout.write(f"Sample video: {path} (ingested and published as “{title}”)")

    def ensure_sample_comic(self, tenant: Tenant) -> None:
        try:
            series = ensure_sample_series(settings.SAMPLE_MEDIA_DIR, tenant)
        except SampleComicError as exc:
            self.stderr.write(self.style.WARNING(str(exc)))
        else:
            chapters = series.chapters.count()
            self.stdout.write(
                f"Sample manga: “{series}”, {chapters} chapters (imported and published)"
            )
