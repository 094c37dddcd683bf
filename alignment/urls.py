from django.urls import path

from . import views

urlpatterns = [
    path("units/", views.organisation, name="organisation"),
    path("units/<int:pk>/", views.unit_dashboard, name="unit_dashboard"),
    path("units/<int:pk>/children/", views.unit_children, name="unit_children"),
    path("alignment/map/", views.alignment_map_view, name="alignment_map"),
    path("alignment/map/branch/<int:pk>/", views.alignment_map_branch, name="alignment_map_branch"),
    path("alignment/x-matrix/", views.x_matrix_view, name="x_matrix"),
    path("alignment/strategy-map/", views.strategy_map_view, name="strategy_map"),
    path("alignment/quality/", views.quality_view, name="quality"),
    path("kpis/<int:pk>/", views.kpi_detail, name="kpi_detail"),
    path("kpis/<int:pk>/measurements/", views.kpi_measurements, name="kpi_measurements"),
]
