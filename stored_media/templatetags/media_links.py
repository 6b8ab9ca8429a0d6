"""`{% load media_links %}{% media_link stored_object %}`: a ready signed link in a page."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def media_link(context, stored_object) -> str:
    return stored_object.link_for(context["request"])
