from django.urls import path

from . import views

urlpatterns = [
    path("import/", views.spreadsheet_import, name="spreadsheet_import"),
    path("units/<int:pk>/export/", views.unit_export, name="unit_export"),
]
