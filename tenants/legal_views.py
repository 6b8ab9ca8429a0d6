"""/legal/<document>/: a site's terms, privacy notice or imprint, in the site's frame. A
document the site has no text for is a 404, as is a name that is no document."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tenants.legal_pages import LegalDocument, LegalPage
from tenants.request_types import SiteRequest


@require_safe
def legal_page(request: SiteRequest, document: str) -> HttpResponse:
    if document not in LegalDocument.values:
        raise Http404("No such page.")
    page = LegalPage.objects.for_tenant(request.tenant).filter(document=document).first()
    if page is None or not page.text.strip():
        raise Http404("This site has not written this page.")
    return render(request, "tenants/legal_page.html", {"page": page})
