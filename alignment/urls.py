from django.urls import path

from . import views

urlpatterns = [
    path("units/", views.organisation, name="organisation"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("units/<int:pk>/", views.unit_dashboard, name="unit_dashboard"),
    path("units/<int:pk>/children/", views.unit_children, name="unit_children"),
]
