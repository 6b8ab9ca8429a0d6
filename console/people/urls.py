from django.urls import path

from console.coming import coming

urlpatterns = [
    path("members/", coming, name="members"),
    path("invitations/", coming, name="invitations"),
    path("plans/", coming, name="plans"),
    path("moderation/", coming, name="moderation"),
]
