# StoredObject moves here from the streaming app (Django's SeparateDatabaseAndState recipe):
# this migration only takes the model into the core's state, on the table streaming made;
# streaming 0010 points its foreign keys here and drops the model from its own state;
# 0002 then renames the table and moves the content type, so every row, primary key,
# permission and link handed out stays as it was.
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("streaming", "0009_ingest_duplicates"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StoredObject",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("backend", models.CharField(choices=[("local", "Local disk"), ("s3", "S3-compatible"), ("telegram", "Telegram")], max_length=16)),
                        ("key", models.CharField(help_text="Where the backend keeps the object.", max_length=1024)),
                        ("filename", models.CharField(help_text="The name viewers see in links.", max_length=255)),
                        ("content_type", models.CharField(default="application/octet-stream", max_length=100)),
                        ("size", models.BigIntegerField()),
                        ("sha256", models.CharField(blank=True, max_length=64)),
                        ("parts", models.JSONField(blank=True, default=list)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "db_table": "streaming_storedobject",
                        "constraints": [
                            models.UniqueConstraint(fields=("backend", "key"), name="one_object_per_backend_key"),
                            models.CheckConstraint(condition=models.Q(("size__gte", 0)), name="size_not_negative"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
