"""The API's JSON parser (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES).

DRF's JSONParser turns the json module's ValueError into a 400 but not the RecursionError that
deep nesting ("[[[[...]]]]", a few thousand bytes) raises, which became a 500 on every JSON
route. The body is still read whole by the parent: the request size limit bounds it.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("The body is not valid JSON (nested too deep).") from None
