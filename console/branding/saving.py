"""Saving a site's look: every value or none. The site's row and its legal pages change in
one transaction; pictures replaced are deleted from storage only once it has committed (a
rollback must leave the saved row pointing at files that still exist), and pictures written
for a save that failed are deleted at once."""

from __future__ import annotations

from functools import partial

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile

from console.branding.forms import BrandingForm
from tenants.footer_links import validate_footer_links
from tenants.legal_pages import save_legal_texts
from tenants.models import Tenant

TEXT_FIELDS = ("name", "tagline", "accent_colour", "accent_colour_2")
PICTURES = ("logo", "favicon")


def save_branding(site: Tenant, form: BrandingForm, links: list[dict[str, str]]) -> None:
    """Write a valid form's values and these footer links to `site`."""
    validate_footer_links(links)
    written: list[FieldFile] = []
    replaced: list[str] = []
    try:
        with transaction.atomic():
            for name in TEXT_FIELDS:
                setattr(site, name, form.cleaned_data[name])
            site.footer_links = links
            for name in PICTURES:
                _change_picture(site, name, form.cleaned_data[name], written, replaced)
            save_legal_texts(site, form.legal_texts())
            site.save(update_fields=[*TEXT_FIELDS, *PICTURES, "footer_links", "legal_documents"])
            transaction.on_commit(partial(_delete, site.logo.storage, replaced))
    except Exception:
        for picture in written:
            if picture.name:
                picture.storage.delete(picture.name)
        raise


def _delete(storage: Storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


def _change_picture(
    site: Tenant,
    name: str,
    new: ContentFile | bool | None,
    written: list[FieldFile],
    replaced: list[str],
) -> None:
    """None keeps the picture, False clears it, a file replaces it."""
    if new is None:
        return
    current: FieldFile = getattr(site, name)
    if current.name:
        replaced.append(current.name)
    if not isinstance(new, ContentFile):  # False
        setattr(site, name, "")
        return
    current.save(new.name or name, new, save=False)  # the storage picks a free name
    written.append(current)
