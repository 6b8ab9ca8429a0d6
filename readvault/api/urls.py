from django.urls import path, re_path

from readvault.api import imports

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
]
