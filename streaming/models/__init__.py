"""StreamVault's models: stored media objects and the catalogue built on them."""

from stored_media.models import StoredObject, link_name_for
from streaming.models.api_token import ApiToken
from streaming.models.catalogue import (
    Collection,
    CollectionEntry,
    Credit,
    Episode,
    Genre,
    MediaFile,
    Person,
    Season,
    Subtitle,
    Title,
    TitleHiding,
)
from streaming.models.ingest import IngestJob
from streaming.models.progressive import (
    ProgressiveRendition,
    ProgressiveSegment,
    ProgressiveViewer,
)
from streaming.models.stream_sessions import StreamSession
from streaming.models.upload import Upload
from streaming.models.viewer import Comment, CommentReport, WatchlistEntry, WatchProgress

__all__ = [
    "ApiToken",
    "Collection",
    "CollectionEntry",
    "Comment",
    "CommentReport",
    "Credit",
    "Episode",
    "Genre",
    "IngestJob",
    "MediaFile",
    "Person",
    "ProgressiveRendition",
    "ProgressiveSegment",
    "ProgressiveViewer",
    "Season",
    "StoredObject",
    "StreamSession",
    "Subtitle",
    "Title",
    "TitleHiding",
    "Upload",
    "WatchProgress",
    "WatchlistEntry",
    "link_name_for",
]
