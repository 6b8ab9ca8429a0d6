"""The one error the archive layer raises for a source it will not turn into a chapter."""

from __future__ import annotations


class ArchiveRejected(Exception):
    """A source that cannot become a chapter; `reason` is a sentence an operator can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
