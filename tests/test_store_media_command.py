"""`manage.py store_media` stores a file, and with --publish makes it watchable at once."""

import io
import time

import pytest
from django.core.management import CommandError, call_command

from stored_media import signing
from stored_media.models import StoredObject
from streaming.models import Title


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("store_media", *args, stdout=out)
    return out.getvalue()


def test_it_stores_and_publishes_with_a_working_link(alpha, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    source = tmp_path / "clip.mp4"
    source.write_bytes(b"x" * 1000)

    printed = run(str(source), "--publish", "A Clip")

    stored = StoredObject.objects.get()
    link = printed.split("link: ")[1].split()[0]
    md5 = link.split("md5=")[1].split("&")[0]
    expires = link.split("expires=")[1]
    assert stored.size == 1000
    assert Title.objects.visible_on(alpha).get().title == "A Clip"
    assert int(expires) > time.time()
    assert signing.verify(stored.media_uri, md5, expires) is signing.LinkCheck.VALID


def test_without_publish_it_says_sites_will_not_serve_it_yet(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    source = tmp_path / "clip.mp4"
    source.write_bytes(b"x")

    assert "not attached to a title yet" in run(str(source))


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="is not a readable file"):
        run(str(tmp_path / "nope.mp4"))
