"""The ways comics come in, each end to end through the real tasks (Celery eager): the
admin's "Import comics" page (many files at once, a folder of the import folder, URLs), its
job list with live state, progress, speed and ETA, cancel and retry; `manage.py
import_comics`; and the API at /api/v1/comics/imports/ for operators (token auth from the
settings' defaults; a viewer is refused, another site's job is not found)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from rest_framework.test import APIClient

from readvault.importing import service
from readvault.models import Chapter, ImportJob, Series
from streaming.api.token_store import issue_token
from tests.support.comic_imports import (
    Queued,
    pages,
    run_tasks_eagerly,
    write_cbz,
)
from tests.support.http_sources import MediaFile as Served
from tests.support.http_sources import source_server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def eager_imports(ingest_dirs, monkeypatch) -> Queued:
    return run_tasks_eagerly(monkeypatch)


SUBMIT = "/admin/readvault/importjob/submit/"
JSON = "application/json"


def admin_client(user, host="a.test") -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def cbz_bytes(tmp_path, first: int, count: int) -> bytes:
    return write_cbz(tmp_path / f"{first}.cbz", pages(first, count)).read_bytes()


# -- the admin -------------------------------------------------------------------------------


def test_an_operator_uploads_many_archives_at_once(alpha, olivia, eager_imports, tmp_path):
    files = [
        SimpleUploadedFile("Gantz c001.cbz", cbz_bytes(tmp_path, 1, 2)),
        SimpleUploadedFile("Gantz c002.cbz", cbz_bytes(tmp_path, 3, 3)),
        SimpleUploadedFile("Gantz c003.cbz", cbz_bytes(tmp_path, 6, 1)),
    ]

    response = admin_client(olivia).post(SUBMIT, {"archives": files, "publish": "on"})

    assert response.status_code == 302
    jobs = list(ImportJob.objects.order_by("pk"))
    assert [(j.source_kind, j.state, j.requested_by, j.tenant) for j in jobs] == [
        ("upload", "done", olivia, alpha)
    ] * 3
    assert list(Chapter.objects.order_by("number").values_list("number", "page_count")) == [
        (1, 2),
        (2, 3),
        (3, 1),
    ]
    assert Series.objects.get().status == Series.Status.PUBLISHED


def test_a_file_that_is_not_an_archive_is_a_form_error_and_no_job(alpha, olivia, eager_imports):
    files = [
        SimpleUploadedFile("good c1.cbz", b"PK\x03\x04 whatever"),
        SimpleUploadedFile("notes.txt", b"hello"),
    ]

    response = admin_client(olivia).post(SUBMIT, {"archives": files})

    assert response.status_code == 200
    assert b"notes.txt is not a comic archive" in response.content
    assert not ImportJob.objects.exists()


def test_the_pages_script_sends_one_archive_a_request_and_reads_json(
    alpha, olivia, eager_imports, tmp_path
):
    """What static/js/comic-upload.js does: a request per file, asking for JSON."""
    client = admin_client(olivia)
    upload = SimpleUploadedFile("Ping Pong c1.cbz", cbz_bytes(tmp_path, 1, 2))

    made = client.post(SUBMIT, {"archives": upload, "publish": "on"}, HTTP_ACCEPT=JSON)
    refused = client.post(SUBMIT, {"archives": SimpleUploadedFile("x.txt", b"x")}, HTTP_ACCEPT=JSON)

    job = ImportJob.objects.get()
    assert (made.status_code, made.json()) == (201, {"jobs": [job.pk]})
    assert job.state == "done"
    assert refused.status_code == 400
    assert "x.txt is not a comic archive" in refused.json()["error"]
    page = client.get(SUBMIT)
    assert b"js/comic-upload.js" in page.content
    assert b'class="ingest-submit comic-import"' in page.content


def test_an_operator_imports_a_folder_of_the_import_folder(
    alpha, olivia, eager_imports, ingest_dirs
):
    write_cbz(ingest_dirs / "import" / "Akira" / "Akira v01.cbz", pages(1, 2))
    write_cbz(ingest_dirs / "import" / "Other" / "Other c1.cbz", pages(3, 2))

    response = admin_client(olivia).post(SUBMIT, {"folder": "Akira"})

    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.via, job.source_kind, job.source_name, job.state) == (
        "folder",
        "file",
        "Akira/Akira v01.cbz",
        "done",
    )
    assert (job.series.title, job.chapter.volume.number, job.chapter.number) == ("Akira", 1, None)


def test_a_folder_outside_the_import_folder_is_refused(alpha, olivia, eager_imports):
    with pytest.raises(service.SourceRefused, match="outside the import folder"):
        service.submit_paths(
            ["../../etc"],
            service.Choices(tenant=alpha, via="folder"),
            within=service.import_root(),
        )


def test_an_operator_submits_urls_and_follows_them_in_the_job_list(
    alpha, olivia, eager_imports, settings, tmp_path
):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    client = admin_client(olivia)
    with source_server() as server:
        first = server.route("/Dorohedoro%20c001.cbz", Served(cbz_bytes(tmp_path, 1, 2)))
        second = server.route("/Dorohedoro%20c002.cbz", Served(cbz_bytes(tmp_path, 3, 2)))
        response = client.post(SUBMIT, {"urls": f"{first}\n\n{second}\n"})

    assert response.status_code == 302
    jobs = list(ImportJob.objects.order_by("pk"))
    assert [(j.source_kind, j.state) for j in jobs] == [("url", "done")] * 2
    listing = client.get("/admin/readvault/importjob/")
    assert listing.status_code == 200
    for column in (b"Progress", b"Speed", b"ETA", b"Dorohedoro c001.cbz", b'value="100"'):
        assert column in listing.content
    live = client.get(f"/admin/readvault/importjob/live/?ids={jobs[0].pk},{jobs[1].pk}").json()
    assert live["jobs"][str(jobs[0].pk)]["state"] == "Done"
    assert live["jobs"][str(jobs[0].pk)]["percent"] == 100
    assert "done" in live["jobs"][str(jobs[0].pk)]["log"]
    page = client.get(f"/admin/readvault/importjob/{jobs[0].pk}/change/")
    assert b"in the library: Dorohedoro, Ch. 1" in page.content


def test_a_url_to_a_private_address_is_a_form_error(alpha, olivia, eager_imports):
    response = admin_client(olivia).post(SUBMIT, {"urls": "http://10.0.0.8/c1.cbz"})

    assert response.status_code == 200
    assert b"10.0.0.8" in response.content
    assert not ImportJob.objects.exists()


def test_the_admin_cancels_a_queued_job_and_retries_it_as_a_new_one(
    alpha, olivia, ingest_dirs, tmp_path, django_capture_on_commit_callbacks
):
    source = write_cbz(tmp_path / "Later c1.cbz", pages(1, 2))
    [job] = service.submit_paths(
        [source], service.Choices(tenant=alpha, via="test", queue=lambda job: None)
    )
    client = admin_client(olivia)
    changelist = "/admin/readvault/importjob/"

    client.post(changelist, {"action": "cancel_jobs", "_selected_action": [job.pk]})
    job.refresh_from_db()
    assert job.state == ImportJob.State.CANCELLED

    client.post(changelist, {"action": "retry_jobs", "_selected_action": [job.pk]})
    again = ImportJob.objects.exclude(pk=job.pk).get()
    assert (again.source, again.state) == (job.source, ImportJob.State.QUEUED)


def test_a_site_admin_cannot_open_the_import_page(alpha, alpha_admin):
    response = admin_client(alpha_admin).get(SUBMIT)

    assert response.status_code in (302, 403)
    assert not ImportJob.objects.exists()


# -- the command -----------------------------------------------------------------------------


def test_the_command_explains_itself(capsys):
    with pytest.raises(SystemExit):
        call_command("import_comics", "--help")

    text = capsys.readouterr().out
    for words in ("PATH_OR_URL", "--series", "--no-publish", "--wait", "pages/s", "top folder"):
        assert words in " ".join(text.split())


def test_the_command_waits_with_a_progress_line(alpha, ingest_dirs, tmp_path):
    folder = tmp_path / "Monster"
    write_cbz(folder / "Monster c001.cbz", pages(1, 3))
    write_cbz(folder / "Monster c002.cbz", pages(4, 2))
    target = Series.objects.create(title="Naoki Urasawa's Monster")
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "import_comics", str(folder), "--wait", "--no-publish", "--series", target.slug,
        stdout=out, stderr=err,
    )  # fmt: skip

    assert ImportJob.objects.filter(state="done").count() == 2
    assert set(Chapter.objects.values_list("series", flat=True)) == {target.pk}
    assert "done: Naoki Urasawa's Monster: Ch. 1 (3 pages)" in out.getvalue()
    lines = err.getvalue()
    assert "Reading pages" in lines
    assert "pages/s" in lines
    assert "%" in lines
    target.refresh_from_db()
    assert target.status == Series.Status.DRAFT


def test_the_command_hands_jobs_to_the_workers(alpha, eager_imports, tmp_path):
    source = write_cbz(tmp_path / "Dragon Head c1.cbz", pages(1, 2))
    out = io.StringIO()

    call_command("import_comics", str(source), stdout=out)

    job = ImportJob.objects.get()
    assert f"queued job #{job.pk}: Dragon Head c1.cbz" in out.getvalue()
    assert job.state == "done"
    assert [t[0] for t in eager_imports.tasks] == ["readvault.tasks.import_process"]


def test_the_command_refuses_an_unknown_series_and_a_missing_path(alpha, tmp_path):
    with pytest.raises(CommandError, match="no series is called 'Nope'"):
        call_command("import_comics", str(tmp_path), "--series", "Nope")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_comics", str(tmp_path / "missing.cbz"))


# -- the API ---------------------------------------------------------------------------------

IMPORTS = "/api/v1/comics/imports/"


def api_client(user, tenant, host="a.test") -> APIClient:
    client = APIClient(HTTP_HOST=host)
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user, tenant, 'test').key}")
    return client


def test_an_operator_imports_urls_over_the_api_and_follows_the_job(
    alpha, olivia, eager_imports, settings, tmp_path
):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    client = api_client(olivia, alpha)
    with source_server() as server:
        url = server.route("/Pluto%20c005.cbz", Served(cbz_bytes(tmp_path, 1, 4)))
        response = client.post(IMPORTS, {"urls": [url], "publish": False}, format="json")

    assert response.status_code == 201, response.content
    [created] = response.json()
    assert created["source"] == url
    detail = client.get(f"{IMPORTS}{created['id']}/").json()
    assert detail["state"] == "done"
    assert detail["percent"] == 100
    assert detail["series"] == Series.objects.get(title="Pluto").pk
    assert detail["chapter"] == Chapter.objects.get().pk
    assert client.get(IMPORTS).json()["results"][0]["id"] == created["id"]


def test_an_operator_imports_a_folder_over_the_api(alpha, olivia, eager_imports, ingest_dirs):
    write_cbz(ingest_dirs / "import" / "20th Century Boys" / "v01 c001.cbz", pages(1, 2))

    response = api_client(olivia, alpha).post(IMPORTS, {"folder": "."}, format="json")

    assert response.status_code == 201, response.content
    assert Chapter.objects.get().series.title == "20th Century Boys"


def test_bad_api_input_is_a_400_with_the_reason(alpha, olivia):
    client = api_client(olivia, alpha)

    private = client.post(IMPORTS, {"urls": ["http://192.168.1.2/a.cbz"]}, format="json")
    neither = client.post(IMPORTS, {}, format="json")
    outside = client.post(IMPORTS, {"folder": "../.."}, format="json")

    assert private.status_code == 400
    assert "192.168.1.2" in private.json()["detail"]
    assert neither.status_code == 400
    assert outside.status_code == 400
    assert "outside" in outside.json()["detail"]
    assert not ImportJob.objects.exists()


def test_a_viewer_may_not_import(alpha, alice):
    response = api_client(alice, alpha).post(
        IMPORTS, {"urls": ["https://example.com/a.cbz"]}, format="json"
    )

    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_another_sites_job_is_not_found(alpha, beta, olivia):
    job = ImportJob.objects.create(tenant=beta, via="api", source="x", source_kind="url")
    client = api_client(olivia, alpha)

    assert client.get(f"{IMPORTS}{job.pk}/").status_code == 404
    assert client.post(f"{IMPORTS}{job.pk}/cancel/").status_code == 404
    assert client.get(IMPORTS).json()["results"] == []


def test_cancelling_over_the_api(alpha, olivia):
    job = ImportJob.objects.create(tenant=alpha, via="api", source="x", source_kind="url")
    client = api_client(olivia, alpha)

    cancelled = client.post(f"{IMPORTS}{job.pk}/cancel/")
    again = client.post(f"{IMPORTS}{job.pk}/cancel/")
    ImportJob.objects.filter(pk=job.pk).update(state="done")
    refused = client.post(f"{IMPORTS}{job.pk}/cancel/")

    assert cancelled.json()["state"] == "cancelled"
    assert again.status_code == 200
    assert refused.status_code == 409
    assert "nothing to cancel" in refused.json()["detail"]


def test_the_imports_join_the_openapi_schema(alpha):
    schema = Client(HTTP_HOST="a.test").get("/api/schema/", HTTP_ACCEPT="application/json")

    paths = schema.json()["paths"]
    assert "/api/v1/comics/imports/" in paths
    assert "post" in paths["/api/v1/comics/imports/"]
    assert "/api/v1/comics/imports/{id}/" in paths
