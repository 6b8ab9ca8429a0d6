"""How much a comic source may hold before it is refused, and how PDF pages are rendered.

The defaults are sized for the largest honest sources (omnibus volumes of scanned pages) with a
wide margin, and small enough that a hostile archive cannot fill a worker's disk or memory.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    # An omnibus volume has a few hundred to ~1,500 pages; a few extra members (ComicInfo.xml,
    # folders, Thumbs.db) come with them.
    max_members: int = 10_000
    max_pages: int = 3_000
    # The whole chapter uncompressed. A 1,500-page volume of 1 MB scans is ~1.5 GB.
    max_total_bytes: int = 4 * 1024 * MIB
    # One page: scans are 0.2-20 MB; a page is held in memory while its facts are read.
    max_member_bytes: int = 128 * MIB
    # Images are already compressed, so an honest member inflates ~1x (BMP pages maybe 10x);
    # a zip bomb inflates 1,000x or more. Small members are not checked: they cannot hurt.
    max_ratio: int = 100
    ratio_checked_above: int = 1 * MIB
    # Pixels decoded from one page's header: a 600 dpi A3 scan is ~70 MP. A 1 KB PNG can
    # claim 60,000 x 60,000 pixels and take 10 GB to decode (a decompression bomb).
    max_pixels: int = 80_000_000
    max_comicinfo_bytes: int = 1 * MIB
    # PDF pages are rendered to JPEG: 1800 px wide reads well on a 4K screen's column and
    # keeps a page near 0.5 MB at quality 90. A spread (wider than tall) gets twice the width.
    pdf_render_width: int = 1800
    jpeg_quality: int = 90


DEFAULT_LIMITS = Limits()
