"""`{% load ad_slots %}{% ad_slot "home" %}`: a page's banner slot (ads.slots).

`{% ad_slot "title" title page.genres %}`, `{% ad_slot "player" media %}` and
`{% ad_slot "reader" chapter.series %}` name what the page shows, for the targeting. The tag
writes nothing at all when there is no banner for this viewer.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from ads.slots import banner_for
from streaming.models import Genre

register = template.Library()


@register.simple_tag(takes_context=True)
def ad_slot(
    context: template.Context,
    where: str,
    shown: object = None,
    genres: list[Genre] | None = None,
) -> str:
    request = context.get("request")
    if request is None:  # a template rendered without a request (a mail): no viewer, no ad
        return ""
    banner = banner_for(request, where, shown, genres)
    if banner is None:
        return ""
    return SafeString(render_to_string(banner.template, {"banner": banner}, request=None))
