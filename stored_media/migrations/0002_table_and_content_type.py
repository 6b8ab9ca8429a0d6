# The table takes the core's name, and the content type (with its permissions, admin log
# entries and anything else that points at it) follows the model to its new app.
from django.db import migrations

MODEL = "storedobject"


def _move_content_type(apps, from_label: str, to_label: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    old = ContentType.objects.filter(app_label=from_label, model=MODEL)
    if not old.exists():
        return  # a new database: post_migrate makes the content type where it belongs
    # The old row carries the grants (user and group permissions, admin history); a new
    # one that post_migrate may have made in between carries nothing yet.
    ContentType.objects.filter(app_label=to_label, model=MODEL).delete()
    old.update(app_label=to_label)


def forwards(apps, schema_editor) -> None:
    _move_content_type(apps, "streaming", "stored_media")


def backwards(apps, schema_editor) -> None:
    _move_content_type(apps, "stored_media", "streaming")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("stored_media", "0001_initial"),
        ("streaming", "0010_stored_objects_move_to_core"),
    ]

    operations = [
        migrations.AlterModelTable(name="storedobject", table=None),
        migrations.RunPython(forwards, backwards),
    ]
