"""Refuse requests carrying NUL characters, before any of it reaches a query.

PostgreSQL's text types cannot hold U+0000: a NUL in a search word, a filter, an admin search,
a session cookie or a login name made the query fail (DataError, a 500), while SQLite took
it. No legitimate request carries one, so instead of guarding every filter this answers 400
for a NUL anywhere a view may read text from: the path, the query string, cookies, headers,
form fields and JSON bodies (where a NUL is written as the escape \\u0000). Upload names
need nothing: Django drops unprintable characters from them.
It is the only character PostgreSQL refuses that can get this far: Django decodes paths,
query strings and forms as UTF-8 with replacement (no lone surrogates), and DRF's CharField
refuses surrogates in JSON.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

NUL = "\x00"
# \u0000 preceded by an even number of backslashes (so not an escaped backslash + "u0000").
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
MESSAGE = "Requests may not contain NUL characters (U+0000).\n"


def carries_nul(request: HttpRequest) -> bool:
    """Whether any text of the request that a view may read contains a NUL."""
    texts = [request.path_info, request.META.get("QUERY_STRING", "")]
    texts += _pairs(request.GET.lists())
    texts += _pairs(request.COOKIES.items())
    texts += [value for key, value in request.META.items() if key.startswith("HTTP_")]
    if any(NUL in str(text) for text in texts):
        return True
    content_type = request.content_type or ""
    if content_type in _FORMS:
        return any(NUL in text for text in _pairs(request.POST.lists()))
    if content_type == "application/json" or content_type.endswith("+json"):
        return b"\x00" in request.body or bool(_JSON_NUL.search(request.body))
    return False


def _pairs(items: Iterable[tuple[str, object]]) -> list[str]:
    texts = []
    for key, value in items:
        texts.append(key)
        texts.extend(value if isinstance(value, list) else [str(value)])
    return texts


class RefuseNulMiddleware:
    """400 for any request that carries a NUL (see the module's docstring)."""

    sync_capable = async_capable = True

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest):
        if iscoroutinefunction(self):
            return self._acall(request)
        if carries_nul(request):
            return _refusal()
        return self.get_response(request)

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        # The ASGI handler has read the body already: nothing here blocks.
        if carries_nul(request):
            return _refusal()
        return await self.get_response(request)


def _refusal() -> HttpResponse:
    return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
