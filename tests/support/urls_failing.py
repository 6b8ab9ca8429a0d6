"""A URLconf with one view that fails, to see the 500 page as a viewer would."""

from django.urls import include, path


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken), path("", include("shadowvault.urls"))]
handler404 = "shadowvault.views.not_found"
