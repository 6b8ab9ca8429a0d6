"""The media links: `/media/<id>/<name>`, asked by viewers and by the nginx gateway."""

from django.urls import path, re_path

from stored_media.delivery import not_a_media_link, stream_media

urlpatterns = [
    path("media/<int:object_id>/<str:name>", stream_media, name="stream-media"),
    # Any other path on the media route (`/media//1/x`, `//media/…`, `/media/./1/x`): 404.
    re_path(r"^[/.]*media/", not_a_media_link),
]
