"""What an operator or site admin decides about a report: each decision changes the target
through takedowns.targets, records a `TakedownAction` and replies to the reporter, in one
transaction (the mail goes once it commits).

Who may decide what: operators everything; a site admin only hides comments of their own
site (titles and series are shared by every site: their takedown is the operator's call).
"""

from __future__ import annotations

from django.db import transaction

from takedowns import replies, targets
from takedowns.models import (
    CounterNotice,
    Decision,
    Report,
    ReportStatus,
    TakedownAction,
    TargetKind,
)

TAKEDOWNS = (Decision.UNPUBLISH_HERE, Decision.UNPUBLISH_EVERYWHERE, Decision.HIDE_COMMENT)
CATALOGUE = (TargetKind.TITLE, TargetKind.SERIES)


class DecisionRefused(ValueError):
    """The decision does not apply to this report; the message says why."""


def check_decision(report: Report, decision: str, *, operator: bool) -> None:
    if report.status == ReportStatus.COUNTER_NOTICED:
        # The takedown was made and answered: what is left is to reinstate or let it stand.
        raise DecisionRefused(f"{report} was taken down already; reinstate it or leave it.")
    if report.status != ReportStatus.OPEN:
        raise DecisionRefused(f"{report} is {report.get_status_display().lower()} already.")
    if decision in (Decision.UNPUBLISH_HERE, Decision.UNPUBLISH_EVERYWHERE):
        if report.target_kind not in CATALOGUE:
            raise DecisionRefused("A comment is hidden, not unpublished.")
        if not operator:
            raise DecisionRefused("Only an operator takes titles and series down.")
    elif decision == Decision.HIDE_COMMENT:
        if report.target_kind != TargetKind.COMMENT:
            raise DecisionRefused("Only a comment can be hidden.")
    elif decision == Decision.REJECT:
        if not operator:
            raise DecisionRefused("Only an operator rejects a report.")
    else:
        raise DecisionRefused("Unknown decision.")


def decide(
    report: Report, decision: str, *, by, why: str, operator: bool, https: bool = True
) -> TakedownAction:
    """Carry out `decision` on the report's target, record it and reply to the reporter."""
    with transaction.atomic():
        # Under the report's row lock: two people deciding at once make one decision.
        report = _locked(report)
        check_decision(report, decision, operator=operator)
        changed = _apply(report, decision)
        action = TakedownAction.objects.create(
            tenant_id=report.tenant_id,
            report=report,
            decision=decision,
            by=by,
            why=why,
            changed=changed,
            replied_to=report.contact_email,
        )
        report.status = ReportStatus.ACTIONED if decision in TAKEDOWNS else ReportStatus.REJECTED
        report.save(update_fields=["status"])
        transaction.on_commit(lambda: replies.send_decision(action, https=https))
    return action


def _locked(report: Report) -> Report:
    # of=self: the site's row is read along, not locked (stream starts lock it).
    rows = Report.objects.select_for_update(of=("self",)).select_related("tenant")
    return rows.get(pk=report.pk)


def _apply(report: Report, decision: str) -> bool:
    kind, pk = report.target_kind, report.target_id
    if decision == Decision.UNPUBLISH_HERE:
        return targets.hide_on_site(report.tenant, kind, pk)
    if decision == Decision.UNPUBLISH_EVERYWHERE:
        return targets.unpublish(kind, pk)
    if decision == Decision.HIDE_COMMENT:
        return targets.set_comment_hidden(report.tenant, pk, hidden=True)
    return False


def last_takedown(report: Report) -> TakedownAction | None:
    return (
        TakedownAction.objects.filter(report=report, decision__in=TAKEDOWNS, undone_by=None)
        .order_by("-at", "-pk")
        .first()
    )


def reinstate(report: Report, *, by, why: str, https: bool = True) -> TakedownAction:
    """Undo the report's takedown on the same scope (an operator's call), recorded and
    replied like the takedown. Only what the takedown changed is undone: a title the site
    had hidden on its own before stays hidden."""
    with transaction.atomic():
        report = _locked(report)
        takedown = last_takedown(report)
        if takedown is None or report.status not in (
            ReportStatus.ACTIONED,
            ReportStatus.COUNTER_NOTICED,
        ):
            raise DecisionRefused(f"{report} has no takedown to undo.")
        if takedown.changed:
            _undo(report, takedown.decision)
        action = TakedownAction.objects.create(
            tenant_id=report.tenant_id,
            report=report,
            decision=Decision.REINSTATE,
            by=by,
            why=why,
            changed=takedown.changed,
            undoes=takedown,
            replied_to=report.contact_email,
        )
        report.status = ReportStatus.REINSTATED
        report.save(update_fields=["status"])
        transaction.on_commit(lambda: replies.send_decision(action, https=https))
    return action


def _undo(report: Report, decision: str) -> None:
    kind, pk = report.target_kind, report.target_id
    if decision == Decision.UNPUBLISH_HERE:
        targets.show_on_site(report.tenant, kind, pk)
    elif decision == Decision.UNPUBLISH_EVERYWHERE:
        targets.republish(kind, pk)
    elif decision == Decision.HIDE_COMMENT:
        targets.set_comment_hidden(report.tenant, pk, hidden=False)


def file_counter_notice(takedown: TakedownAction, fields: dict) -> CounterNotice:
    """The uploader's answer; the report waits for the operator again (counter-noticed)."""
    with transaction.atomic():
        notice = CounterNotice.objects.create(
            tenant_id=takedown.tenant_id,
            takedown=takedown,
            statement=fields["statement"],
            name=fields["name"],
            contact_email=fields["contact_email"],
        )
        Report.objects.filter(pk=takedown.report_id, status=ReportStatus.ACTIONED).update(
            status=ReportStatus.COUNTER_NOTICED
        )
    return notice
