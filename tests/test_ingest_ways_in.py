"""The ways in besides the pipeline itself: the admin (URLs, upload, folder; live progress;
cancel and retry), the JSON API for operators, and the `ingest` command."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from rest_framework.test import APIClient

from streaming.api.token_store import issue_token
from streaming.ingest import queueing
from streaming.models import IngestJob
from tenants.models import Domain

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch) -> list:
    """Stands in for Celery's queue: records (job id, step) instead of sending a message."""
    sent = []
    monkeypatch.setattr(queueing, "queue_step", lambda job_id, step, delay=0: sent.append(
        (job_id, step)))  # fmt: skip
    return sent


def admin_client(user, host="a.test") -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def test_an_operator_submits_urls_in_the_admin(
    alpha, olivia, queued, settings, django_capture_on_commit_callbacks
):
    settings.INGEST_ALLOWED_HOSTS = ["example.com"]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client(olivia).post(
            "/admin/streaming/ingestjob/submit/",
            {"urls": "http://example.com/a.mp4\n\nhttp://example.com/b.mkv\n", "publish": "on"},
        )

    assert response.status_code == 302
    jobs = IngestJob.objects.order_by("pk")
    assert [j.source for j in jobs] == ["http://example.com/a.mp4", "http://example.com/b.mkv"]
    assert {j.tenant for j in jobs} == {alpha}
    assert {j.requested_by for j in jobs} == {olivia}
    assert queued == [(jobs[0].pk, "fetch"), (jobs[1].pk, "fetch")]


def test_a_refused_url_is_a_form_error_and_nothing_is_queued(alpha, olivia, queued):
    response = admin_client(olivia).post(
        "/admin/streaming/ingestjob/submit/", {"urls": "http://169.254.169.254/"}
    )

    assert response.status_code == 200
    assert b"link-local" in response.content
    assert not IngestJob.objects.exists()
    assert queued == []


def test_the_form_wants_exactly_one_kind_of_source(alpha, olivia):
    response = admin_client(olivia).post("/admin/streaming/ingestjob/submit/", {})

    assert b"one of the three" in response.content


def test_an_upload_is_kept_in_its_job_folder(
    alpha, olivia, ingest_dirs, queued, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("My Film (2020).mp4", b"\x00" * 1000, "video/mp4")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client(olivia).post("/admin/streaming/ingestjob/submit/", {"upload": upload})

    job = IngestJob.objects.get()
    assert job.source_kind == "upload"
    assert job.source_name == "My Film (2020).mp4"
    assert (job.work_dir / "source" / "My Film (2020).mp4").stat().st_size == 1000
    assert queued == [(job.pk, "process")]


def test_the_import_folder_offers_its_folders_only(alpha, olivia, ingest_dirs, queued):
    (ingest_dirs / "import" / "Films" / "Old").mkdir(parents=True)
    (ingest_dirs / "import" / "Films" / "Old" / "Metropolis (1927).mkv").write_bytes(b"x")
    client = admin_client(olivia)

    page = client.get("/admin/streaming/ingestjob/submit/").content.decode()
    refused = client.post("/admin/streaming/ingestjob/submit/", {"folder": "../../etc"})
    client.post("/admin/streaming/ingestjob/submit/", {"folder": "Films/Old"})

    assert 'value="Films/Old"' in page
    assert b"not one of the available choices" in refused.content
    assert IngestJob.objects.get().source_name == "Metropolis (1927).mkv"


def test_the_job_list_shows_progress_and_the_live_view_updates_it(alpha, olivia):
    job = IngestJob.objects.create(
        tenant=alpha, via="t", source="https://example.com/f.mkv", source_kind="url",
        state=IngestJob.State.DOWNLOADING, bytes_done=50, bytes_total=200, speed_bps=2_500_000,
        eta_seconds=75, log="22:00:00 started\n",
    )  # fmt: skip
    client = admin_client(olivia)

    listing = client.get("/admin/streaming/ingestjob/").content.decode()
    live = client.get(f"/admin/streaming/ingestjob/live/?ids={job.pk},x,999").json()
    page = client.get(f"/admin/streaming/ingestjob/{job.pk}/change/").content.decode()

    assert 'value="25"' in listing
    assert "2.5 MB/s" in listing
    assert "01:15" in listing
    assert live["jobs"][str(job.pk)]["percent"] == 25
    assert live["jobs"][str(job.pk)]["finished"] is False
    assert list(live["jobs"]) == [str(job.pk)]
    assert "22:00:00 started" in page


def test_cancel_and_retry_actions(alpha, olivia, queued):
    running = IngestJob.objects.create(
        tenant=alpha,
        via="t",
        source="https://example.com/1",
        source_kind="url",
        state="downloading",
        worker="w:1",
    )
    failed = IngestJob.objects.create(tenant=alpha, via="t", source="https://example.com/2",
                                      source_kind="url", state="failed", error="503")  # fmt: skip
    client = admin_client(olivia)

    client.post(
        "/admin/streaming/ingestjob/", {"action": "cancel_jobs", "_selected_action": [running.pk]}
    )
    client.post("/admin/streaming/ingestjob/", {"action": "retry_jobs",
                                                "_selected_action": [failed.pk]})  # fmt: skip

    running.refresh_from_db()
    assert running.cancel_requested
    assert IngestJob.objects.filter(source="https://example.com/2").count() == 2


def test_site_admins_and_viewers_have_no_ingest(alpha, alpha_admin, alice):
    for user in (alpha_admin, alice):
        client = admin_client(user)
        assert client.get("/admin/streaming/ingestjob/").status_code in (302, 403)
        assert client.get("/admin/streaming/ingestjob/submit/").status_code in (302, 403)


def operator_api(user, host="a.test") -> APIClient:
    client = APIClient(HTTP_HOST=host)
    tenant = Domain.objects.get(hostname=host).tenant
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user, tenant, 'test').key}")
    return client


def test_operators_ingest_over_the_api(alpha, olivia, settings, queued):
    settings.INGEST_ALLOWED_HOSTS = ["example.com"]
    client = operator_api(olivia)

    created = client.post("/api/ingest/", {"urls": ["http://example.com/a.mp4"]}, format="json")
    listed = client.get("/api/ingest/")
    job_id = created.json()[0]["id"]
    cancelled = client.post(f"/api/ingest/{job_id}/cancel/")

    assert created.status_code == 201
    assert created.json()[0]["state"] == "queued"
    assert [j["id"] for j in listed.json()["results"]] == [job_id]
    assert cancelled.json()["state"] == "cancelled"


def test_the_api_refuses_bad_urls_and_non_operators(alpha, olivia, alice, queued):
    refused = operator_api(olivia).post(
        "/api/ingest/", {"urls": ["http://127.0.0.1:8000/admin/"]}, format="json"
    )
    empty = operator_api(olivia).post("/api/ingest/", {"urls": []}, format="json")
    viewer = operator_api(alice).post(
        "/api/ingest/", {"urls": ["https://example.com/a.mp4"]}, format="json"
    )

    assert refused.status_code == 400
    assert "loopback" in refused.json()["detail"]
    assert empty.status_code == 400
    assert viewer.status_code == 403
    assert not IngestJob.objects.exists()


def test_the_api_lists_only_this_sites_jobs(alpha, beta, olivia):
    IngestJob.objects.create(tenant=beta, via="t", source="https://example.com/b",
                             source_kind="url")  # fmt: skip

    assert operator_api(olivia).get("/api/ingest/").json()["results"] == []


def test_the_command_queues_in_the_background(alpha, settings, queued, capsys):
    settings.INGEST_ALLOWED_HOSTS = ["example.com"]

    call_command("ingest", "--background", "http://example.com/a.mp4")

    job = IngestJob.objects.get()
    assert job.via == "cli"
    assert f"queued job #{job.pk}" in capsys.readouterr().out


def test_the_command_explains_refusals(alpha):
    with pytest.raises(CommandError, match="loopback"):
        call_command("ingest", "http://localhost/x.mp4")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("ingest", "/no/such/file.mkv")


def test_the_command_needs_a_site(db):
    with pytest.raises(CommandError, match="bootstrap"):
        call_command("ingest", "/tmp")
