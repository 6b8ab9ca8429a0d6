from django.urls import path

from readvault.api import imports

urlpatterns = [
    path("imports/", imports.ImportJobList.as_view(), name="comic-import-list"),
    path("imports/<int:pk>/", imports.ImportJobDetail.as_view(), name="comic-import-detail"),
    path("imports/<int:pk>/cancel/", imports.ImportJobCancel.as_view(), name="comic-import-cancel"),
]
