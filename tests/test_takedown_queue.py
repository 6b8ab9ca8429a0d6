"""The operator's queue (takedowns.admin over takedowns.decisions): unpublish on one site or
everywhere through the catalogue's own visibility rows, hide a comment, reject; each
decision recorded and replied to; counter-notice by the signed link, and reinstatement on
the same scope. A site admin sees and acts on their own site's reports only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from stored_media.signing import signed_link
from streaming.models import Comment, Title, TitleHiding
from takedowns.counter_notice_links import VALID_DAYS
from takedowns.models import CounterNotice, Report, ReportStatus, TakedownAction
from tests import factories

pytestmark = pytest.mark.django_db

QUEUE = "/admin/takedowns/report/"
TEMPLATE_SYNTAX = re.compile(rb"\{#|\{%|\{\{")


@pytest.fixture
def heat(alpha, beta):
    title = factories.film("Heat", slug="heat-1995", year=1995)
    return factories.film_file(title)


def report_on(site, kind: str, pk: int, label: str = "Heat") -> Report:
    return Report.objects.create(
        tenant=site,
        target_kind=kind,
        target_id=pk,
        target_label=label,
        reason="copyright",
        details="Uploaded without a licence.",
        contact_email="rights@studio.example",
        work="Heat",
        claimant="The Studio",
    )


def signed_in(user, host: str = "a.test") -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def act(client: Client, action: str, *reports: Report, capture) -> None:
    with capture(execute=True):
        answer = client.post(
            QUEUE,
            {
                "action": action,
                "_selected_action": [r.pk for r in reports],
                "apply": "yes",
                "why": f"{action} after checking the claim",
            },
        )
    assert answer.status_code == 302, answer.content.decode()[:2000]


def shown(host: str, media) -> dict[str, bool]:
    """Where the film is to be found on this site: its page, search, the API, its media link."""
    client = Client(HTTP_HOST=host)
    title = media.title
    stored = media.stored
    return {
        "page": client.get(f"/title/{title.slug}/").status_code == 200,
        "search": f"/title/{title.slug}/" in client.get("/search/?q=Heat").content.decode(),
        "api": title.title in client.get("/api/titles/").content.decode(),
        "media": client.get(signed_link(f"/media/{stored.pk}/{stored.link_name}")).status_code
        in {200, 206},
    }


EVERYWHERE = {"page": True, "search": True, "api": True, "media": True}
NOWHERE = dict.fromkeys(EVERYWHERE, False)


def test_unpublish_on_one_site_takes_the_title_off_that_site_only(
    heat, alpha, olivia, django_capture_on_commit_callbacks
):
    report = report_on(alpha, "title", heat.title_id)
    assert shown("a.test", heat) == EVERYWHERE

    act(signed_in(olivia), "unpublish_here", report, capture=django_capture_on_commit_callbacks)

    assert shown("a.test", heat) == NOWHERE
    assert shown("b.test", heat) == EVERYWHERE
    assert TitleHiding.objects.filter(tenant=alpha, title=heat.title).exists()
    report.refresh_from_db()
    assert report.status == ReportStatus.ACTIONED
    action = TakedownAction.objects.get()
    assert (action.decision, action.by, action.changed) == ("unpublish_here", olivia, True)
    assert action.why == "unpublish_here after checking the claim"
    reply = next(m for m in mail.outbox if m.to == ["rights@studio.example"])
    assert "Unpublished on this site" in reply.subject
    assert "http://a.test/takedowns/counter-notice/" in reply.body


def test_unpublish_everywhere_takes_it_off_every_site_and_reinstating_brings_it_back(
    heat, alpha, olivia, django_capture_on_commit_callbacks
):
    report = report_on(alpha, "title", heat.title_id)
    operator = signed_in(olivia)

    act(operator, "unpublish_everywhere", report, capture=django_capture_on_commit_callbacks)

    assert shown("a.test", heat) == NOWHERE
    assert shown("b.test", heat) == NOWHERE
    assert Title.objects.get(pk=heat.title_id).status == Title.Status.DRAFT

    act(operator, "reinstate", report, capture=django_capture_on_commit_callbacks)

    assert shown("a.test", heat) == EVERYWHERE
    assert shown("b.test", heat) == EVERYWHERE
    report.refresh_from_db()
    assert report.status == ReportStatus.REINSTATED
    takedown, reinstatement = TakedownAction.objects.order_by("pk")
    assert reinstatement.undoes == takedown
    assert [m.subject.rsplit(": ", 1)[1] for m in mail.outbox if "report" in m.subject] == [
        "Unpublished everywhere",
        "Reinstated",
    ]


def test_reinstating_leaves_a_title_the_site_had_hidden_itself_hidden(
    heat, alpha, olivia, django_capture_on_commit_callbacks
):
    report = report_on(alpha, "title", heat.title_id)
    # Between the report and the decision, the site hid the title of its own accord.
    TitleHiding.objects.create(tenant=alpha, title=heat.title)
    operator = signed_in(olivia)

    act(operator, "unpublish_here", report, capture=django_capture_on_commit_callbacks)
    act(operator, "reinstate", report, capture=django_capture_on_commit_callbacks)

    assert TitleHiding.objects.filter(tenant=alpha, title=heat.title).exists()
    assert [a.changed for a in TakedownAction.objects.order_by("pk")] == [False, False]


def test_unpublishing_a_series_on_one_site(
    alpha, beta, alice, bob, olivia, django_capture_on_commit_callbacks
):
    manga = factories.comic_series("Heat Manga")
    report = report_on(alpha, "series", manga.pk, "Heat Manga")

    act(signed_in(olivia), "unpublish_here", report, capture=django_capture_on_commit_callbacks)

    for host, reader, still_there in (("a.test", alice, False), ("b.test", bob, True)):
        client = signed_in(reader, host)
        page = client.get(f"/manga/{manga.slug}/").status_code
        api = "Heat Manga" in client.get("/api/v1/comics/series/").content.decode()
        opds = "Heat Manga" in client.get("/opds/series/").content.decode()
        assert (page == 200, api, opds) == (still_there,) * 3, host


def test_a_site_admin_hides_a_reported_comment_of_their_site(
    heat, alpha, alice, alpha_admin, django_capture_on_commit_callbacks
):
    comment = Comment.objects.create(tenant=alpha, user=alice, title=heat.title, body="Spam!")
    report = report_on(alpha, "comment", comment.pk, "Comment: Spam!")

    act(signed_in(alpha_admin), "hide_comment", report, capture=django_capture_on_commit_callbacks)

    comment.refresh_from_db()
    assert comment.is_hidden
    assert "Spam!" not in Client(HTTP_HOST="a.test").get("/title/heat-1995/").content.decode()
    assert TakedownAction.objects.get().by == alpha_admin


def test_a_site_admin_cannot_take_catalogue_titles_down(heat, alpha, alpha_admin):
    report = report_on(alpha, "title", heat.title_id)
    client = signed_in(alpha_admin)

    answer = client.post(
        QUEUE,
        {
            "action": "unpublish_everywhere",
            "_selected_action": [report.pk],
            "apply": "y",
            "why": "x",
        },
    )

    assert answer.status_code in {200, 302}  # the admin's "no such action" answer
    assert shown("a.test", heat) == EVERYWHERE
    assert not TakedownAction.objects.exists()
    assert "Unpublish everywhere" not in client.get(QUEUE).content.decode()


def test_reject_records_and_replies_and_changes_nothing(
    heat, alpha, olivia, django_capture_on_commit_callbacks
):
    report = report_on(alpha, "title", heat.title_id)

    act(signed_in(olivia), "reject", report, capture=django_capture_on_commit_callbacks)

    report.refresh_from_db()
    assert report.status == ReportStatus.REJECTED
    assert shown("a.test", heat) == EVERYWHERE
    (reply,) = mail.outbox
    assert "Rejected" in reply.subject
    assert "counter-notice" not in reply.body


def test_a_decision_needs_a_reason(heat, alpha, olivia):
    report = report_on(alpha, "title", heat.title_id)

    answer = signed_in(olivia).post(
        QUEUE,
        {"action": "unpublish_here", "_selected_action": [report.pk], "apply": "y", "why": ""},
    )

    assert answer.status_code == 200
    assert "This field is required." in answer.content.decode()
    assert not TakedownAction.objects.exists()


def counter_notice_link(to: str = "rights@studio.example") -> str:
    body = next(m.body for m in mail.outbox if m.to == [to])
    return re.search(r"http://a\.test(/takedowns/counter-notice/[^\s]+/)", body)[1]


def test_a_counter_notice_by_the_mailed_link_and_reinstatement(
    heat, alpha, alpha_admin, olivia, django_capture_on_commit_callbacks
):
    report = report_on(alpha, "title", heat.title_id)
    operator = signed_in(olivia)
    act(operator, "unpublish_here", report, capture=django_capture_on_commit_callbacks)
    link = counter_notice_link()
    # The site's admins hear of it too, with the same link.
    assert counter_notice_link(alpha_admin.email) == link
    visitor = Client(HTTP_HOST="a.test")

    form = visitor.get(link)
    bad = visitor.post(link, {"statement": "", "name": "Uploader", "contact_email": "nope"})
    sent = visitor.post(
        link,
        {"statement": "I hold a licence.", "name": "Uploader", "contact_email": "up@example.com"},
    )

    assert (form.status_code, bad.status_code, sent.status_code) == (200, 400, 200)
    report.refresh_from_db()
    assert report.status == ReportStatus.COUNTER_NOTICED
    assert CounterNotice.objects.get().statement == "I hold a licence."
    assert "I hold a licence." in operator.get(f"{QUEUE}{report.pk}/change/").content.decode()

    act(operator, "reinstate", report, capture=django_capture_on_commit_callbacks)

    closed = visitor.get(link)
    assert shown("a.test", heat) == EVERYWHERE
    assert closed.status_code == 410  # the case is closed
    for text in [form.content, bad.content, sent.content, closed.content]:
        assert not TEMPLATE_SYNTAX.search(text)
    assert not any(TEMPLATE_SYNTAX.search(m.body.encode()) for m in mail.outbox)


def test_the_counter_notice_link_expires_is_site_bound_and_cannot_be_made_up(
    heat, alpha, olivia, django_capture_on_commit_callbacks
):
    report = report_on(alpha, "title", heat.title_id)
    act(signed_in(olivia), "unpublish_here", report, capture=django_capture_on_commit_callbacks)
    link = counter_notice_link()
    forged = re.sub(r"/([^/]+)/$", lambda m: f"/{m[1][:-2]}xx/", link)

    assert Client(HTTP_HOST="b.test").get(link).status_code == 404
    assert Client(HTTP_HOST="a.test").get(forged).status_code == 404
    assert Client(HTTP_HOST="a.test").get("/takedowns/counter-notice/1/").status_code == 404
    later = timezone.now() + timedelta(days=VALID_DAYS, hours=1)
    with time_machine.travel(later, tick=False):
        assert Client(HTTP_HOST="a.test").get(link).status_code == 404


def test_a_site_admin_of_another_site_sees_and_acts_on_none_of_its_reports(
    heat, alpha, beta, beta_admin, django_capture_on_commit_callbacks
):
    alphas = report_on(alpha, "title", heat.title_id, "Alpha's report")
    comment = Comment.objects.create(tenant=alpha, user=beta_admin, title=heat.title, body="x")
    alpha_comment = report_on(alpha, "comment", comment.pk, "Alpha's comment report")
    client = signed_in(beta_admin, "b.test")

    queue = client.get(QUEUE).content.decode()
    change = client.get(f"{QUEUE}{alphas.pk}/change/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            QUEUE,
            {
                "action": "hide_comment",
                "_selected_action": [alpha_comment.pk],
                "apply": "y",
                "why": "x",
            },
        )

    assert "0 reports" in queue
    assert "Alpha's" not in queue
    assert change.status_code in {302, 403, 404}
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert not TakedownAction.objects.exists()


def test_a_report_is_decided_once(heat, alpha, olivia, django_capture_on_commit_callbacks):
    report = report_on(alpha, "title", heat.title_id)
    operator = signed_in(olivia)
    act(operator, "unpublish_here", report, capture=django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        answer = operator.post(
            QUEUE,
            {"action": "reject", "_selected_action": [report.pk], "apply": "y", "why": "x"},
            follow=True,
        )

    assert "is actioned already" in answer.content.decode()
    assert list(TakedownAction.objects.values_list("decision", flat=True)) == ["unpublish_here"]
