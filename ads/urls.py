from django.urls import path

from ads import views

urlpatterns = [
    path("break/<int:media_id>/", views.ad_break, name="ad-break"),
    path("vast/<int:media_id>.xml", views.vast, name="ad-vast"),
    path("t/<str:token>/<str:event>/", views.track, name="ad-track"),
    path("c/<str:token>/", views.click, name="ad-click"),
]
