"""A site's legal pages (terms, privacy, imprint): text its owner writes in the console and
viewers read at /legal/<document>/.

The text is shown escaped: paragraphs, line breaks and bare web addresses made links, and no
markup of the owner's own (no HTML, no markdown: a page every viewer opens must not be a way
to run script on the site). Which documents have text is kept on the site's row too
(Tenant.legal_documents), written only by `save_legal_texts` in the same transaction as the
texts, so the footer links them without a query on every page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.html import linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe

from tenants.scoping import TenantOwned

if TYPE_CHECKING:
    from tenants.models import Tenant

MAX_LEGAL_CHARS = 50_000  # a long privacy policy is 10-30 thousand


class LegalDocument(models.TextChoices):
    TERMS = "terms", "Terms of use"
    PRIVACY = "privacy", "Privacy"
    IMPRINT = "imprint", "Imprint"


class LegalPage(TenantOwned):
    # What viewers were told when they joined is worth keeping after a site closes; and
    # the site's row keeps naming the pages that have text (Tenant.legal_documents).
    removed_when_site_closes = False

    document = models.CharField(max_length=10, choices=LegalDocument.choices)
    text = models.TextField(max_length=MAX_LEGAL_CHARS)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tenant", "document"]
        verbose_name = "legal page"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "document"], name="one_legal_page_each"),
        ]

    def __str__(self) -> str:
        return f"{self.get_document_display()} of {self.tenant}"

    def as_html(self) -> SafeString:
        return legal_html(self.text)


def legal_html(text: str) -> SafeString:
    """Escaped text in paragraphs, with bare http(s) and www addresses as links."""
    # urlize escapes everything it does not make a link, and returns safe text that
    # linebreaks then only wraps (it escapes nothing twice).
    linked = urlize(text, nofollow=True, autoescape=True)
    return mark_safe(linebreaks(linked, autoescape=False))  # noqa: S308  escaped by urlize


def legal_texts(site: Tenant) -> dict[str, str]:
    """Every document's text, empty where the site has none."""
    texts = dict.fromkeys(LegalDocument.values, "")
    for page in LegalPage.objects.for_tenant(site).only("document", "text"):
        texts[page.document] = page.text
    return texts


def save_legal_texts(site: Tenant, texts: dict[str, str]) -> None:
    """Write the texts given (by document; empty removes the page) and the site's list of
    pages with text. The caller holds the transaction and saves the site's row."""
    for document, text in texts.items():
        if text.strip():
            LegalPage.objects.update_or_create(
                tenant=site, document=document, defaults={"text": text}
            )
        else:
            LegalPage.objects.for_tenant(site).filter(document=document).delete()
    before = set(site.legal_documents or [])
    site.legal_documents = [
        document
        for document in LegalDocument.values
        if (texts[document].strip() if document in texts else document in before)
    ]
