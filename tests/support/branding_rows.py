"""The branding of both sites for the security sweep's world (tests/test_security_sweep.py):
legal pages and footer links on Alpha, and on Beta carrying the marker (none of it may show
on Alpha); the legal route's documents, Beta's among them."""

from __future__ import annotations

from tenants.footer_links import MAX_LINKS
from tenants.legal_pages import LegalDocument, save_legal_texts


def branding_rows(alpha, beta, marker: str) -> dict[str, list[str]]:
    for site, text in ((alpha, "Alpha's own words."), (beta, f"{marker} legal text")):
        site.footer_links = [{"label": f"{text[:20]} link", "url": f"/about-{site.slug}/"}]
        save_legal_texts(site, {LegalDocument.TERMS: text, LegalDocument.IMPRINT: text})
        site.save(update_fields=["footer_links", "legal_documents"])
    # Alpha has no privacy page: its route answers 404 there, Beta's text or not.
    return {"document": list(LegalDocument.values)}


def brand_at_scale(site) -> None:
    """A site branded to the caps (tests/test_pages_at_scale.py): every footer link and every
    legal page, so that a footer costing a query per link or page would show in the counts."""
    site.footer_links = [
        {"label": f"Link {n}", "url": f"https://example.com/{n}"} for n in range(MAX_LINKS)
    ]
    save_legal_texts(site, {d: f"The {d}.\n\nhttps://example.com/{d}" for d in LegalDocument})
    site.save(update_fields=["footer_links", "legal_documents"])
