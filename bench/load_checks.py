"""The parts of bench/load.py that run inside the topology's Django (`manage.py shell -c`):
the seed before the load and the facts read after it. Each prints one JSON line; load.py
judges the facts (load_faults.py), so nothing here decides what counts as lost.

    manage.py shell -c "import sys; sys.path.insert(0, 'bench'); import load_checks; ..."
"""

from __future__ import annotations

import json
import secrets
import sys


def seed(viewers: int) -> None:
    """`viewers` member accounts of the first site, each with its own password and API token
    (a locust user each), a token for the operator, and what there is to watch and read."""
    from django.contrib.auth import get_user_model

    from readvault.models import Chapter, Series
    from streaming.api.token_store import issue_token
    from streaming.models import MediaFile
    from tenants.models import Membership, Tenant

    tenant = Tenant.objects.order_by("pk").first()
    user_model = get_user_model()
    accounts = []
    for n in range(viewers):
        password = secrets.token_urlsafe(12)
        user = user_model.objects.create_user(f"load-viewer-{n}", password=password)
        Membership.objects.create(tenant=tenant, user=user)
        token = issue_token(user, tenant, "load bench", lifetime_days=1).key
        accounts.append({"username": user.username, "password": password, "token": token})
    operator = user_model.objects.get(username="admin")
    films = [
        {"slug": m.title.slug, "id": m.title_id, "media": m.pk, "size": m.stored.size,
         "title": m.title.title}
        for m in MediaFile.objects.filter(title__isnull=False, stored__isnull=False)
        .select_related("title", "stored")
        .order_by("pk")
    ]  # fmt: skip
    chapters = list(Chapter.objects.order_by("pk").values_list("pk", flat=True))
    words = {f["title"].split()[0] for f in films}
    words |= {t.split()[0] for t in Series.objects.values_list("title", flat=True) if t}
    _print({
        "viewers": accounts,
        "operator_token": issue_token(operator, tenant, "load bench", lifetime_days=1).key,
        "films": films,
        "chapters": chapters,
        "search_words": [*sorted(words), "zzz-nothing"],
    })  # fmt: skip


def facts(sources: list[str], users: list[str]) -> None:
    """What became of the ingest jobs of `sources` and of the viewers' saved places; rows a
    reader could see half-written."""
    from readvault.models import Chapter
    from stored_media.models import StoredObject
    from streaming.models import IngestJob, MediaFile, Title, WatchProgress

    jobs = []
    for job in IngestJob.objects.filter(source__in=sources).order_by("pk"):
        stored = job.media_file.stored if job.media_file and job.media_file.stored else None
        jobs.append({
            "id": job.pk, "source": job.source, "state": job.state, "attempts": job.attempts,
            "error": job.error, "title": job.title_id, "worker": job.worker,
            "created": job.created_at.timestamp(),
            "finished": job.finished_at.timestamp() if job.finished_at else None,
            "versions": MediaFile.objects.filter(title_id=job.title_id).count()
            if job.title_id else 0,
            "stored_key": stored.key if stored else "", "stored_size": stored.size if stored else 0,
            "backend": stored.backend if stored else "", "log": job.log_tail(12),
        })  # fmt: skip
    playable = MediaFile.objects.filter(stored__isnull=False)
    unplayable = (
        Title.objects.published()
        .exclude(media_files__in=playable)
        .exclude(seasons__episodes__media_files__in=playable)
        .exclude(media_files__progressive__isnull=False)
    )
    half_chapters = [
        c.pk
        for c in Chapter.objects.prefetch_related("pages")
        if c.page_count != len(c.pages.all())
    ]
    places = [
        {"user": p.user.username, "media": p.media_file_id, "position": p.position_seconds}
        for p in WatchProgress.objects.filter(user__username__in=users).select_related("user")
    ]
    _print({
        "jobs": jobs,
        "published_without_file": list(unplayable.values_list("slug", flat=True)),
        "chapters_missing_pages": half_chapters,
        "places": places,
        "s3_keys": list(StoredObject.objects.filter(backend="s3").values_list("key", flat=True)),
    })  # fmt: skip


def _print(value: dict) -> None:
    sys.stdout.write("LOAD-JSON " + json.dumps(value) + "\n")
