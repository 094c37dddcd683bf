"""The REST API under /api/."""

from django.urls import path

from alignment.api import UnitSummaryView

urlpatterns = [
    path("org-units/<int:pk>/summary/", UnitSummaryView.as_view(), name="api_unit_summary"),
]
