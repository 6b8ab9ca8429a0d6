# StoredObject now belongs to the media core (stored_media 0001 and 0002 say how). Only
# Django's picture of the models changes here: the columns and their constraints already
# point at the table the core took over.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("streaming", "0009_ingest_duplicates"),
        ("stored_media", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="mediafile",
                    name="stored",
                    field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="media", to="stored_media.storedobject"),
                ),
                migrations.AlterField(
                    model_name="mediafile",
                    name="sprite",
                    field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="sprite_of", to="stored_media.storedobject"),
                ),
                migrations.AlterField(
                    model_name="mediafile",
                    name="thumbnails",
                    field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="thumbnails_of", to="stored_media.storedobject"),
                ),
                migrations.AlterField(
                    model_name="subtitle",
                    name="stored",
                    field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="subtitle", to="stored_media.storedobject"),
                ),
                migrations.DeleteModel(name="StoredObject"),
            ],
            database_operations=[],
        ),
    ]
