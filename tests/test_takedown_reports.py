"""The report link and form (takedowns.views): on every title page, series page and comment;
open to visitors and members; throttled per address; bad input is a form error or a 404,
never a 500."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from readvault.models import SeriesHiding
from streaming.models import Comment, Title, TitleHiding
from takedowns.models import Report, ReportStatus
from takedowns.reporting import REPORTS_PER_HOUR
from tests import factories

pytestmark = pytest.mark.django_db

GOOD = {
    "reason": "spam",
    "details": "It is an advert for something else.",
    "contact_email": "reporter@example.com",
}
COPYRIGHT = {
    "reason": "copyright",
    "details": "The whole film, uploaded without a licence.",
    "contact_email": "rights@studio.example",
    "work": "Heat (1995)",
    "claimant": "The Studio Ltd",
}


@pytest.fixture
def heat(alpha) -> Title:
    return factories.film("Heat", slug="heat-1995", year=1995)


@pytest.fixture
def manga(alpha):
    return factories.comic_series("Heat Manga")


@pytest.fixture
def comment(alpha, alice, heat) -> Comment:
    return Comment.objects.create(tenant=alpha, user=alice, title=heat, body="Rude words")


def test_the_title_page_series_page_and_each_comment_link_to_the_report_form(
    on_alpha, heat, manga, comment
):
    title_page = on_alpha.get(f"/title/{heat.slug}/").content.decode()
    series_page = on_alpha.get(f"/manga/{manga.slug}/").content.decode()

    assert f"/takedowns/report/title/{heat.pk}/" in title_page
    assert f"/takedowns/report/comment/{comment.pk}/" in title_page
    assert f"/takedowns/report/series/{manga.pk}/" in series_page


def test_a_visitor_reports_a_title(on_alpha, alpha, heat):
    form = on_alpha.get(f"/takedowns/report/title/{heat.pk}/")
    sent = on_alpha.post(f"/takedowns/report/title/{heat.pk}/", COPYRIGHT)

    assert form.status_code == 200
    assert "Report “Heat”" in form.content.decode()
    assert sent.status_code == 200
    assert "is in Alpha's queue" in sent.content.decode()
    assert not re.search(rb"\{#|\{%|\{\{", form.content + sent.content)
    report = Report.objects.get()
    assert (report.tenant, report.target_kind, report.target_id) == (alpha, "title", heat.pk)
    assert (report.reason, report.work, report.claimant) == (
        "copyright",
        "Heat (1995)",
        "The Studio Ltd",
    )
    assert report.reporter is None
    assert report.status == ReportStatus.OPEN


def test_a_member_reports_a_series_and_a_comment_as_themselves(alpha, alice, manga, comment):
    client = Client(HTTP_HOST="a.test")
    client.force_login(alice)

    client.post(f"/takedowns/report/series/{manga.pk}/", GOOD)
    client.post(f"/takedowns/report/comment/{comment.pk}/", GOOD)

    reports = Report.objects.order_by("pk")
    assert [(r.target_kind, r.reporter) for r in reports] == [("series", alice), ("comment", alice)]
    assert reports[1].target_label == "Comment: Rude words"


def test_the_form_needs_its_fields_and_a_copyright_report_names_the_work(on_alpha, heat):
    empty = on_alpha.post(f"/takedowns/report/title/{heat.pk}/", {})
    claim = on_alpha.post(
        f"/takedowns/report/title/{heat.pk}/", {**COPYRIGHT, "work": "", "claimant": " "}
    )

    assert empty.status_code == 400
    assert "This field is required." in empty.content.decode()
    assert claim.status_code == 400
    assert claim.content.decode().count("A copyright report needs this.") == 2
    assert not Report.objects.exists()


def test_over_long_and_hostile_fields_are_form_errors(on_alpha, heat):
    answers = [
        on_alpha.post(f"/takedowns/report/title/{heat.pk}/", {**GOOD, "details": "x" * 5000}),
        on_alpha.post(f"/takedowns/report/title/{heat.pk}/", {**GOOD, "reason": "because"}),
        on_alpha.post(
            f"/takedowns/report/title/{heat.pk}/", {**GOOD, "contact_email": "a@" + "b" * 300}
        ),
        on_alpha.post(f"/takedowns/report/title/{heat.pk}/", {**COPYRIGHT, "work": "w" * 301}),
    ]

    assert [a.status_code for a in answers] == [400, 400, 400, 400]
    assert not Report.objects.exists()


def test_unknown_hidden_draft_and_other_sites_targets_answer_404(
    on_alpha, alpha, beta, bob, heat, manga
):
    draft = factories.film("Unfinished", status=Title.Status.DRAFT)
    hidden = factories.film("Hidden Here")
    TitleHiding.objects.create(tenant=alpha, title=hidden)
    SeriesHiding.objects.create(tenant=alpha, series=manga)
    theirs = Comment.objects.create(tenant=beta, user=bob, title=heat, body="Beta's")
    hidden_comment = Comment.objects.create(
        tenant=alpha, user=bob, title=heat, body="gone", is_hidden=True
    )
    on_hidden_title = Comment.objects.create(tenant=alpha, user=bob, title=hidden, body="on it")
    paths = [
        "/takedowns/report/title/999999/",
        f"/takedowns/report/title/{draft.pk}/",
        f"/takedowns/report/title/{hidden.pk}/",
        f"/takedowns/report/series/{manga.pk}/",
        f"/takedowns/report/comment/{theirs.pk}/",
        f"/takedowns/report/comment/{hidden_comment.pk}/",
        f"/takedowns/report/comment/{on_hidden_title.pk}/",
        f"/takedowns/report/title/{2**63}/",
    ]

    assert [on_alpha.get(p).status_code for p in paths] == [404] * len(paths)
    assert [on_alpha.post(p, GOOD).status_code for p in paths] == [404] * len(paths)
    assert not Report.objects.exists()


def test_an_address_files_a_few_reports_an_hour(on_alpha, on_beta, heat):
    answers = [
        on_alpha.post(f"/takedowns/report/title/{heat.pk}/", GOOD).status_code
        for _ in range(REPORTS_PER_HOUR + 1)
    ]

    assert answers == [200] * REPORTS_PER_HOUR + [429]
    assert Report.objects.count() == REPORTS_PER_HOUR
    # Another site's queue is counted apart.
    assert on_beta.post(f"/takedowns/report/title/{heat.pk}/", GOOD).status_code == 200


def test_the_report_form_refuses_a_post_without_the_csrf_token(alpha, heat):
    client = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)

    answer = client.post(f"/takedowns/report/title/{heat.pk}/", GOOD)

    assert answer.status_code == 403
    assert not Report.objects.exists()
