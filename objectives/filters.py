"""Filters of objectives, key results, check-ins and initiatives, for the API and the pages."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kpis.models import Perspective
from okrplatform.filters import SinceFilter
from okrplatform.org.models import OrgUnit, User
from okrplatform.org.selectors import in_subtree_of

from .models import CheckIn, Cycle, Initiative, KeyResult, Objective
from .progress import Status


class UnitFilterMixin(django_filters.FilterSet):
    """``unit=<pk>`` alone, or with ``below=true`` the unit and every unit below it."""

    unit_field = "unit"
    unit = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.all(), method="filter_unit", label=_("Unit")
    )
    below = django_filters.BooleanFilter(
        method="filter_below", label=_("Include the units below the unit")
    )

    def filter_unit(self, queryset: QuerySet, name: str, unit: OrgUnit) -> QuerySet:
        if self.form.cleaned_data.get("below"):
            return queryset.filter(**{f"{self.unit_field}_id__in": in_subtree_of(unit)})
        return queryset.filter(**{self.unit_field: unit})

    def filter_below(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset  # read by filter_unit


class ObjectiveFilter(UnitFilterMixin):
    cycle = django_filters.ModelChoiceFilter(queryset=Cycle.objects.all(), label=_("Cycle"))
    owner = django_filters.ModelChoiceFilter(queryset=User.objects.all(), label=_("Owner"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    level = django_filters.ChoiceFilter(choices=Objective.Level.choices, label=_("Level"))
    kind = django_filters.ChoiceFilter(choices=Objective.Kind.choices, label=_("Kind"))
    perspective = django_filters.ChoiceFilter(choices=Perspective.choices, label=_("Perspective"))
    parent = django_filters.NumberFilter(field_name="parent", label=_("Aligns to (id)"))
    aligned = django_filters.BooleanFilter(field_name="is_aligned", label=_("Aligned"))
    archived = django_filters.BooleanFilter(
        field_name="archived_at", lookup_expr="isnull", exclude=True, label=_("Archived")
    )
    updated_since = SinceFilter("updated_at", label=_("Changed since"))

    class Meta:
        model = Objective
        fields = [
            "unit",
            "below",
            "cycle",
            "owner",
            "status",
            "level",
            "kind",
            "perspective",
            "parent",
            "aligned",
            "archived",
            "updated_since",
        ]


class KeyResultFilter(UnitFilterMixin):
    unit_field = "objective__unit"
    unit = django_filters.ModelChoiceFilter(
        field_name="objective__unit",
        queryset=OrgUnit.objects.all(),
        method="filter_unit",
        label=_("Unit"),
    )
    objective = django_filters.NumberFilter(field_name="objective", label=_("Objective (id)"))
    cycle = django_filters.ModelChoiceFilter(
        field_name="objective__cycle", queryset=Cycle.objects.all(), label=_("Cycle")
    )
    owner = django_filters.ModelChoiceFilter(queryset=User.objects.all(), label=_("Owner"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    driving_kpi = django_filters.CharFilter(
        field_name="driving_kpi__code", label=_("Driven by the KPI (code)")
    )
    updated_since = SinceFilter("updated_at", label=_("Changed since"))

    class Meta:
        model = KeyResult
        fields = ["unit", "below", "objective", "cycle", "owner", "status", "updated_since"]


class CheckInFilter(django_filters.FilterSet):
    key_result = django_filters.NumberFilter(field_name="key_result", label=_("Key result (id)"))
    objective = django_filters.NumberFilter(
        field_name="key_result__objective", label=_("Objective (id)")
    )
    author = django_filters.ModelChoiceFilter(queryset=User.objects.all(), label=_("Author"))
    source = django_filters.ChoiceFilter(choices=CheckIn.Source.choices, label=_("Source"))
    since = SinceFilter("created_at", label=_("Checked in since"))

    class Meta:
        model = CheckIn
        fields = ["key_result", "objective", "author", "source", "since"]


class InitiativeFilter(UnitFilterMixin):
    cycle = django_filters.ModelChoiceFilter(queryset=Cycle.objects.all(), label=_("Cycle"))
    owner = django_filters.ModelChoiceFilter(queryset=User.objects.all(), label=_("Owner"))
    state = django_filters.ChoiceFilter(choices=Initiative.State.choices, label=_("State"))
    updated_since = SinceFilter("updated_at", label=_("Changed since"))

    class Meta:
        model = Initiative
        fields = ["unit", "below", "cycle", "owner", "state", "updated_since"]
