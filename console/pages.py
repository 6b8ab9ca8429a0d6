"""Rendering a console page: the section's template inside the console's frame (its menu)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from console.sections import SECTIONS


def render_console(
    request: HttpRequest, template: str, context: dict | None = None, *, status: int = 200
) -> HttpResponse:
    match = request.resolver_match
    here = (match.url_name or "") if match else ""
    menu = [(section, section.is_current(here)) for section in SECTIONS]
    return render(request, template, {"console_menu": menu, **(context or {})}, status=status)
