"""Invitations (/console/invitations/): the site's invitations with their state, a new
shareable link (shown once: only its digest is kept) or a mail invitation, and "expire now".

Issuing goes through tenants.inviting, and its rules stay there and in
tenants.member_cap: a closed site takes no invitations, a full one no new members. This page
only says so before anyone is turned away at the link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from console.access import site_admins_only
from console.pages import render_console
from console.people.invitation_forms import LinkForm, MailForm
from console.people.membership_changes import member_count
from tenants import inviting
from tenants.member_cap import SiteFull, check_room
from tenants.models import Invitation, Tenant
from tenants.request_types import SiteRequest

PAGE_SIZE = 25
# The message carrying a new link: the page shows it in a box to copy, once.
SHARE_LINK = "share-link"


@dataclass(frozen=True)
class Row:
    invitation: Invitation
    state: str

    @property
    def is_active(self) -> bool:
        return self.state == "active"


def state_of(invitation: Invitation) -> str:
    if invitation.is_used_up:
        return "used up"
    if invitation.is_expired:
        return "expired"
    return "active"


def why_not(site: Tenant) -> str:
    """Why the site cannot invite anyone now, or "" (the rules' own sentences)."""
    if not site.takes_invitations:
        return (
            f"Sign-up on {site.name} is closed: no new members, and invitation links do "
            "not work while it is. Choose \u201cinvitation only\u201d or \u201copen\u201d "
            "in the site's settings to invite people."
        )
    try:
        check_room(site)
    except SiteFull as full:
        return f"{full} Remove members, or ask the operator for a larger plan, to invite more."
    return ""


def _https(request: SiteRequest) -> bool:
    return settings.BEHIND_TLS_PROXY or request.is_secure()


def _issue(request: SiteRequest, form: LinkForm | MailForm) -> None:
    data = form.cleaned_data
    expires_at = timezone.now() + timedelta(days=data["days"])
    site = request.tenant
    if isinstance(form, MailForm):
        invitation, token = inviting.issue(
            site, kind=Invitation.Kind.MAIL, email=data["email"], role=data["role"],
            expires_at=expires_at, created_by=request.user,
        )  # fmt: skip
        try:
            inviting.mail(invitation, token, _https(request))
        except OSError:  # the mail server refused or was unreachable (SMTPException too)
            invitation.delete()  # nobody can use a link that never left
            messages.error(request, "The mail could not be sent: try again in a moment.")
            return
        messages.success(request, f"The invitation was mailed to {invitation.email}.")
        return
    invitation, token = inviting.issue(
        site, kind=Invitation.Kind.LINK, role=data["role"], max_uses=data["uses"],
        expires_at=expires_at, created_by=request.user,
    )  # fmt: skip
    link = inviting.site_link(site, inviting.accept_path(token), _https(request))
    messages.warning(request, link, extra_tags=SHARE_LINK)


@site_admins_only
@require_http_methods(["GET", "POST"])
def invitations(request: SiteRequest) -> HttpResponse:
    site = request.tenant
    posted = request.POST if request.method == "POST" else None
    action = posted.get("action") if posted else None
    link_form = LinkForm(posted if action == "link" else None, prefix="link")
    mail_form = MailForm(posted if action == "mail" else None, site, prefix="mail")
    refusal = why_not(site)
    sent = link_form if action == "link" else mail_form if action == "mail" else None
    if sent is not None and not refusal and sent.is_valid():
        _issue(request, sent)
        return redirect("console:invitations")
    rows = Invitation.objects.for_tenant(site).select_related("created_by")
    page = Paginator(rows.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    cap = site.plan.max_members if site.plan else None
    context = {
        "link_form": link_form,
        "mail_form": mail_form,
        "refusal": refusal,
        "page": page,
        "rows": [Row(i, state_of(i)) for i in page.object_list],
        "cap": cap,
        "room": max(cap - member_count(site), 0) if cap is not None else None,
    }
    status = 400 if posted is not None else 200  # refused, or a form with errors
    return render_console(request, "console/people/invitations.html", context, status=status)


@site_admins_only
@require_POST
def expire(request: SiteRequest, invitation_id: int) -> HttpResponse:
    """End an invitation now: its link answers "expired" from this moment."""
    invitation = get_object_or_404(Invitation.objects.for_tenant(request.tenant), pk=invitation_id)
    if state_of(invitation) != "active":
        messages.info(request, f"That invitation is {state_of(invitation)} already.")
    else:
        invitation.expires_at = timezone.now()
        invitation.save(update_fields=["expires_at"])
        messages.success(request, "The invitation has expired: its link no longer works.")
    return redirect("console:invitations")
