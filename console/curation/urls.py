from django.urls import path

from console.coming import coming

urlpatterns = [path("", coming, name="curation")]
