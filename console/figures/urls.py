from django.urls import path

from console.figures import views

urlpatterns = [
    path("", views.figures, name="figures"),
    path("<slug:figure>.csv", views.figure_csv, name="figures-csv"),
]
