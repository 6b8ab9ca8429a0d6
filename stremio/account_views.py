"""The account's "Stremio" tab (/account/stremio/): how to install the addon, and the addon
tokens: list, make (the addon URL shown once, with an "Install in Stremio" button), revoke.
The work is stremio.tokens; these views parse, call and render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shadowvault.request_numbers import parse_bounded_int
from stremio import tokens
from tenants.access import members_only
from tenants.request_types import SiteRequest

MAX_ID = 2**63 - 1


class AddonTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="Where Stremio runs (my phone, the living-room TV), so you know which to revoke.",
        widget=forms.TextInput(attrs={"placeholder": "Stremio on my phone", "autocomplete": "off"}),
    )


@never_cache
@require_GET
@members_only("stremio-account:list")
def addon_tokens(request: SiteRequest) -> HttpResponse:
    return _page(request, AddonTokenForm())


@never_cache  # the answer holds the new addon URL: no cache may keep it
@require_POST
@members_only("stremio-account:list")
def create(request: SiteRequest) -> HttpResponse:
    form = AddonTokenForm(request.POST)
    if form.is_valid():
        try:
            issued = tokens.issue(request.user, request.tenant, form.cleaned_data["name"])
        except tokens.TokenRefused as error:
            form.add_error("name", str(error))
        else:
            # Rendered, not redirected: the token must not travel in a URL or sit in the session.
            addon_url = request.build_absolute_uri(
                reverse("stremio-manifest", args=[issued.secret])
            )
            return _page(
                request,
                AddonTokenForm(),
                new=issued.token,
                addon_url=addon_url,
                install_url=install_url(addon_url),
            )
    return _page(request, form, status=400)


@require_POST
@members_only("stremio-account:list")
def revoke(request: SiteRequest) -> HttpResponse:
    token_id = parse_bounded_int(request.POST.get("token"), 1, MAX_ID)
    found = tokens.revoke(request.user, request.tenant, token_id) if token_id else None
    if found is None:
        messages.warning(request, "That addon is not one of yours here, or is revoked already.")
    else:
        messages.success(request, f"“{found.name}” is revoked; its addon URL answers no more.")
    return redirect("stremio-account:list")


def install_url(addon_url: str) -> str:
    """Stremio's own scheme opens the app on its "install addon" screen: the addon URL with
    `stremio://` in place of `https://`."""
    return "stremio://" + addon_url.split("://", 1)[-1]


def _page(request: SiteRequest, form: AddonTokenForm, status: int = 200, **new) -> HttpResponse:
    context = {"tokens": tokens.live_tokens(request.user, request.tenant), "form": form, **new}
    return render(request, "stremio/account.html", context, status=status)
