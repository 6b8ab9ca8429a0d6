"""The LOGGING dictionary settings.py hands Django (docs/logs.md).

Every line goes to the console (stderr) in LOG_FORMAT, and, unless LOG_DIR is "off", to this
process's JSON file for the live log view. The servers' own loggers (gunicorn's, uvicorn's,
Celery's) are routed through the same handlers, so their lines are formatted and redacted
like ours instead of by the handlers the servers set up for themselves.
"""

from __future__ import annotations

from typing import Any

# Loggers the servers configure with handlers of their own (and propagate=False).
SERVER_LOGGERS = ("gunicorn.error", "gunicorn.access", "uvicorn", "uvicorn.error", "uvicorn.access")


def logging_dict(
    level: str, log_format: str, directory: str | None, max_bytes: int, keep_days: int
) -> dict[str, Any]:
    handlers: dict[str, dict[str, Any]] = {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": log_format,
        },
    }
    if directory:
        handlers["file"] = {
            "class": "shadowvault.log_files.ProcessFileHandler",
            "directory": directory,
            "max_bytes": max_bytes,
            "keep_days": keep_days,
        }
    names = list(handlers)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": "shadowvault.log_format.JsonFormatter"},
            "plain": {
                "()": "shadowvault.log_format.PlainFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s%(work)s: %(message)s",
            },
        },
        "handlers": handlers,
        "root": {"handlers": names, "level": level},
        "loggers": {
            "axes": {"level": "WARNING"},
            # Their own handlers go; their lines reach the root's (and a test's caplog).
            **{name: {"handlers": [], "propagate": True} for name in SERVER_LOGGERS},
        },
    }
