"""Spreadsheet import and export of KPIs and measurements in Django admin
(django-import-export). Measurements are matched by KPI code and period; health, driven key
results and interventions follow the import as after any measurement."""

from __future__ import annotations

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from okrplatform.org.models import OrgUnit, User

from .models import KPI, Measurement
from .services import kpis_refresh


class KPIResource(resources.ModelResource):
    unit = fields.Field(
        attribute="unit", column_name="unit", widget=ForeignKeyWidget(OrgUnit, "code")
    )
    owner = fields.Field(
        attribute="owner", column_name="owner", widget=ForeignKeyWidget(User, "username")
    )

    class Meta:
        model = KPI
        import_id_fields = ["code"]
        fields = [
            "code",
            "name",
            "definition",
            "unit",
            "owner",
            "unit_label",
            "direction",
            "frequency",
            "target",
            "warning_threshold",
            "critical_threshold",
            "indicator",
            "perspective",
            "source",
            "is_active",
        ]
        skip_unchanged = True

    def after_import(self, dataset, result, **kwargs) -> None:
        super().after_import(dataset, result, **kwargs)
        if not kwargs.get("dry_run"):
            kpis_refresh()


class MeasurementResource(resources.ModelResource):
    kpi = fields.Field(attribute="kpi", column_name="kpi", widget=ForeignKeyWidget(KPI, "code"))

    class Meta:
        model = Measurement
        import_id_fields = ["kpi", "period"]
        fields = ["kpi", "period", "value", "note", "source"]
        skip_unchanged = True

    def after_import(self, dataset, result, **kwargs) -> None:
        super().after_import(dataset, result, **kwargs)
        if kwargs.get("dry_run"):
            return
        codes = {row.get("kpi") for row in dataset.dict}
        kpi_ids = list(KPI.objects.filter(code__in=codes).values_list("pk", flat=True))
        kpis_refresh(kpi_ids=kpi_ids)
