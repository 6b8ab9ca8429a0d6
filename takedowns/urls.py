"""The report forms and the counter-notice form, included from shadowvault.urls."""

from django.urls import path

from takedowns import views

app_name = "takedowns"

urlpatterns = [
    path("report/title/<int:title_id>/", views.report_title, name="report-title"),
    path("report/series/<int:series_id>/", views.report_series, name="report-series"),
    path("report/comment/<int:pk>/", views.report_comment, name="report-comment"),
    path("counter-notice/<str:token>/", views.counter_notice, name="counter-notice"),
]
