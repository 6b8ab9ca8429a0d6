"""Every stored object gets its content type from what it is, not from its name.

Older versions typed an object by its filename's suffix, and ingest kept a source's suffix:
an MP4 fetched from `…/film.html` was stored as `film.html` and served as text/html. Here
each row is typed by its place in the catalogue (a media file's video, a subtitle or seek
track, a sprite sheet) and its filename's suffix is made to agree, so its link name does.
Stored keys in the backends do not move.

Links handed out before this change to a renamed row (its link name changes from
`film.html` to `film.mp4`) stop working: links are signed per page and short-lived, and the
player asks for a fresh one. Rows with the right suffix already keep their link names.

The kinds are copied here (not imported) so this migration keeps meaning what it did.
"""

import re

from django.db import migrations

MP4 = ("video/mp4", ".mp4")
WEBM = ("video/webm", ".webm")
VTT = ("text/vtt", ".vtt")
JPEG = ("image/jpeg", ".jpg")
ALLOWED = {MP4[0]: MP4, WEBM[0]: WEBM, VTT[0]: VTT, JPEG[0]: JPEG}
FALLBACK_TYPE = "application/octet-stream"
# Ingest keeps a WebM only with these codecs; every other video it stores is an MP4 it wrote
# or kept. Matroska stored as it was (store_media) plays in browsers, if at all, as WebM.
WEBM_CODECS = {"vp8", "vp9", "av1"}
WEBM_TYPES = {"video/webm", "video/x-matroska"}
EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}$")
BATCH = 500


def name_with_suffix(filename, suffix):
    if filename.lower().endswith(suffix):
        return filename
    return (EXTENSION.sub("", filename) + suffix)[-255:]


def video_kind(media):
    webm = media.video_codec.lower() in WEBM_CODECS or media.stored.content_type in WEBM_TYPES
    return WEBM if webm else MP4


def retype(apps, schema_editor):
    StoredObject = apps.get_model("streaming", "StoredObject")
    MediaFile = apps.get_model("streaming", "MediaFile")
    Subtitle = apps.get_model("streaming", "Subtitle")
    kinds = {}  # stored object id -> (content type, suffix)
    for media in MediaFile.objects.select_related("stored").iterator(chunk_size=BATCH):
        kinds[media.stored_id] = video_kind(media)
        if media.sprite_id:
            kinds[media.sprite_id] = JPEG
        if media.thumbnails_id:
            kinds[media.thumbnails_id] = VTT
    for stored_id in Subtitle.objects.values_list("stored_id", flat=True).iterator():
        kinds[stored_id] = VTT
    changed = []
    for obj in StoredObject.objects.only("id", "filename", "content_type").iterator(BATCH):
        # An object attached to nothing is served nowhere; it keeps an allow-listed type,
        # anything else becomes bytes to download.
        kind = kinds.get(obj.id) or ALLOWED.get(obj.content_type)
        content_type = kind[0] if kind else FALLBACK_TYPE
        filename = name_with_suffix(obj.filename, kind[1]) if kind else obj.filename
        if (content_type, filename) != (obj.content_type, obj.filename):
            obj.content_type, obj.filename = content_type, filename
            changed.append(obj)
    StoredObject.objects.bulk_update(changed, ["content_type", "filename"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("streaming", "0005_title_page_indexes")]

    operations = [migrations.RunPython(retype, migrations.RunPython.noop, elidable=True)]
