from django.urls import path, re_path

from readvault.api import imports, reading, series

# Regular expressions, as DRF's routers write them, so the routes read alike in the schema
# and to the resolver's walkers (tests/support/sweep_support.py).
urlpatterns = [
    path("imports/", imports.ImportJobList.as_view(), name="comic-import-list"),
    re_path(
        r"^imports/(?P<pk>[0-9]+)/$", imports.ImportJobDetail.as_view(), name="comic-import-detail"
    ),
    re_path(
        r"^imports/(?P<pk>[0-9]+)/cancel/$",
        imports.ImportJobCancel.as_view(),
        name="comic-import-cancel",
    ),
    # Reading (readvault.api.series, readvault.api.reading).
    path("series/", series.SeriesList.as_view(), name="comic-series-list"),
    re_path(
        r"^series/(?P<series_id>[0-9]+)/$",
        series.SeriesDetail.as_view(),
        name="comic-series-detail",
    ),
    re_path(
        r"^chapters/(?P<chapter_id>[0-9]+)/$",
        series.ChapterDetail.as_view(),
        name="comic-chapter-detail",
    ),
    path("progress/", reading.ProgressList.as_view(), name="comic-progress-list"),
    re_path(
        r"^progress/(?P<chapter_id>[0-9]+)/$",
        reading.ProgressDetail.as_view(),
        name="comic-progress-detail",
    ),
    re_path(
        r"^progress/(?P<chapter_id>[0-9]+)/read/$",
        reading.MarkRead.as_view(),
        name="comic-progress-read",
    ),
    re_path(
        r"^progress/(?P<chapter_id>[0-9]+)/unread/$",
        reading.MarkUnread.as_view(),
        name="comic-progress-unread",
    ),
    path("want-to-read/", reading.WantToReadList.as_view(), name="comic-want-to-read-list"),
    re_path(
        r"^want-to-read/(?P<series_id>[0-9]+)/$",
        reading.WantToReadEntry.as_view(),
        name="comic-want-to-read-detail",
    ),
]
