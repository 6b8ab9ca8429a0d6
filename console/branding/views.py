"""/console/branding/: the site's look, with a preview that changes as the owner types."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from console.access import site_admins_only
from console.branding.forms import BrandingForm, footer_formset, footer_links_of, initial_for
from console.branding.preview import preview_of
from console.branding.saving import save_branding
from console.pages import render_console
from tenants.legal_pages import legal_texts
from tenants.request_types import SiteRequest


@require_http_methods(["GET", "HEAD", "POST"])
@site_admins_only
def branding(request: SiteRequest) -> HttpResponse:
    site = request.tenant
    initial = initial_for(site, legal_texts(site))
    data = request.POST if request.method == "POST" else None
    form = BrandingForm(data, request.FILES or None, initial=initial)
    links = footer_formset(site, data)
    previewing = "preview" in request.POST
    if data is not None:
        valid = form.is_valid() & links.is_valid()  # both, so every error shows at once
        if valid and not previewing:
            save_branding(site, form, footer_links_of(links))
            messages.success(request, "Saved: the site shows its new look now.")
            return redirect("console:branding")
    context = {
        "form": form,
        "links": links,
        "preview": preview_of(site, data),
        "previewing": previewing,
    }
    status = 400 if form.is_bound and (form.errors or not links.is_valid()) else 200
    return render_console(request, "console/branding/page.html", context, status=status)
