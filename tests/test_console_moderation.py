"""The console's Moderation pages (console/people/moderation.py): the site's reports, open
first, with the comment thread's own reports among them; a reported comment hidden through
takedowns.decisions; titles and series left to the operator, with the link to give them;
the site's comments filtered, hidden and shown again with a reason kept in their record;
another site's reports and comments answer 404."""

from __future__ import annotations

import pytest
from django.core import mail

from streaming.models import Comment, CommentReport
from takedowns.models import Report, ReportStatus, TakedownAction
from tests import factories
from tests.support.billing_rows import signed_in

pytestmark = pytest.mark.django_db

REPORTS = "/console/moderation/"
COMMENTS = "/console/moderation/comments/"


@pytest.fixture
def heat(db):
    return factories.film("Heat", slug="heat-1995", year=1995)


def comment_on(site, user, title, body: str, hidden: bool = False) -> Comment:
    return Comment.objects.create(tenant=site, user=user, title=title, body=body, is_hidden=hidden)


def report_on(site, kind: str, pk: int, label: str, status: str = "open") -> Report:
    return Report.objects.create(
        tenant=site, target_kind=kind, target_id=pk, target_label=label, reason="spam",
        details="Spam.", contact_email="reporter@example.com", status=status,
    )  # fmt: skip


def test_reports_come_open_first_with_the_threads_reports(alpha, alice, alpha_admin, heat):
    comment = comment_on(alpha, alice, heat, "Buy cheap watches")
    report_on(alpha, "title", heat.pk, "Old decided report", status="rejected")
    report_on(alpha, "comment", comment.pk, "Fresh open report")
    CommentReport.objects.create(comment=comment, reporter=alpha_admin, reason="looks like spam")

    page = signed_in(alpha_admin).get(REPORTS).content.decode()

    assert page.index("Fresh open report") < page.index("Old decided report")
    assert "looks like spam" in page
    assert "Buy cheap watches" in page


def test_a_site_admin_hides_a_reported_comment_through_the_decision(
    alpha, alice, alpha_admin, heat, django_capture_on_commit_callbacks
):
    comment = comment_on(alpha, alice, heat, "Buy cheap watches")
    report = report_on(alpha, "comment", comment.pk, "Comment: Buy cheap watches")
    client = signed_in(alpha_admin)

    form = client.get(f"{REPORTS}reports/{report.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            f"{REPORTS}reports/{report.pk}/", {"decision": "hide_comment", "why": "Spam."}
        )

    comment.refresh_from_db()
    report.refresh_from_db()
    assert 'value="hide_comment"' in form
    assert 'value="reject"' not in form
    assert answer.status_code == 302
    assert comment.is_hidden
    assert report.status == ReportStatus.ACTIONED
    assert TakedownAction.objects.get().by == alpha_admin
    assert ["reporter@example.com"] in [m.to for m in mail.outbox]  # and a notice to admins


def test_a_title_report_is_the_operators_call(alpha, alpha_admin, heat):
    report = report_on(alpha, "title", heat.pk, "Heat")
    client = signed_in(alpha_admin)

    page = client.get(f"{REPORTS}reports/{report.pk}/").content.decode()
    answer = client.post(
        f"{REPORTS}reports/{report.pk}/", {"decision": "unpublish_here", "why": "Mine."}
    )

    assert "taking it down is the operator&#x27;s call" in page
    assert f"http://a.test/admin/takedowns/report/{report.pk}/change/" in page
    assert answer.status_code == 400
    assert Report.objects.get(pk=report.pk).status == ReportStatus.OPEN
    assert not TakedownAction.objects.exists()


def test_an_operator_is_offered_every_decision_the_rules_allow(alpha, olivia, heat):
    report = report_on(alpha, "title", heat.pk, "Heat")

    page = signed_in(olivia).get(f"{REPORTS}reports/{report.pk}/").content.decode()

    assert 'value="reject"' in page
    assert 'value="unpublish_here"' in page
    assert 'value="hide_comment"' not in page


@pytest.mark.parametrize(
    "data",
    [{"decision": "hide_comment"}, {"decision": "reinstate", "why": "x"}, {"why": "x" * 3000}],
)
def test_bad_decisions_are_form_errors(alpha, alice, alpha_admin, heat, data):
    comment = comment_on(alpha, alice, heat, "Hello")
    report = report_on(alpha, "comment", comment.pk, "Comment: Hello")

    answer = signed_in(alpha_admin).post(f"{REPORTS}reports/{report.pk}/", data)

    assert answer.status_code == 400
    assert Report.objects.get(pk=report.pk).status == ReportStatus.OPEN


def test_comments_are_listed_newest_first_and_filtered(alpha, alice, alpha_admin, heat):
    comment_on(alpha, alice, heat, "First words")
    comment_on(alpha, alice, heat, "Hidden words", hidden=True)
    reported = comment_on(alpha, alice, heat, "Reported words")
    CommentReport.objects.create(comment=reported, reporter=alpha_admin)
    client = signed_in(alpha_admin)

    def bodies(query: dict) -> list[str]:
        page = client.get(COMMENTS, query).content.decode()
        found = [(page.find(b), b) for b in ("First words", "Hidden words", "Reported words")]
        return [b for at, b in sorted(found) if at >= 0]

    assert bodies({}) == ["Reported words", "Hidden words", "First words"]
    assert bodies({"show": "hidden"}) == ["Hidden words"]
    assert bodies({"show": "shown"}) == ["Reported words", "First words"]
    assert bodies({"show": "reported"}) == ["Reported words"]
    assert bodies({"q": "first"}) == ["First words"]
    assert bodies({"show": "x" * 4000, "page": "²"}) == bodies({})


def test_hiding_a_comment_needs_a_reason_and_keeps_it(alpha, alice, alpha_admin, heat):
    comment = comment_on(alpha, alice, heat, "Rude words")
    client = signed_in(alpha_admin)

    refused = client.post(f"{COMMENTS}{comment.pk}/", {"action": "hide", "reason": " "})
    hidden = client.post(f"{COMMENTS}{comment.pk}/", {"action": "hide", "reason": "Rude."})
    page = client.get(f"{COMMENTS}{comment.pk}/").content.decode()
    shown = client.post(f"{COMMENTS}{comment.pk}/", {"action": "show", "reason": "On appeal."})

    assert refused.status_code == 400
    assert (hidden.status_code, shown.status_code) == (302, 302)
    assert "Hidden from the site&#x27;s console: Rude." in page
    assert "alpha_admin" in page
    assert not Comment.objects.get(pk=comment.pk).is_hidden


def test_a_hidden_comment_leaves_the_title_page(alpha, alice, alpha_admin, heat, on_alpha):
    factories.film_file(heat)
    comment_on(alpha, alice, heat, "Rude words")
    comment = Comment.objects.get()

    signed_in(alpha_admin).post(f"{COMMENTS}{comment.pk}/", {"action": "hide", "reason": "Rude"})

    assert "Rude words" not in on_alpha.get(f"/title/{heat.slug}/").content.decode()


def test_another_sites_comments_and_reports_answer_404(
    alpha, beta, alice, bob, alpha_admin, beta_admin, heat
):
    theirs = comment_on(beta, bob, heat, "Beta's words")
    ours = comment_on(alpha, alice, heat, "Alpha's words")
    their_report = report_on(beta, "comment", theirs.pk, "Beta's report")
    CommentReport.objects.create(comment=theirs, reporter=bob, reason="Beta's reason")
    as_alpha = signed_in(alpha_admin)
    as_beta = signed_in(beta_admin, "b.test")

    hide = {"action": "hide", "reason": "x"}
    assert as_alpha.get(f"{COMMENTS}{theirs.pk}/").status_code == 404
    assert as_alpha.post(f"{COMMENTS}{theirs.pk}/", hide).status_code == 404
    assert as_beta.post(f"{COMMENTS}{ours.pk}/", hide).status_code == 404
    decision = {"decision": "hide_comment", "why": "x"}
    assert as_alpha.post(f"{REPORTS}reports/{their_report.pk}/", decision).status_code == 404
    listed = as_alpha.get(REPORTS).content.decode() + as_alpha.get(COMMENTS).content.decode()
    assert "Beta&#x27;s" not in listed
    assert not Comment.objects.filter(is_hidden=True).exists()
