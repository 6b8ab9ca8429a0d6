"""The mails a decision sends: the reply to the reporter, and for a takedown a notice to the
site's admins; both carry the counter-notice link (takedowns.counter_notice_links), since
the reporter's mail is the takedown's public record and the site's admins speak for the
uploader."""

from __future__ import annotations

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from takedowns.counter_notice_links import VALID_DAYS, token_for
from takedowns.models import Decision, TakedownAction
from tenants.models import Membership, Tenant

TAKEDOWNS = {Decision.UNPUBLISH_HERE, Decision.UNPUBLISH_EVERYWHERE, Decision.HIDE_COMMENT}


def site_link(tenant: Tenant, path: str, https: bool) -> str:
    """An absolute link on the site's primary hostname (never a request's Host header: the
    operator may decide from another site's admin)."""
    domain = tenant.primary_domain
    host = domain.hostname if domain is not None else "localhost"
    return f"{'https' if https else 'http'}://{host}{path}"


def counter_notice_url(action: TakedownAction, https: bool) -> str:
    path = reverse("takedowns:counter-notice", args=[token_for(action.pk)])
    return site_link(action.tenant, path, https)


def send_decision(action: TakedownAction, *, https: bool = True) -> None:
    report = action.report
    context = {
        "action": action,
        "report": report,
        "site": action.tenant,
        "takedown": action.decision in TAKEDOWNS,
        "counter_notice_url": counter_notice_url(action, https)
        if action.decision in TAKEDOWNS
        else "",
        "valid_days": VALID_DAYS,
    }
    subject = f"Your report about “{report.target_label}”: {action.get_decision_display()}"
    body = render_to_string("takedowns/reply_email.txt", context)
    send_mail(subject[:200], body, None, [report.contact_email])
    if action.decision not in TAKEDOWNS:
        return
    admins = list(
        Membership.objects.for_tenant(action.tenant)
        .filter(role=Membership.Role.ADMIN)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if admins:
        notice = render_to_string("takedowns/takedown_notice_email.txt", context)
        send_mail(
            f"Taken down on {action.tenant.name}: {report.target_label}"[:200], notice, None, admins
        )
