"""What the reader's POSTs carry. The script sends JSON with the CSRF token in a header;
on leaving the page it sends `navigator.sendBeacon` with a form (FormData or
URLSearchParams), which cannot set headers, so the token rides in the body as
`csrfmiddlewaretoken`, where Django's CSRF middleware reads it. Both reach the view as a
dict; anything else is refused with a sentence.
"""

from __future__ import annotations

import json

from django.http import HttpRequest

MAX_JSON_BYTES = 4096  # a page number or a handful of settings: a few dozen bytes
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class BodyRejected(ValueError):
    """The body cannot be read; the message says why."""


def json_object(request: HttpRequest) -> dict:
    if request.content_type != "application/json":
        raise BodyRejected("Send a JSON object (Content-Type: application/json).")
    if len(request.body) > MAX_JSON_BYTES:
        raise BodyRejected(f"The body is over {MAX_JSON_BYTES} bytes.")
    try:
        sent = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # "[[[[...]]]]" recurses deep
        raise BodyRejected("The body is not valid JSON.") from None
    if not isinstance(sent, dict):
        raise BodyRejected("Send a JSON object.")
    return sent


def json_or_form(request: HttpRequest) -> dict:
    """A JSON object, or a form's fields (the last value of each)."""
    if request.content_type in FORMS:
        return request.POST.dict()
    return json_object(request)
