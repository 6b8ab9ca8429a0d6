"""Series search structures: PostgreSQL's trigram-indexed names column, or SQLite's trigram
FTS5 table. Vendor-specific SQL (readvault.search.schema); each side is a no-op on the
other database."""

from django.db import migrations

from readvault.search import schema


def install(apps, schema_editor):
    schema.install(schema_editor)


def uninstall(apps, schema_editor):
    schema.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("readvault", "0002_import_jobs"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
