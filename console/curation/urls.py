"""/console/home-page/: the site's home rows, a hand-picked row's items, the featured picks."""

from django.urls import path

from console.curation import actions, pages

urlpatterns = [
    path("", pages.home_page, name="curation"),
    path("start/", actions.start, name="curation-start"),
    path("rows/add/", actions.add_row, name="curation-add-row"),
    path("rows/<int:row_id>/", pages.row_page, name="curation-row"),
    path("rows/<int:row_id>/up/", actions.move_row, {"step": -1}, name="curation-row-up"),
    path("rows/<int:row_id>/down/", actions.move_row, {"step": 1}, name="curation-row-down"),
    path("rows/<int:row_id>/hide/", actions.hide_row, {"hidden": True}, name="curation-row-hide"),
    path("rows/<int:row_id>/show/", actions.hide_row, {"hidden": False}, name="curation-row-show"),
    path("rows/<int:row_id>/remove/", actions.remove_row, name="curation-row-remove"),
    path("rows/<int:row_id>/picks/add/", actions.add_pick, name="curation-pick-add"),
    path("featured/", pages.featured_page, name="curation-featured"),
    path("featured/add/", actions.add_pick, name="curation-featured-add"),
    path("picks/<int:pick_id>/up/", actions.move_pick, {"step": -1}, name="curation-pick-up"),
    path("picks/<int:pick_id>/down/", actions.move_pick, {"step": 1}, name="curation-pick-down"),
    path("picks/<int:pick_id>/remove/", actions.remove_pick, name="curation-pick-remove"),
]
