"""Bodies the reading API reads: JSON of a few hundred bytes at most, and forms.

DRF's JSONParser turns a ValueError into a 400 but not the RecursionError that deep nesting
("[[[[…]]]]") raises in the json module, which would be a 500; and nothing these routes take
(a page number, a flag, a series id) needs more than a few dozen bytes."""

from __future__ import annotations

import io
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

MAX_JSON_BYTES = 4096


class SmallJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        body = stream.read(MAX_JSON_BYTES + 1) if stream is not None else b""
        if len(body) > MAX_JSON_BYTES:
            raise ParseError(f"The body is over {MAX_JSON_BYTES} bytes.")
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise ParseError("The body is not valid JSON (nested too deep).") from None


READING_PARSERS = [SmallJSONParser, FormParser, MultiPartParser]
