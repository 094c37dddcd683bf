"""Spreadsheet import and export of the organisation in Django admin (django-import-export):
units by code, people by username."""

from __future__ import annotations

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from .models import OrgUnit, User


class OrgUnitResource(resources.ModelResource):
    parent = fields.Field(
        attribute="parent", column_name="parent", widget=ForeignKeyWidget(OrgUnit, "code")
    )
    lead = fields.Field(
        attribute="lead", column_name="lead", widget=ForeignKeyWidget(User, "username")
    )

    class Meta:
        model = OrgUnit
        import_id_fields = ["code"]
        fields = [
            "code",
            "name",
            "kind",
            "parent",
            "lead",
            "country",
            "timezone",
            "language",
            "currency",
            "description",
        ]
        skip_unchanged = True
        report_skipped = False
