"""`{% home_sections %}` and `{% account_tabs %}`: what other vaults add to StreamVault's
home and account pages (shadowvault.site_sections)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from shadowvault import site_sections

register = template.Library()


@register.simple_tag(takes_context=True)
def home_sections(context) -> SafeString:
    request = context.get("request")
    if request is None:
        return mark_safe("")
    return mark_safe("".join(site_sections.home_sections(request)))  # noqa: S308 - each is a template's output


@register.simple_tag(takes_context=True)
def account_tabs(context) -> SafeString:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match else ""
    return format_html_join(
        "\n",
        "{}",
        (
            (
                format_html(
                    '<a href="{}"{}>{}</a>',
                    tab.url,
                    mark_safe(' aria-current="page"') if tab.is_current(here) else "",
                    tab.label,
                ),
            )
            for tab in site_sections.account_tabs(request)
        ),
    )
