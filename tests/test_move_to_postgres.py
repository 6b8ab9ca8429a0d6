"""manage.py move_to_postgres: an embedded install (SQLite), populated across the apps, moves
into a new PostgreSQL database with every row, values and sequences intact; a target that
is not empty is refused.

The source is the suite's own SQLite database, populated here with the factories and the
command run on it in its own process, so this runs on the SQLite pass only (`own_install`);
the target is a scratch PostgreSQL database."""

from __future__ import annotations

import uuid
from decimal import Decimal

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from billing.models import Subscription
from stored_media.models import StoredObject
from streaming.models import WatchProgress
from tenants.models import ViewerPlan
from tests import factories
from tests.support.live_site import LiveSite, _postgres, _postgres_server

pytestmark = [
    pytest.mark.services,
    pytest.mark.own_install,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def populated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    assert connection.vendor == "sqlite", "the source of this move is the suite's SQLite database"
    alpha = factories.make_site("Alpha", "a.test")
    beta = factories.make_site("Beta", "b.test")
    alice = factories.make_member("alice", alpha)
    factories.make_member("bob", beta)
    media = factories.publish_film(name="Moved Film")
    factories.subtitle(media)
    factories.series("Moved Show", {1: [1, 2], 2: [1]})
    factories.comic_chapter(factories.comic_series("Moved Manga"), "1")
    plan = ViewerPlan.objects.create(tenant=alpha, name="Premium", price=Decimal("4.99"))
    Subscription.objects.create(
        tenant=alpha, kind="viewer", user=alice, viewer_plan=plan,
        provider="stripe", status="active",
    )  # fmt: skip
    WatchProgress.objects.create(
        tenant=alpha, user=alice, media_file=media, position_seconds=61.5, duration_seconds=600
    )
    return media


@pytest.fixture
def target():
    name = f"sv_backup_move_{uuid.uuid4().hex[:8]}"
    _postgres(f'CREATE DATABASE "{name}"')
    server = _postgres_server()
    password = f":{server['password']}" if server["password"] else ""
    yield name, f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    _postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def embedded(tmp_path) -> LiveSite:
    """The command runs as an operator runs it, in its own process, on this SQLite file (a
    test may not open a database alias of its own making)."""
    return LiveSite(tmp_path, f"sqlite:///{connection.settings_dict['NAME']}")


def postgres_counts(name: str) -> dict[str, int]:
    with psycopg.connect(dbname=name, **_postgres_server()) as db:
        listed = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        tables = [row[0] for row in db.execute(listed)]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


def sqlite_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def unreset_sequences(name: str, tables: list[str]) -> list[str]:
    """Tables whose id sequence would hand out an id already taken."""
    wrong = []
    with psycopg.connect(dbname=name, **_postgres_server()) as db:
        for table in tables:
            sequence = db.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table]).fetchone()[0]
            top = db.execute(f'SELECT max(id) FROM "{table}"').fetchone()[0]  # noqa: S608
            last = db.execute(f"SELECT last_value FROM {sequence}").fetchone()[0]  # noqa: S608
            if top is not None and last < top:
                wrong.append(table)
    return wrong


def test_every_row_moves_with_its_values_and_sequences(populated, target, embedded):
    name, url = target

    output = embedded.manage("move_to_postgres", "--to", url)

    source, moved = sqlite_counts(), postgres_counts(name)
    common = sorted(set(source) & set(moved) - {"django_migrations"})
    assert [t for t in common if source[t] != moved[t]] == []
    for table in ("tenants_tenant", "auth_user", "streaming_title", "streaming_episode",
                  "readvault_page", "billing_subscription", "streaming_watchprogress"):  # fmt: skip
        assert moved[table] > 0, table
    assert "every count matches" in output
    stored = StoredObject.objects.get(pk=populated.stored_id)
    with psycopg.connect(dbname=name, **_postgres_server()) as db:
        row = db.execute(
            "SELECT key, size, sha256, parts, created_at, updated_at "
            "FROM stored_media_storedobject WHERE id = %s",
            [stored.pk],
        ).fetchone()
    assert row == (stored.key, stored.size, stored.sha256, stored.parts, stored.created_at,
                   stored.updated_at)  # fmt: skip
    assert unreset_sequences(name, ["tenants_tenant", "auth_user", "streaming_title"]) == []

    with pytest.raises(RuntimeError, match="is not empty"):
        embedded.manage("move_to_postgres", "--to", url)


def test_only_a_postgres_url_is_a_target(populated, tmp_path):
    with pytest.raises(CommandError, match="must be a postgres:// URL"):
        call_command("move_to_postgres", "--to", f"sqlite:///{tmp_path}/x.db")
