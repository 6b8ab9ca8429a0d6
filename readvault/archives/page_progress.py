"""How far reading a source's pages has come, for whoever waits on it (an import job's
progress bar and ETA).

`progress(done, total)` is called once a page has been read and checked: `done` pages of
`total`. RAR, 7z and tar have no directory to count pages from before they are unpacked, in
one pass in archive order: while they are, `total` is 0 and `done` counts the pages unpacked;
then their pages are checked and written in page order, `done` counting again from 1 of the
`total` now known. A ZIP kept as it is that turns out to need converting (a CMYK page) counts
again from 1 too. Called once a page, so a caller that writes it somewhere throttles.
"""

from __future__ import annotations

from collections.abc import Callable

PageProgress = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    """For callers that do not watch."""
