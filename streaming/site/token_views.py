"""The viewer's API tokens on this site (/account/tokens/): list, create (key shown once),
revoke. The work is streaming.api.token_store; these views parse, call and render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shadowvault.request_numbers import parse_bounded_int
from streaming.api.token_store import TokenRefused, issue_token, revoke_token, tokens_of
from streaming.site.account_views import MAX_ID
from streaming.site.forms import ApiTokenForm
from tenants.access import members_only
from tenants.request_types import SiteRequest


@never_cache
@require_GET
@members_only("account:overview")
def api_tokens(request: SiteRequest) -> HttpResponse:
    return _page(request, ApiTokenForm())


@never_cache  # the answer holds the new key: no cache may keep it
@require_POST
@members_only("account:overview")
def create_api_token(request: SiteRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            issued = issue_token(request.user, request.tenant, form.cleaned_data["name"])
        except TokenRefused as error:
            form.add_error("name", str(error))
        else:
            # Rendered, not redirected: the key must not travel in a URL or sit in the session.
            return _page(request, ApiTokenForm(), new_key=issued.key, new_token=issued.token)
    return _page(request, form, status=400)


@require_POST
@members_only("account:overview")
def revoke_api_token(request: SiteRequest) -> HttpResponse:
    token_id = parse_bounded_int(request.POST.get("token"), 1, MAX_ID)
    token = revoke_token(request.user, request.tenant, token_id) if token_id else None
    if token is None:
        messages.warning(request, "That token is not one of yours here, or is revoked already.")
    else:
        messages.success(request, f"“{token.name}” is revoked; apps using it are signed out.")
    return redirect("account:tokens")


def _page(request: SiteRequest, form: ApiTokenForm, status: int = 200, **new) -> HttpResponse:
    context = {"tokens": tokens_of(request.user, request.tenant), "form": form, **new}
    return render(request, "account/tokens.html", context, status=status)
