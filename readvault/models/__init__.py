"""ReadVault's records: the library (series, volumes, chapters, pages and their derived
images) in `readvault.models.library`; import jobs in `readvault.models.imports`."""

from readvault.models.imports import ImportJob
from readvault.models.library import (
    Chapter,
    Genre,
    Page,
    PageImage,
    Person,
    ReadingDirection,
    Series,
    SeriesCredit,
    SeriesHiding,
    Tag,
    Volume,
)

__all__ = [
    "Chapter",
    "Genre",
    "ImportJob",
    "Page",
    "PageImage",
    "Person",
    "ReadingDirection",
    "Series",
    "SeriesCredit",
    "SeriesHiding",
    "Tag",
    "Volume",
]
