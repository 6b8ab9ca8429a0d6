"""Stream sessions in the database (streaming.models.StreamSession): the embedded store.

A session is live while its last_seen is younger than the TTL; expired rows are deleted by
the next start on the same site, so the table holds about what plays now. Starts on one site
are serialised by a lock on the site's row (PostgreSQL: SELECT ... FOR UPDATE; SQLite takes
the database's write lock at BEGIN IMMEDIATE, see shadowvault.config), so two devices
starting at once are counted one after the other."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from streaming.models import StreamSession
from streaming.stream_limits.store import Beat, Caps, Full, Playing
from tenants.models import Tenant


class DatabaseStore:
    def start(self, playing: Playing, caps: Caps, ttl: float, replaces: str = "") -> Full | None:
        now = timezone.now()
        with transaction.atomic():
            list(Tenant.objects.select_for_update().filter(pk=playing.tenant_id).values("pk"))
            rows = StreamSession.objects.filter(tenant_id=playing.tenant_id)
            rows.filter(last_seen__lt=_cutoff(now, ttl)).delete()
            if replaces:
                rows.filter(id=replaces, viewer_key=playing.viewer_key, stopped=False).delete()
            live = rows.filter(stopped=False)
            mine = live.filter(viewer_key=playing.viewer_key)
            if caps.per_viewer is not None and mine.count() >= caps.per_viewer:
                return Full.VIEWER
            if caps.per_site is not None and live.count() >= caps.per_site:
                return Full.SITE
            StreamSession.objects.create(
                id=playing.id,
                tenant_id=playing.tenant_id,
                user_id=playing.user_id,
                viewer_key=playing.viewer_key,
                media_file_id=playing.media_id,
                device=playing.device,
                started_at=now,
                last_seen=now,
            )
        return None

    def beat(self, tenant_id: int, session_id: str, viewer_key: str, ttl: float) -> Beat:
        now = timezone.now()
        recent = StreamSession.objects.filter(
            tenant_id=tenant_id,
            id=session_id,
            viewer_key=viewer_key,
            last_seen__gte=_cutoff(now, ttl),
        )
        # One UPDATE on the way every beat takes; the second query only for a player told
        # to stop or gone.
        if recent.filter(stopped=False).update(last_seen=now):
            return Beat.LIVE
        return Beat.STOPPED if recent.filter(stopped=True).exists() else Beat.GONE

    def stop(self, tenant_id: int, session_id: str, ttl: float) -> None:
        StreamSession.objects.filter(tenant_id=tenant_id, id=session_id).update(stopped=True)

    def end(self, tenant_id: int, session_id: str, viewer_key: str) -> None:
        rows = StreamSession.objects.filter(tenant_id=tenant_id, viewer_key=viewer_key)
        rows.filter(id=session_id).delete()

    def get(self, tenant_id: int, session_id: str, ttl: float) -> Playing | None:
        row = _live(tenant_id, ttl).filter(id=session_id).first()
        return _playing(row) if row is not None else None

    def of_viewer(self, tenant_id: int, viewer_key: str, ttl: float) -> list[Playing]:
        return [_playing(row) for row in _live(tenant_id, ttl).filter(viewer_key=viewer_key)]

    def of_site(self, tenant_id: int, ttl: float) -> list[Playing]:
        return [_playing(row) for row in _live(tenant_id, ttl)]


def _cutoff(now: datetime, ttl: float) -> datetime:
    return now - timedelta(seconds=ttl)


def _live(tenant_id: int, ttl: float) -> QuerySet[StreamSession]:
    rows = StreamSession.objects.filter(tenant_id=tenant_id, stopped=False)
    return rows.filter(last_seen__gte=_cutoff(timezone.now(), ttl)).order_by("started_at", "id")


def _playing(row: StreamSession) -> Playing:
    return Playing(
        id=row.id,
        tenant_id=row.tenant_id,
        viewer_key=row.viewer_key,
        user_id=row.user_id,
        media_id=row.media_file_id,
        device=row.device,
        started_at=row.started_at.timestamp(),
        last_seen=row.last_seen.timestamp(),
    )
