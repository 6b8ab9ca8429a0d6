"""ReadVault's page links: `/pages/<chapter id>/<index>/<variant>` (readvault.pages.delivery),
asked by readers and by the nginx gateway."""

from django.urls import path, re_path

from readvault.pages.delivery import not_a_page_link, serve_page

urlpatterns = [
    path("pages/<int:chapter_id>/<int:index>/<str:variant>", serve_page, name="readvault-page"),
    # Any other path on the page route (`/pages//1/0/orig`, `/pages/1/0/`): a plain 404.
    re_path(r"^[/.]*pages/", not_a_page_link),
]
