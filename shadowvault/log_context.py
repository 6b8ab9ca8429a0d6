"""What every log line says about where it came from: the process, and the request or task
being worked on when the line was written (docs/logs.md, "Fields").

The request and the task live in context variables, so a line written anywhere below a view
or a task (a model method, a storage backend) carries them without being handed them, and
threads and asyncio tasks of other requests never see them.
"""

from __future__ import annotations

import os
import sys
from contextvars import ContextVar, Token
from dataclasses import dataclass

# The roles named in docs/logs.md; anything else started from manage.py is named by its command.
ROLE_ENVIRONMENT = "PROCESS_ROLE"


@dataclass(frozen=True)
class WorkContext:
    """The request or the task a line belongs to; None fields are left out of the line."""

    request_id: str | None = None
    host: str | None = None
    task_id: str | None = None
    task: str | None = None
    job_id: str | None = None

    def fields(self) -> dict[str, str]:
        return {name: value for name, value in self.__dict__.items() if value}


_NONE = WorkContext()
_current: ContextVar[WorkContext | None] = ContextVar("shadowvault_work", default=None)
_role: list[str] = []


def current() -> WorkContext:
    return _current.get() or _NONE


def enter(context: WorkContext) -> Token[WorkContext | None]:
    """Make `context` the current work until leave(token)."""
    return _current.set(context)


def clear() -> None:
    """No work any more (a request was answered in this thread)."""
    _current.set(None)


def leave(token: Token[WorkContext | None]) -> None:
    _current.reset(token)


def request_id() -> str | None:
    return current().request_id


def process_role() -> str:
    """web | stream | worker | beat | runall | a manage.py command's name, said once.

    PROCESS_ROLE says it (runall sets it for the processes it starts); otherwise the program
    does: gunicorn serves the site, uvicorn the stream origin, Celery a worker or beat."""
    if not _role:
        _role.append(os.environ.get(ROLE_ENVIRONMENT, "").strip() or role_of(sys.argv))
    return _role[0]


def role_of(argv: list[str]) -> str:
    program = os.path.basename(argv[0]) if argv else ""
    whole = argv[0] if argv else ""
    if "gunicorn" in whole:
        return "web"
    if "uvicorn" in whole:
        return "stream"
    if "celery" in whole:
        return "beat" if "beat" in argv[1:] else "worker"
    if program == "manage.py" and len(argv) > 1:
        return argv[1]
    if "pytest" in whole:
        return "test"
    if not program or program.startswith("-"):  # python -c, an interactive interpreter
        return "python"
    return program.removesuffix(".py")
