"""Full-text search structures: PostgreSQL tsvector + GIN + vocabulary, or SQLite FTS5.

Vendor-specific SQL (streaming.search.schema); each side is a no-op on the other database.
"""

from django.db import migrations

from streaming.search import schema


def install(apps, schema_editor):
    schema.install(schema_editor)


def uninstall(apps, schema_editor):
    schema.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("streaming", "0002_viewer_data"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
