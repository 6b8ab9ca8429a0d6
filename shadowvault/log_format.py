"""The two shapes of a log line (LOG_FORMAT): one JSON object per line, or readable text.

Both carry the process and the work context (shadowvault.log_context) and both are redacted
(shadowvault.log_redaction) as the very last step, so no handler can write a secret.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime

from shadowvault import log_context
from shadowvault.log_redaction import redact

# Attributes every LogRecord has; anything else was passed in `extra=` and goes in the line,
# except the request object Django passes (the message names its path already), uvicorn's
# coloured copy of the message, and the plain formatter's own field.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {
    "message", "asctime", "taskName", "request", "color_message", "work"
}  # fmt: skip


def iso_time(created: float) -> str:
    return (
        datetime.fromtimestamp(created, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def line_fields(record: logging.LogRecord, formatter: logging.Formatter) -> dict:
    """The fields of one line, in the order docs/logs.md lists them."""
    fields: dict = {
        "time": iso_time(record.created),
        "level": record.levelname,
        "logger": record.name,
        "message": record.getMessage(),
        "role": log_context.process_role(),
        "pid": record.process or os.getpid(),
    }
    fields.update(log_context.current().fields())
    for name, value in record.__dict__.items():
        if name not in _STANDARD and not name.startswith("_") and name not in fields:
            fields[name] = value if isinstance(value, int | float | bool) else str(value)
    if record.exc_info:
        fields["exception"] = formatter.formatException(record.exc_info)
    elif record.exc_text:
        fields["exception"] = record.exc_text
    if record.stack_info:
        fields["stack"] = formatter.formatStack(record.stack_info)
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object per line (newlines inside a message or a traceback are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        # Each text is scrubbed before encoding: a pattern run over the encoded line could cut
        # an escape sequence in two and end the string early.
        fields = {
            name: redact(value) if isinstance(value, str) else value
            for name, value in line_fields(record, self).items()
        }
        return json.dumps(fields, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """`time LEVEL logger [request id]: message` for a person reading a console."""

    def format(self, record: logging.LogRecord) -> str:
        context = log_context.current()
        work = context.request_id or context.task_id
        record.work = f" [{work}]" if work else ""
        return redact(super().format(record))
