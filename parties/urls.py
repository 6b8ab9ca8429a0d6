from django.urls import path

from parties import views

urlpatterns = [
    path("start/<int:media_id>/", views.start, name="party-start"),
    path("<str:code>/", views.join, name="party-join"),
]
