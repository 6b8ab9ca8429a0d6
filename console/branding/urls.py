from django.urls import path

from console.branding.views import branding

urlpatterns = [path("", branding, name="branding")]
