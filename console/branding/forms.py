"""The branding form: the site's name, tagline, pictures, colours, legal texts, and its
footer links as a small formset. A plain form over the site's values (not a ModelForm): a
form that does not validate must leave request.tenant, which the page's frame shows, as it
is saved."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile

from tenants import footer_links, site_images
from tenants.legal_pages import MAX_LEGAL_CHARS, LegalDocument
from tenants.models import Tenant

LOGO_TYPES = "image/png,image/jpeg,image/webp,image/gif"  # tenants.site_images.LOGO_FORMATS
HEX = re.compile(r"#?([0-9a-fA-F]{6})")


def clean_hex(value: str) -> str:
    """`#RRGGBB` or `rrggbb` as `#rrggbb`; anything else is an error."""
    found = HEX.fullmatch(value.strip())
    if found is None:
        raise ValidationError("Enter a colour as #rrggbb, for example #8b5cf6.")
    return "#" + found.group(1).lower()


class ColourField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        attrs = {"data-colour": "", "spellcheck": "false", "autocomplete": "off", "size": 8}
        super().__init__(max_length=7, widget=forms.TextInput(attrs=attrs), **kwargs)

    def clean(self, value):
        return clean_hex(super().clean(value))


def _legal_field(document: LegalDocument) -> forms.CharField:
    return forms.CharField(
        label=document.label,
        required=False,
        strip=False,  # the owner's blank lines are the paragraphs
        max_length=MAX_LEGAL_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Plain text: a blank line starts a paragraph; web addresses become links. "
        "Empty: no such page, and no link to it.",
    )


class BrandingForm(forms.Form):
    name = forms.CharField(max_length=100)
    tagline = forms.CharField(max_length=200, required=False)
    logo = forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": LOGO_TYPES}),
        help_text="PNG, JPEG, WebP or GIF, up to 2 MB.",
    )
    favicon = forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/x-icon,.ico"}),
        help_text="The tab's icon: PNG or ICO, square, up to 1024 pixels a side.",
    )
    accent_colour = ColourField(label="First colour", help_text="Buttons and highlights.")
    accent_colour_2 = ColourField(label="Second colour", help_text="Accents and the glow.")
    legal_terms = _legal_field(LegalDocument.TERMS)
    legal_privacy = _legal_field(LegalDocument.PRIVACY)
    legal_imprint = _legal_field(LegalDocument.IMPRINT)

    def clean_logo(self):
        return self._picture("logo", site_images.checked_logo)

    def clean_favicon(self):
        return self._picture("favicon", site_images.favicon_png)

    def _picture(self, name: str, check) -> ContentFile | bool | None:
        """The checked picture, False to clear it, None to keep the saved one (a FileField
        gives back its initial value, the saved file, when nothing was picked)."""
        value = self.cleaned_data.get(name)
        if isinstance(value, UploadedFile):
            return check(value)
        return False if value is False else None

    def legal_texts(self) -> dict[str, str]:
        return {d: self.cleaned_data[f"legal_{d}"] for d in LegalDocument.values}


def initial_for(site: Tenant, legal: dict[str, str]) -> dict:
    initial = {name: getattr(site, name) for name in ("name", "tagline", "logo", "favicon")}
    initial |= {"accent_colour": site.accent_colour, "accent_colour_2": site.accent_colour_2}
    return initial | {f"legal_{document}": text for document, text in legal.items()}


class FooterLinkForm(forms.Form):
    label = forms.CharField(max_length=footer_links.MAX_LABEL, required=False)
    url = forms.CharField(label="Address", max_length=footer_links.MAX_URL, required=False)

    def clean(self):
        data = super().clean()
        label, url = data.get("label", ""), data.get("url", "")
        if not label and not url:
            return data  # an empty row: no link
        checks = (("label", footer_links.clean_link_label), ("url", footer_links.clean_link_url))
        for name, check in checks:
            try:
                data[name] = check(data.get(name, ""))
            except ValidationError as error:
                self.add_error(name, error)
        return data

    def link(self) -> dict[str, str] | None:
        data = getattr(self, "cleaned_data", {})
        return {"label": data["label"], "url": data["url"]} if data.get("url") else None


def footer_formset(site: Tenant, data=None) -> forms.BaseFormSet:
    """The site's links, then empty rows up to the most a footer holds (two at a time, so a
    phone's page stays short; saving with them filled offers two more)."""
    links = list(site.footer_links or [])
    formset_class = forms.formset_factory(
        FooterLinkForm,
        extra=min(2, footer_links.MAX_LINKS - len(links)),
        max_num=footer_links.MAX_LINKS,
        absolute_max=footer_links.MAX_LINKS,  # a forged form count builds no more forms
        validate_max=True,
    )
    return formset_class(data, initial=links, prefix="links")


def footer_links_of(formset: forms.BaseFormSet) -> list[dict[str, str]]:
    return [link for form in formset.forms if (link := form.link())]
