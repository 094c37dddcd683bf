from django.urls import path

from . import views

urlpatterns = [
    path("kpis/", views.kpi_board, name="kpi_board"),
    path("kpis/upload/", views.measurement_upload, name="measurement_upload"),
    path("kpis/<int:pk>/history/", views.kpi_history, name="kpi_history"),
]
