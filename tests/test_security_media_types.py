"""A stored object is served as what it is (the allow-list in stored_media/media_types.py),
never as what its source was named: an MP4 fetched from `…/Some.Film.2019.html` with a
`<script>` in its metadata is video/mp4, from Django and through the nginx gateway (the
sendfile branch and the slice branch), and every /media/ answer carries a sandboxing CSP
and nosniff. A row forced to text/html in the database is still never served as a document.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from stored_media import signing
from stored_media.media_types import MP4 as MP4_KIND
from stored_media.media_types import UnknownMediaKind, name_with_suffix, served_type
from stored_media.models import StoredObject
from stored_media.objects import store_file
from stored_media.storage import override_backend
from stored_media.storage.local import LocalBackend
from streaming.models import IngestJob
from tests.factories import publish_film
from tests.support.http_probe import Answer, fetch
from tests.support.http_sources import MediaFile as Served
from tests.support.http_sources import source_server
from tests.support.ingest_helpers import not_queued
from tests.support.media_factory import AAC, H264, _sources, ffmpeg
from tests.support.serving import nginx_gateway, uvicorn_in_thread

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

SCRIPT = "<html><body><script>alert(document.domain)</script></body></html>"
DOCUMENT_TYPES = ("text/html", "image/svg+xml", "application/xml", "text/xml", "xhtml")
MEDIA_CSP = "sandbox; default-src 'none'"


@pytest.fixture
def scripted_mp4(tmp_path) -> Path:
    """A faststart H.264/AAC MP4 (ingest keeps it as it is) with a script in its metadata."""
    path = tmp_path / "scripted.mp4"
    ffmpeg(*_sources(1), *H264, *AAC, "-metadata", f"comment={SCRIPT}",
           "-movflags", "+faststart", str(path))  # fmt: skip
    assert b"<script>" in path.read_bytes()[:4096]
    return path


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def link(obj: StoredObject) -> str:
    return signing.sign(obj.media_uri, int(time.time()) + 600)


def assert_inert(answer: Answer, content_type: str) -> None:
    """Served as `content_type`, sandboxed, never sniffed, never a document."""
    served = answer.headers.get("content-type", "")
    assert served.split(";")[0] == content_type, (answer.status, served, answer.body[:200])
    assert not any(kind in served for kind in DOCUMENT_TYPES)
    assert answer.headers["content-security-policy"] == MEDIA_CSP
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_the_suffix_follows_the_kind_not_the_source():
    assert name_with_suffix("Some.Film.2019.html", MP4_KIND) == "Some.Film.2019.mp4"
    assert name_with_suffix("Film.2019", MP4_KIND) == "Film.2019.mp4"
    assert name_with_suffix("Film.MP4", MP4_KIND) == "Film.MP4"
    assert served_type("text/html") == "application/octet-stream"
    assert served_type("image/svg+xml") == "application/octet-stream"
    assert served_type("video/mp4") == "video/mp4"


def test_an_unknown_kind_is_refused_before_anything_is_stored(media_root, scripted_mp4):
    with pytest.raises(UnknownMediaKind):
        store_file(scripted_mp4, "x.html", "local", kind="html")

    assert not StoredObject.objects.exists()
    assert not any(media_root.rglob("*.*"))


def test_a_url_ingest_of_an_mp4_named_html_is_stored_as_mp4(alpha, settings, scripted_mp4):
    settings.INGEST_WORK_DIR = Path(settings.MEDIA_ROOT).parent / "work"
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.MEDIA_STORAGE = "local"
    settings.INGEST_MIN_FREE_BYTES = 0
    settings.INGEST_MAX_ATTEMPTS = 1
    settings.TMDB_API_KEY = ""
    from streaming.ingest import service
    from streaming.ingest.runner import run_inline

    with source_server() as server:
        url = server.route("/Some.Film.2019.html", Served(scripted_mp4.read_bytes(), "text/html"))
        [job] = service.submit_urls([url], tenant=alpha, via="test", queue=not_queued)
        job = run_inline(job)

    assert job.state == IngestJob.State.DONE, job.error
    stored = job.media_file.stored
    assert "keep" in job.log.lower() or "as is" in job.log  # kept byte for byte
    assert stored.content_type == "video/mp4"
    assert stored.filename.startswith("Some.Film")
    assert stored.filename.endswith(".mp4")
    assert stored.link_name.endswith(".mp4")
    assert "html" not in stored.filename


@pytest.fixture
def scripted(media_root, scripted_mp4, alpha) -> StoredObject:
    stored = store_file(scripted_mp4, "Some.Film.2019.html", "local", kind="mp4")
    publish_film(stored)
    return stored


@pytest.fixture
def forced_html(media_root, scripted_mp4, alpha) -> StoredObject:
    """A row an older version (or a hand in the database) left as text/html."""
    stored = store_file(scripted_mp4, "x.mp4", "local", kind="mp4")
    StoredObject.objects.filter(pk=stored.pk).update(content_type="text/html", filename="x.html")
    stored.refresh_from_db()
    publish_film(stored, "Forced")
    return stored


def test_django_serves_the_scripted_mp4_as_video(scripted):
    with uvicorn_in_thread() as origin:
        whole = fetch(origin, link(scripted))
        ranged = fetch(origin, link(scripted), {"Range": "bytes=0-99,200-299"})
        refused = fetch(origin, link(scripted).replace("md5=", "md5=A"))

    assert scripted.media_uri.endswith("/Some.Film.2019.mp4")
    assert whole.status == 200
    assert_inert(whole, "video/mp4")
    assert whole.headers["content-disposition"].endswith("''Some.Film.2019.mp4")
    assert ranged.status == 206
    assert b"Content-Type: video/mp4" in ranged.body
    assert (refused.status, refused.headers["content-security-policy"]) == (403, MEDIA_CSP)
    assert refused.headers["content-type"].startswith("text/plain")


def test_django_never_serves_a_row_forced_to_text_html_as_html(forced_html):
    with uvicorn_in_thread() as origin:
        answer = fetch(origin, link(forced_html))

    assert answer.status == 200
    assert SCRIPT.encode() in answer.body
    assert_inert(answer, "application/octet-stream")


class SlicedLocal(LocalBackend):
    """Local bytes nginx cannot send itself: the gateway takes its slice-cache branch."""

    def local_path(self, key: str) -> Path | None:
        return None


@pytest.fixture(params=["sendfile", "slices"])
def gateway(request, settings, tmp_path, media_root):
    local = SlicedLocal(media_root) if request.param == "slices" else LocalBackend(media_root)
    with (
        override_backend("local", local),
        uvicorn_in_thread() as origin,
        nginx_gateway(tmp_path, origin) as port,
    ):
        yield port, "LOCAL" if request.param == "sendfile" else ("MISS", "HIT")


def test_the_gateway_serves_the_scripted_mp4_as_video(scripted, gateway):
    port, branch = gateway

    answer = fetch(port, link(scripted))

    assert answer.status == 200
    assert answer.headers["x-cache-status"] in branch
    assert_inert(answer, "video/mp4")
    assert answer.headers["content-security-policy"].count("sandbox") == 1  # one header


def test_the_gateway_never_serves_a_row_forced_to_text_html_as_html(forced_html, gateway):
    port, _ = gateway

    answer = fetch(port, link(forced_html))

    assert answer.status == 200
    assert SCRIPT.encode() in answer.body
    assert_inert(answer, "application/octet-stream")


def test_an_older_key_ending_in_html_is_still_served_as_its_kind(scripted, gateway, media_root):
    """Keys do not move: an object stored as `…/film.html` before the fix (now typed
    video/mp4) is not sent by nginx, which types files by suffix, but by the origin."""
    port, _ = gateway
    old_key = scripted.key.rsplit("/", 1)[0] + "/Some.Film.2019.html"
    (media_root / scripted.key).rename(media_root / old_key)
    StoredObject.objects.filter(pk=scripted.pk).update(key=old_key)

    answer = fetch(port, link(scripted))

    assert answer.status == 200
    assert answer.headers["x-cache-status"] in ("MISS", "HIT")
    assert_inert(answer, "video/mp4")


@pytest.mark.parametrize(
    ("make_path", "headers", "status"),
    [
        (lambda o: link(o).replace("md5=", "md5=A"), {}, 403),
        (lambda o: signing.sign(o.media_uri, int(time.time()) - 5), {}, 410),
        (lambda o: signing.sign(f"/media/{o.pk}/Other.mp4", int(time.time()) + 600), {}, 404),
        (lambda o: link(o), {"Range": "bytes=99999999-"}, 416),
        (lambda o: link(o).replace("/media/", "/media/./"), {}, 400),
    ],
)
def test_gateway_errors_on_the_media_path_are_plain_text_and_sandboxed(
    scripted, gateway, make_path, headers, status
):
    port, _ = gateway

    answer = fetch(port, make_path(scripted), headers)

    assert answer.status == status
    assert_inert(answer, "text/plain")
    assert b"<" not in answer.body  # not nginx's HTML error page


class _RegistryAt0006:
    """The app registry as migration 0006 saw it: StoredObject was then streaming's."""

    def __init__(self, apps):
        self.apps = apps

    def get_model(self, app_label: str, model_name: str):
        if model_name == "StoredObject":
            return StoredObject
        return self.apps.get_model(app_label, model_name)


def test_the_data_migration_retypes_rows_by_what_they_are(db):
    from importlib import import_module

    from django.apps import apps

    from streaming.models import MediaFile, Subtitle

    retype = import_module("streaming.migrations.0006_stored_object_types_from_kind").retype
    rows = {
        name: StoredObject.objects.create(
            backend="local", key=name, filename=filename, content_type=content_type, size=1
        )
        for name, filename, content_type in [
            ("video", "Some.Film.2019.html", "text/html"),
            ("webm", "Clip.html", "text/html"),
            ("sub", "Some.Film.2019.en.svg", "image/svg+xml"),
            ("sprite", "sprite.jpg", "image/jpeg"),
            ("thumbs", "x.thumbnails.xml", "application/xml"),
            ("kept", "Good.mp4", "video/mp4"),
            ("loose", "loose.html", "text/html"),
        ]
    }
    media = publish_film(rows["video"])
    MediaFile.objects.filter(pk=media.pk).update(sprite=rows["sprite"], thumbnails=rows["thumbs"])
    Subtitle.objects.create(media_file=media, stored=rows["sub"], language="en", label="English")
    webm = publish_film(rows["webm"], "Clip")
    MediaFile.objects.filter(pk=webm.pk).update(video_codec="vp9")
    publish_film(rows["kept"], "Kept")

    retype(_RegistryAt0006(apps), None)

    found = {name: StoredObject.objects.get(pk=row.pk) for name, row in rows.items()}
    assert {name: (row.filename, row.content_type) for name, row in found.items()} == {
        "video": ("Some.Film.2019.mp4", "video/mp4"),
        "webm": ("Clip.webm", "video/webm"),
        "sub": ("Some.Film.2019.en.vtt", "text/vtt"),
        "sprite": ("sprite.jpg", "image/jpeg"),
        "thumbs": ("x.thumbnails.vtt", "text/vtt"),
        "kept": ("Good.mp4", "video/mp4"),
        "loose": ("loose.html", "application/octet-stream"),
    }
    assert found["video"].link_name == "Some.Film.2019.mp4"
    assert found["video"].key == "video"  # stored bytes do not move


@pytest.mark.parametrize(
    ("name", "served"), [("x.html", None), ("logo.svg", None), ("a.png", "image/png")]
)
def test_the_gateway_types_public_uploads_from_the_image_list_alone(
    settings, tmp_path, media_root, alpha, name, served
):
    """The same class on the gateway's other folder of uploads: only images keep a type."""
    (media_root / "public").mkdir()
    (media_root / "public" / name).write_text(SCRIPT)
    with uvicorn_in_thread() as origin, nginx_gateway(tmp_path, origin) as port:
        answer = fetch(port, f"/uploads/public/{name}")

    assert answer.status == 200
    assert answer.headers["content-type"] == (served or "application/octet-stream")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in answer.headers["content-security-policy"]
