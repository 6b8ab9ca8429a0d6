"""The account's "Reader apps" tab (/account/reader-apps/): how to add the catalogue to an
app, and the app passwords: list, make (the secret shown once), revoke. The work is
readvault.opds.app_passwords; these views parse, call and render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from readvault.opds import app_passwords
from readvault.opds.links import ROOT
from shadowvault.request_numbers import parse_bounded_int
from tenants.access import members_only
from tenants.request_types import SiteRequest

MAX_ID = 2**63 - 1


class AppPasswordForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="Which app or device uses it (Panels on my iPad), so you know which to revoke.",
        widget=forms.TextInput(attrs={"placeholder": "KOReader on my Kobo", "autocomplete": "off"}),
    )


@never_cache
@require_GET
@members_only("reader-apps:list")
def reader_apps(request: SiteRequest) -> HttpResponse:
    return _page(request, AppPasswordForm())


@never_cache  # the answer holds the new secret: no cache may keep it
@require_POST
@members_only("reader-apps:list")
def create(request: SiteRequest) -> HttpResponse:
    form = AppPasswordForm(request.POST)
    if form.is_valid():
        try:
            issued = app_passwords.issue(request.user, request.tenant, form.cleaned_data["name"])
        except app_passwords.AppPasswordRefused as error:
            form.add_error("name", str(error))
        else:
            # Rendered, not redirected: the secret must not travel in a URL or sit in the session.
            key_url = request.build_absolute_uri(f"{ROOT}key/{issued.secret}/")
            return _page(
                request,
                AppPasswordForm(),
                new_secret=issued.secret,
                new=issued.password,
                key_url=key_url,
            )
    return _page(request, form, status=400)


@require_POST
@members_only("reader-apps:list")
def revoke(request: SiteRequest) -> HttpResponse:
    password_id = parse_bounded_int(request.POST.get("password"), 1, MAX_ID)
    found = app_passwords.revoke(request.user, request.tenant, password_id) if password_id else None
    if found is None:
        messages.warning(
            request, "That app password is not one of yours here, or is revoked already."
        )
    else:
        messages.success(request, f"“{found.name}” is revoked; the app using it is signed out.")
    return redirect("reader-apps:list")


def _page(request: SiteRequest, form: AppPasswordForm, status: int = 200, **new) -> HttpResponse:
    context = {
        "passwords": app_passwords.live_passwords(request.user, request.tenant),
        "form": form,
        "catalogue_url": request.build_absolute_uri(ROOT),
        **new,
    }
    return render(request, "readvault/reader_apps.html", context, status=status)
