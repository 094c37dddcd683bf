"""Spreadsheet import and export of cycles, objectives, key results and initiatives in Django
admin (django-import-export). Units, cycles and KPIs by code, people by username; every stored
figure follows in one recomputation after the import."""

from __future__ import annotations

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from kpis.models import KPI
from okrplatform.org.models import OrgUnit, User

from .models import Cycle, Initiative, KeyResult, Objective
from .services import rollups_refresh_later


def _by(model, field: str, name: str) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=ForeignKeyWidget(model, field))


class RecomputesAfterImport:
    def after_import(self, dataset, result, **kwargs) -> None:
        super().after_import(dataset, result, **kwargs)
        if not kwargs.get("dry_run"):
            rollups_refresh_later()


class CycleResource(RecomputesAfterImport, resources.ModelResource):
    parent = _by(Cycle, "code", "parent")

    class Meta:
        model = Cycle
        import_id_fields = ["code"]
        fields = ["code", "name", "kind", "parent", "start_date", "end_date", "state"]
        skip_unchanged = True


class ObjectiveResource(RecomputesAfterImport, resources.ModelResource):
    unit = _by(OrgUnit, "code", "unit")
    cycle = _by(Cycle, "code", "cycle")
    owner = _by(User, "username", "owner")

    class Meta:
        model = Objective
        fields = [
            "id",
            "title",
            "description",
            "unit",
            "cycle",
            "owner",
            "level",
            "kind",
            "perspective",
            "parent",
            "progress_source",
            "weight",
        ]
        skip_unchanged = True


class KeyResultResource(RecomputesAfterImport, resources.ModelResource):
    owner = _by(User, "username", "owner")
    driving_kpi = _by(KPI, "code", "driving_kpi")

    class Meta:
        model = KeyResult
        fields = [
            "id",
            "objective",
            "title",
            "owner",
            "metric_type",
            "unit_label",
            "direction",
            "start_value",
            "target_value",
            "weight",
            "driving_kpi",
        ]
        skip_unchanged = True


class InitiativeResource(resources.ModelResource):
    unit = _by(OrgUnit, "code", "unit")
    cycle = _by(Cycle, "code", "cycle")
    owner = _by(User, "username", "owner")

    class Meta:
        model = Initiative
        fields = ["id", "title", "description", "unit", "cycle", "owner", "state"]
        fields += ["start_date", "due_date"]
        skip_unchanged = True
