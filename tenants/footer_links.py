"""A site's footer links (Tenant.footer_links): at most MAX_LINKS of {"label", "url"}.

They are stored on the site's own row, so the footer comes with the host lookup every page
already makes (tenants.middleware): no query of its own. A link goes to a web page (http or
https, with a host) or to a path on the site itself; nothing else, because a `javascript:` or
`data:` URL in an owner's footer would run in every viewer's session.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

MAX_LINKS = 8
MAX_LABEL = 40
MAX_URL = 500

_web_url = URLValidator(schemes=["http", "https"])


def clean_link_url(url: str) -> str:
    """The URL as stored, or a ValidationError saying what is allowed."""
    url = url.strip()
    if not url:
        raise ValidationError("Enter the link's address.")
    if len(url) > MAX_URL:
        raise ValidationError(f"Keep the address under {MAX_URL} characters.")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise ValidationError("An address has no spaces or control characters.")
    if url.startswith("/"):
        # "//host" and "/\host" are other sites to a browser (WHATWG URL: a backslash is a
        # slash in http URLs), not paths on this one.
        if url[1:2] in {"/", "\\"}:
            raise ValidationError("Write another site's address with https://.")
        return url
    try:
        _web_url(url)
    except ValidationError:
        raise ValidationError(
            "Enter a web address (https://…) or a path on this site (/…)."
        ) from None
    return url


def clean_link_label(label: str) -> str:
    label = " ".join(label.split())
    if not label:
        raise ValidationError("Give the link a label.")
    if len(label) > MAX_LABEL:
        raise ValidationError(f"Keep the label under {MAX_LABEL} characters.")
    return label


def validate_footer_links(value: Any) -> None:
    """The model field's validator: the stored shape, whoever writes it (the console, the
    admin, a shell)."""
    if not isinstance(value, list) or len(value) > MAX_LINKS:
        raise ValidationError(f"Footer links are a list of at most {MAX_LINKS}.")
    for link in value:
        if not isinstance(link, dict) or set(link) != {"label", "url"}:
            raise ValidationError('Each footer link is {"label": …, "url": …}.')
        if not isinstance(link["label"], str) or not isinstance(link["url"], str):
            raise ValidationError("A footer link's label and address are text.")
        if clean_link_label(link["label"]) != link["label"]:
            raise ValidationError("A footer link's label has stray spaces.")
        if clean_link_url(link["url"]) != link["url"]:
            raise ValidationError("A footer link's address has stray spaces.")
