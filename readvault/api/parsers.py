"""Bodies the reading API reads: JSON of a few hundred bytes at most, and forms.

Deep nesting is a 400 through shadowvault.api_parsers (the API's default); on top of that,
nothing these routes take (a page number, a flag, a series id) needs more than a few dozen
bytes, so a longer body is refused before it is parsed."""

from __future__ import annotations

import io
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, MultiPartParser

from shadowvault.api_parsers import SafeJSONParser

MAX_JSON_BYTES = 4096


class SmallJSONParser(SafeJSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        body = stream.read(MAX_JSON_BYTES + 1) if stream is not None else b""
        if len(body) > MAX_JSON_BYTES:
            raise ParseError(f"The body is over {MAX_JSON_BYTES} bytes.")
        return super().parse(io.BytesIO(body), media_type, parser_context)


READING_PARSERS = [SmallJSONParser, FormParser, MultiPartParser]
