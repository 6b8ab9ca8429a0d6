"""Every custom admin view and action, and the ingest API, answer only those who may see the
rows, and only with the rows of the sites they may see (issue 11: the live view leaked)."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from streaming.models import Comment, IngestJob, Title

LIVE = "/admin/streaming/ingestjob/live/"


def job(tenant, source: str) -> IngestJob:
    return IngestJob.objects.create(
        tenant=tenant,
        via="test",
        source=source,
        source_kind=IngestJob.SourceKind.URL,
        state=IngestJob.State.FAILED,
        error=f"secret error of {source}",
        log=f"/srv/private/{source}\n",
    )


@pytest.fixture
def jobs(alpha, beta) -> dict[str, IngestJob]:
    return {"alpha": job(alpha, "https://a.example/f.mkv"), "beta": job(beta, "https://b.example")}


def signed_in(user, host: str) -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def ids_of(*jobs: IngestJob) -> str:
    return ",".join(str(j.pk) for j in jobs)


def test_a_site_admin_gets_no_other_sites_jobs_from_the_live_view(jobs, beta_admin):
    response = signed_in(beta_admin, "b.test").get(LIVE, {"ids": ids_of(*jobs.values())})

    assert response.status_code == 403
    assert b"secret" not in response.content
    assert b"/srv/private" not in response.content


def test_a_site_admin_gets_not_even_their_own_sites_jobs_from_the_live_view(jobs, alpha_admin):
    # The job list is the operators' (OperatorOnlyAdmin); its live view follows it.
    response = signed_in(alpha_admin, "a.test").get(LIVE, {"ids": ids_of(jobs["alpha"])})

    assert response.status_code == 403
    assert b"secret" not in response.content


def test_an_operator_follows_every_sites_jobs(jobs, olivia):
    response = signed_in(olivia, "b.test").get(LIVE, {"ids": ids_of(*jobs.values())})

    assert response.status_code == 200
    assert set(response.json()["jobs"]) == {str(j.pk) for j in jobs.values()}


def test_a_visitor_is_sent_to_sign_in_from_the_live_view(jobs):
    response = Client(HTTP_HOST="a.test").get(LIVE, {"ids": ids_of(*jobs.values())})

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_site_admin_cannot_open_the_ingest_form_or_submit(beta_admin, beta):
    client = signed_in(beta_admin, "b.test")

    page = client.get("/admin/streaming/ingestjob/submit/")
    client.post("/admin/streaming/ingestjob/submit/", {"urls": "https://b.example/x.mp4"})

    assert page.status_code == 302
    assert not IngestJob.objects.exists()


@pytest.mark.parametrize("action", ["cancel_jobs", "retry_jobs"])
def test_a_site_admin_cannot_cancel_or_retry_jobs(jobs, beta_admin, action):
    response = signed_in(beta_admin, "b.test").post(
        "/admin/streaming/ingestjob/",
        {"action": action, "_selected_action": [j.pk for j in jobs.values()]},
    )

    assert response.status_code == 403
    assert IngestJob.objects.count() == 2
    assert not IngestJob.objects.filter(cancel_requested=True).exists()


@pytest.mark.parametrize("suffix", ["change/", "history/", "delete/"])
def test_a_site_admin_cannot_open_a_job_page(jobs, beta_admin, suffix):
    url = f"/admin/streaming/ingestjob/{jobs['beta'].pk}/{suffix}"

    response = signed_in(beta_admin, "b.test").get(url)

    assert response.status_code in (302, 403)
    assert b"secret" not in response.content


def test_a_site_admin_cannot_open_the_metadata_match_page(alpha, beta_admin):
    title = Title.objects.create(title="Draft Only", status=Title.Status.DRAFT)

    response = signed_in(beta_admin, "b.test").get(f"/admin/streaming/title/{title.pk}/match/")

    assert response.status_code == 403
    assert b"Draft Only" not in response.content


def test_a_site_admin_cannot_merge_titles(beta_admin, beta):
    older = Title.objects.create(title="One", status=Title.Status.PUBLISHED)
    newer = Title.objects.create(title="Two", status=Title.Status.PUBLISHED)

    response = signed_in(beta_admin, "b.test").post(
        "/admin/streaming/title/", {"action": "merge", "_selected_action": [older.pk, newer.pk]}
    )

    assert response.status_code == 403
    assert Title.objects.count() == 2


def test_a_site_admin_cannot_hide_another_sites_comment(alice, beta_admin):
    title = Title.objects.create(title="Film", status=Title.Status.PUBLISHED)
    comment = Comment.objects.create(tenant=alice.memberships.get().tenant, user=alice,
                                     title=title, body="hello")  # fmt: skip

    signed_in(beta_admin, "b.test").post(
        "/admin/streaming/comment/", {"action": "hide", "_selected_action": [comment.pk]}
    )

    comment.refresh_from_db()
    assert not comment.is_hidden


def test_a_site_admin_cannot_use_the_autocomplete_to_list_titles(beta_admin):
    Title.objects.create(title="Draft Only", status=Title.Status.DRAFT)

    response = signed_in(beta_admin, "b.test").get(
        "/admin/autocomplete/",
        {"app_label": "streaming", "model_name": "titlehiding", "field_name": "title"},
    )

    assert response.status_code == 403
    assert b"Draft Only" not in response.content


def api_as(user, host: str) -> APIClient:
    client = APIClient(HTTP_HOST=host)
    client.force_login(user)
    return client


def test_the_ingest_api_refuses_a_site_admin(jobs, beta_admin):
    client = api_as(beta_admin, "b.test")

    listed = client.get("/api/ingest/")
    one = client.get(f"/api/ingest/{jobs['beta'].pk}/")

    assert listed.status_code == 403
    assert one.status_code == 403


def test_the_ingest_api_shows_an_operator_only_the_sites_own_jobs(jobs, olivia):
    client = api_as(olivia, "b.test")

    listed = client.get("/api/ingest/").json()["results"]
    other = client.get(f"/api/ingest/{jobs['alpha'].pk}/")
    cancel = client.post(f"/api/ingest/{jobs['alpha'].pk}/cancel/")

    assert [row["id"] for row in listed] == [jobs["beta"].pk]
    assert other.status_code == 404
    assert cancel.status_code == 404
