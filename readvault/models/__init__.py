"""ReadVault's records: the library (series, volumes, chapters, pages and their derived
images) in `readvault.models.library`; import jobs in `readvault.models.imports`; what
readers leave behind (progress, want to read, reader settings, app passwords) in
`readvault.models.reading`."""

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
from readvault.models.reading import (
    AppPassword,
    ReaderSettings,
    ReadingProgress,
    WantToRead,
)

__all__ = [
    "AppPassword",
    "Chapter",
    "Genre",
    "ImportJob",
    "Page",
    "PageImage",
    "Person",
    "ReaderSettings",
    "ReadingDirection",
    "ReadingProgress",
    "Series",
    "SeriesCredit",
    "SeriesHiding",
    "Tag",
    "Volume",
    "WantToRead",
]
