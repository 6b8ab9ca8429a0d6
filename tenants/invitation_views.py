"""The page an invitation link opens: sign in with an existing account, or make one."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate, login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from tenants import inviting
from tenants.forms import SignupForm
from tenants.member_cap import SiteFull
from tenants.models import Invitation
from tenants.request_types import SiteRequest

BACKEND = "django.contrib.auth.backends.ModelBackend"


class InvitedSignInForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput, strip=False)


def _refused(request: SiteRequest, reason: str) -> HttpResponse:
    status = 404 if reason == inviting.UNKNOWN else 410
    context = {"reason": reason}
    return render(request, "registration/invitation_refused.html", context, status=status)


def _page(request: SiteRequest, invitation: Invitation, sign_in, new, status: int = 200):
    context = {"invitation": invitation, "sign_in_form": sign_in, "new_form": new}
    return render(request, "registration/invitation.html", context, status=status)


@sensitive_post_parameters("in-password", "new-password1", "new-password2")
@require_http_methods(["GET", "POST"])
def invitation_accept(request: SiteRequest, token: str) -> HttpResponse:
    try:
        invitation = inviting.find(request.tenant, token)
    except inviting.InvitationRefused as refused:
        return _refused(request, str(refused))
    posted = request.POST if request.method == "POST" else None
    action = request.POST.get("action")
    sign_in = InvitedSignInForm(posted if action == "sign-in" else None, prefix="in")
    initial = {"email": invitation.email} if invitation.email else None
    new = SignupForm(posted if action == "create" else None, prefix="new", initial=initial)
    if posted is None or action not in {"sign-in", "create"}:
        return _page(request, invitation, sign_in, new)
    try:
        if action == "sign-in":
            if not sign_in.is_valid():
                return _page(request, invitation, sign_in, new, status=400)
            user = authenticate(
                request,
                username=sign_in.cleaned_data["username"],
                password=sign_in.cleaned_data["password"],
            )
            if user is None or not user.is_active:
                sign_in.add_error(None, "That username and password do not match an account.")
                return _page(request, invitation, sign_in, new, status=400)
            inviting.accept_existing(invitation, user)
        else:
            if not new.is_valid():
                return _page(request, invitation, sign_in, new, status=400)
            data = new.cleaned_data
            user = inviting.accept_new(
                invitation, data["username"], data["email"], data["password1"]
            )
    except inviting.NameTaken:
        new.add_error(None, "An account with that username or address exists: sign in with it.")
        return _page(request, invitation, sign_in, new, status=409)
    except SiteFull as full:
        return _refused(request, str(full))
    except inviting.InvitationRefused as refused:
        return _refused(request, str(refused))
    login(request, user, backend=BACKEND)
    return redirect("home")
