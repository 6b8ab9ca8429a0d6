"""The admin's resumable uploads speak tus 1.0.0 (https://tus.io/protocols/resumable-upload),
rule by rule, with Django's test client: core, creation, checksum, termination, expiration;
operators only; the size cap and the disk check; a finished upload becomes an ingest job."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from streaming.ingest import queueing
from streaming.ingest.fetch_step import source_file
from streaming.models import IngestJob, Upload
from streaming.uploads import receive, space

pytestmark = pytest.mark.django_db

COLLECTION = "/admin/streaming/ingestjob/uploads/"
TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}
OCTETS = "application/offset+octet-stream"


@pytest.fixture(autouse=True)
def upload_dirs(ingest_dirs, settings):
    settings.INGEST_UPLOAD_DIR = ingest_dirs / "uploads"
    return ingest_dirs


@pytest.fixture
def queued(monkeypatch) -> list:
    sent = []
    monkeypatch.setattr(queueing, "queue_step", lambda job_id, step, delay=0: sent.append(
        (job_id, step)))  # fmt: skip
    return sent


@pytest.fixture
def operator(alpha, olivia) -> Client:
    client = Client(HTTP_HOST="a.test")
    client.force_login(olivia)
    return client


def metadata(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def create(client: Client, length: int, name: str = "My Film (2020).mkv", **headers):
    return client.post(
        COLLECTION,
        **{**TUS, "HTTP_UPLOAD_LENGTH": str(length), "HTTP_UPLOAD_METADATA": metadata(
            filename=name), **headers},
    )  # fmt: skip


def patch(client: Client, location: str, offset: int, data: bytes, **headers):
    return client.generic(
        "PATCH", location, data, content_type=OCTETS,
        # Django's test client leaves both out of a request without a body; a tus client
        # sends them.
        **{**TUS, "HTTP_UPLOAD_OFFSET": str(offset), "CONTENT_TYPE": OCTETS,
           "CONTENT_LENGTH": str(len(data)), **headers},
    )  # fmt: skip


def sha1(data: bytes) -> str:
    return "sha1 " + base64.b64encode(hashlib.sha1(data).digest()).decode()  # noqa: S324


def test_options_names_the_version_extensions_max_size_and_checksums(operator, settings):
    settings.INGEST_UPLOAD_MAX_BYTES = 5_000_000

    response = operator.options(COLLECTION)

    assert response.status_code == 204
    assert response["Tus-Resumable"] == "1.0.0"
    assert response["Tus-Version"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) == {
        "creation", "checksum", "termination", "expiration"}  # fmt: skip
    assert response["Tus-Max-Size"] == "5000000"
    assert "sha1" in response["Tus-Checksum-Algorithm"].split(",")


def test_creation_answers_201_with_a_location_offset_zero_and_an_expiry(operator, olivia, alpha):
    response = create(operator, 1000)

    assert response.status_code == 201
    assert response["Tus-Resumable"] == "1.0.0"
    assert response["Location"] == f"{COLLECTION}{Upload.objects.get().pk}"
    assert response["Upload-Offset"] == "0"
    assert response["Upload-Expires"].endswith(" GMT")
    upload = Upload.objects.get()
    assert (upload.owner, upload.tenant, upload.filename) == (olivia, alpha, "My Film (2020).mkv")
    assert (upload.length, upload.offset, upload.state) == (1000, 0, "receiving")
    assert upload.path.is_file()


def test_head_tells_the_offset_and_length_and_is_not_cached(operator):
    location = create(operator, 1000)["Location"]
    patch(operator, location, 0, b"x" * 300)

    response = operator.head(location, **TUS)

    assert response.status_code == 200
    assert (response["Upload-Offset"], response["Upload-Length"]) == ("300", "1000")
    assert response["Cache-Control"] == "no-store"


def test_patch_appends_and_answers_204_with_the_new_offset(operator):
    location = create(operator, 1000)["Location"]

    first = patch(operator, location, 0, b"a" * 400)
    second = patch(operator, location, 400, b"b" * 100)

    assert (first.status_code, first["Upload-Offset"]) == (204, "400")
    assert (second.status_code, second["Upload-Offset"]) == (204, "500")
    assert second["Upload-Expires"].endswith(" GMT")
    assert Upload.objects.get().path.read_bytes() == b"a" * 400 + b"b" * 100


def test_a_patch_at_the_wrong_offset_is_409_and_changes_nothing(operator):
    location = create(operator, 1000)["Location"]
    patch(operator, location, 0, b"a" * 400)

    response = patch(operator, location, 100, b"b" * 100)

    assert response.status_code == 409
    assert "400" in response.content.decode()
    assert Upload.objects.get().offset == 400
    assert Upload.objects.get().path.read_bytes() == b"a" * 400


def test_a_request_without_the_tus_version_is_412_and_names_the_version(operator):
    location = create(operator, 1000)["Location"]

    for response in (
        operator.head(location),
        operator.head(location, HTTP_TUS_RESUMABLE="0.2.2"),
        operator.post(COLLECTION, HTTP_UPLOAD_LENGTH="10"),
    ):
        assert response.status_code == 412
        assert response["Tus-Version"] == "1.0.0"


def test_a_patch_of_another_content_type_is_415(operator):
    location = create(operator, 1000)["Location"]

    response = operator.generic(
        "PATCH", location, b"abc", content_type="application/octet-stream",
        **{**TUS, "HTTP_UPLOAD_OFFSET": "0"},
    )  # fmt: skip

    assert response.status_code == 415


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no Upload-Length
        {"HTTP_UPLOAD_LENGTH": "-5"},
        {"HTTP_UPLOAD_LENGTH": "ten"},
        {"HTTP_UPLOAD_LENGTH": "0"},
        {"HTTP_UPLOAD_LENGTH": "10", "HTTP_UPLOAD_DEFER_LENGTH": "1"},
        {"HTTP_UPLOAD_LENGTH": "10", "HTTP_UPLOAD_METADATA": "filename"},  # no file name
        {"HTTP_UPLOAD_LENGTH": "10", "HTTP_UPLOAD_METADATA": "filename !!notbase64"},
        {"HTTP_UPLOAD_LENGTH": "10", "HTTP_UPLOAD_METADATA": "a YQ==,a YQ=="},
        {"HTTP_UPLOAD_LENGTH": "10", "HTTP_UPLOAD_METADATA": metadata(filename="a\x00.mkv")},
    ],
)
def test_a_creation_with_bad_headers_is_400_with_a_reason(operator, headers):
    response = operator.post(COLLECTION, **{**TUS, **headers})

    assert response.status_code == 400
    assert response.content.strip()
    assert not Upload.objects.exists()


def test_a_file_that_is_not_a_video_is_refused_before_any_byte(operator):
    response = create(operator, 1000, name="notes.html")

    assert response.status_code == 415
    assert "not a video file name" in response.content.decode()


def test_a_file_over_the_size_cap_is_413(operator, settings):
    settings.INGEST_UPLOAD_MAX_BYTES = 4096

    response = create(operator, 4097)

    assert response.status_code == 413
    assert "cap" in response.content.decode()
    assert not Upload.objects.exists()


def test_a_chunk_past_the_announced_length_is_413(operator):
    location = create(operator, 100)["Location"]

    response = patch(operator, location, 0, b"x" * 101)

    assert response.status_code == 413
    assert Upload.objects.get().offset == 0


def test_an_upload_the_disk_cannot_hold_with_its_margin_is_507(operator, monkeypatch, settings):
    settings.INGEST_MIN_FREE_BYTES = 1000
    monkeypatch.setattr(space, "free_bytes", lambda folder: 10_000)

    refused = create(operator, 9_001)
    accepted = create(operator, 8_999)

    assert refused.status_code == 507
    assert "Not enough free disk space" in refused.content.decode()
    assert accepted.status_code == 201


def test_room_promised_to_uploads_in_progress_counts_against_a_new_one(operator, monkeypatch):
    monkeypatch.setattr(space, "free_bytes", lambda folder: 10_000)
    location = create(operator, 6_000)["Location"]
    patch(operator, location, 0, b"x" * 1_000)  # 5,000 still to come

    assert create(operator, 5_001).status_code == 507
    assert create(operator, 4_000).status_code == 201


def test_a_chunk_with_the_right_sha1_is_kept(operator):
    location = create(operator, 1000)["Location"]

    response = patch(operator, location, 0, b"abc", HTTP_UPLOAD_CHECKSUM=sha1(b"abc"))

    assert (response.status_code, response["Upload-Offset"]) == (204, "3")


def test_a_chunk_with_a_wrong_checksum_is_460_and_discarded(operator):
    location = create(operator, 1000)["Location"]
    patch(operator, location, 0, b"abc", HTTP_UPLOAD_CHECKSUM=sha1(b"abc"))

    response = patch(operator, location, 3, b"defg", HTTP_UPLOAD_CHECKSUM=sha1(b"DEFG"))

    assert response.status_code == 460
    upload = Upload.objects.get()
    assert upload.offset == 3
    assert upload.path.read_bytes() == b"abc"
    assert operator.head(location, **TUS)["Upload-Offset"] == "3"


@pytest.mark.parametrize("checksum", ["crc32 AAAAAA==", "sha1 not*base64", "sha1 YWJj"])
def test_an_unknown_or_malformed_checksum_is_400(operator, checksum):
    location = create(operator, 1000)["Location"]

    response = patch(operator, location, 0, b"abc", HTTP_UPLOAD_CHECKSUM=checksum)

    assert response.status_code == 400
    assert Upload.objects.get().offset == 0


def test_delete_terminates_the_upload_and_its_bytes(operator):
    location = create(operator, 1000)["Location"]
    patch(operator, location, 0, b"x" * 10)
    path = Upload.objects.get().path

    response = operator.delete(location, **TUS)

    assert response.status_code == 204
    assert not Upload.objects.exists()
    assert not path.exists()
    assert operator.head(location, **TUS).status_code == 404


def test_an_expired_upload_is_410(operator):
    location = create(operator, 1000)["Location"]
    Upload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert operator.head(location, **TUS).status_code == 410
    assert patch(operator, location, 0, b"x").status_code == 410


def test_a_chunk_moves_the_expiry_on(operator, settings):
    settings.INGEST_UPLOAD_EXPIRY_HOURS = 24
    location = create(operator, 1000)["Location"]
    Upload.objects.update(expires_at=timezone.now() + timedelta(minutes=5))

    patch(operator, location, 0, b"x")

    assert Upload.objects.get().expires_at > timezone.now() + timedelta(hours=23)


def test_a_finished_upload_becomes_an_ingest_job(
    operator, olivia, alpha, queued, django_capture_on_commit_callbacks
):
    body = bytes(range(256)) * 40
    location = create(operator, len(body))["Location"]
    patch(operator, location, 0, body[:4000])

    with django_capture_on_commit_callbacks(execute=True):
        response = patch(operator, location, 4000, body[4000:], HTTP_UPLOAD_CHECKSUM=sha1(
            body[4000:]))  # fmt: skip

    assert response.status_code == 204
    job = IngestJob.objects.get()
    assert response["ShadowVault-Ingest-Job"] == str(job.pk)
    assert (job.source_kind, job.via, job.source_name) == ("upload", "upload", "My Film (2020).mkv")
    assert (job.tenant, job.requested_by, job.publish) == (alpha, olivia, True)
    assert source_file(job).read_bytes() == body
    assert [job_id for job_id, _step in queued] == [job.pk]
    upload = Upload.objects.get()
    assert (upload.state, upload.job) == ("done", job)
    assert not upload.path.exists()  # moved, not copied
    assert operator.head(location, **TUS)["ShadowVault-Ingest-Job"] == str(job.pk)


def test_the_publish_metadata_reaches_the_job(operator, queued):
    created = create(operator, 3, HTTP_UPLOAD_METADATA=metadata(filename="a.mp4", publish="0"))
    location = created["Location"]

    patch(operator, location, 0, b"abc")

    assert IngestJob.objects.get().publish is False


def test_uploads_are_for_operators_only(alpha, alpha_admin, alice):
    for user in (None, alice, alpha_admin):
        client = Client(HTTP_HOST="a.test")
        if user:
            client.force_login(user)
        response = client.post(COLLECTION, **TUS, HTTP_UPLOAD_LENGTH="10")
        assert response.status_code == 403, user
        assert client.options(COLLECTION).status_code == 403
    assert not Upload.objects.exists()


def test_another_operators_upload_is_not_found(operator, alpha):
    location = create(operator, 1000)["Location"]
    other = get_user_model().objects.create_superuser("otto", "otto@example.com", "pw")
    client = Client(HTTP_HOST="a.test")
    client.force_login(other)

    assert client.head(location, **TUS).status_code == 404
    assert patch(client, location, 0, b"x").status_code == 404
    assert client.delete(location, **TUS).status_code == 404


def test_an_upload_on_one_site_is_not_found_on_another(operator, beta, olivia):
    location = create(operator, 1000)["Location"]
    on_beta = Client(HTTP_HOST="b.test")
    on_beta.force_login(olivia)

    assert on_beta.head(location, **TUS).status_code == 404


def test_a_patch_without_the_csrf_token_is_refused(alpha, olivia):
    client = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)
    client.force_login(olivia)

    response = client.post(COLLECTION, **TUS, HTTP_UPLOAD_LENGTH="10")

    assert response.status_code == 403
    assert not Upload.objects.exists()


def test_a_patch_with_the_csrf_token_in_a_header_is_accepted(alpha, olivia):
    client = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)
    client.force_login(olivia)
    client.get("/admin/streaming/ingestjob/submit/")
    token = client.cookies["csrftoken"].value

    response = create(client, 10, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 201


def test_a_second_writer_at_once_is_423_and_a_delete_waits_too(operator):
    location = create(operator, 1000)["Location"]
    upload = Upload.objects.get()

    with receive.locked(upload.path):
        busy_patch = patch(operator, location, 0, b"x")
        busy_delete = operator.delete(location, **TUS)

    assert (busy_patch.status_code, busy_delete.status_code) == (423, 423)
    assert Upload.objects.get().offset == 0
    assert patch(operator, location, 0, b"x").status_code == 204


def test_a_patch_on_a_complete_upload_is_409_and_its_delete_leaves_the_job(operator, queued):
    location = create(operator, 3)["Location"]
    patch(operator, location, 0, b"abc")

    assert patch(operator, location, 0, b"abc").status_code == 409
    assert patch(operator, location, 3, b"").status_code == 204  # asked again: nothing to do
    assert operator.delete(location, **TUS).status_code == 204
    assert not Upload.objects.exists()
    assert IngestJob.objects.count() == 1


def test_an_upload_whose_file_is_gone_is_404_not_a_crash(operator):
    location = create(operator, 1000)["Location"]
    Upload.objects.get().path.unlink()

    assert patch(operator, location, 0, b"x").status_code == 404
