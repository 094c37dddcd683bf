from django.urls import path

from . import views

urlpatterns = [
    path("kpis/", views.kpi_board, name="kpi_board"),
    path("kpis/upload/", views.measurement_upload, name="measurement_upload"),
    path("kpis/<int:pk>/", views.kpi_detail, name="kpi_detail"),
    path("kpis/<int:pk>/measurements/", views.kpi_measurements, name="kpi_measurements"),
    path("interventions/<int:pk>/", views.intervention_detail, name="intervention_detail"),
    *[
        path(
            f"interventions/<int:pk>/{action}/",
            views.intervention_action,
            {"action": action},
            name=f"intervention_{action}",
        )
        for action in ("acknowledge", "notes", "resolve")
    ],
]
