"""Filters of objectives, key results, check-ins and initiatives, for the API and the pages."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from kpis.filters import kpis_seen
from kpis.models import Perspective
from okrplatform.filters import IdFilter, KeyOrIdFilter, SinceFilter
from okrplatform.org.filters import UnitScopedFilterSet, people_seen_by, units_seen

from .models import CheckIn, Cycle, Initiative, Intervention, KeyResult, Objective
from .progress import Status


class ObjectiveFilter(UnitScopedFilterSet):
    cycle = KeyOrIdFilter(
        queryset=Cycle.objects.all(),
        label=_("Cycle (code or id)"),
        help_text="The cycle's code, e.g. `2026-q4`, or its id.",
    )
    owner = KeyOrIdFilter(
        queryset=people_seen_by,
        key="username",
        label=_("Owner (username or id)"),
        help_text="The owner's username, e.g. `lukas`, or their id.",
    )
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    level = django_filters.ChoiceFilter(choices=Objective.Level.choices, label=_("Level"))
    kind = django_filters.ChoiceFilter(choices=Objective.Kind.choices, label=_("Kind"))
    perspective = django_filters.ChoiceFilter(choices=Perspective.choices, label=_("Perspective"))
    parent = IdFilter(field_name="parent", label=_("Aligns to (id)"))
    aligned = django_filters.BooleanFilter(field_name="is_aligned", label=_("Aligned"))
    archived = django_filters.BooleanFilter(
        field_name="archived_at",
        lookup_expr="isnull",
        exclude=True,
        label=_("Archived"),
        help_text="`true`: only the archived ones; `false` or left out: only the others.",
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


class KeyResultFilter(UnitScopedFilterSet):
    unit_field = "objective__unit"
    unit = KeyOrIdFilter(
        field_name="objective__unit",
        queryset=units_seen,
        method="filter_unit",
        label=_("Unit (code or id)"),
        help_text="The code of the objective's unit, e.g. `emea-logistics`, or its id; with "
        "`below=true` the units below it too.",
    )
    objective = IdFilter(field_name="objective", label=_("Objective (id)"))
    cycle = KeyOrIdFilter(
        field_name="objective__cycle",
        queryset=Cycle.objects.all(),
        label=_("Cycle (code or id)"),
        help_text="The cycle's code, e.g. `2026-q4`, or its id.",
    )
    owner = KeyOrIdFilter(
        queryset=people_seen_by,
        key="username",
        label=_("Owner (username or id)"),
        help_text="The owner's username, e.g. `lukas`, or their id.",
    )
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    driving_kpi = KeyOrIdFilter(
        queryset=kpis_seen,
        label=_("Driven by the KPI (code or id)"),
        help_text="Key results driven by this KPI: its code, e.g. `stuttgart-oee`, or its id.",
    )
    updated_since = SinceFilter("updated_at", label=_("Changed since"))

    class Meta:
        model = KeyResult
        fields = ["unit", "below", "objective", "cycle", "owner", "status", "updated_since"]


class CheckInFilter(django_filters.FilterSet):
    key_result = IdFilter(field_name="key_result", label=_("Key result (id)"))
    objective = IdFilter(field_name="key_result__objective", label=_("Objective (id)"))
    author = KeyOrIdFilter(
        queryset=people_seen_by,
        key="username",
        label=_("Author (username or id)"),
        help_text="Check-ins by this person: their username, e.g. `anna`, or their id.",
    )
    source = django_filters.ChoiceFilter(choices=CheckIn.Source.choices, label=_("Source"))
    since = SinceFilter("created_at", label=_("Checked in since"))

    class Meta:
        model = CheckIn
        fields = ["key_result", "objective", "author", "source", "since"]


class InitiativeFilter(UnitScopedFilterSet):
    cycle = KeyOrIdFilter(
        queryset=Cycle.objects.all(),
        label=_("Cycle (code or id)"),
        help_text="The cycle's code, e.g. `2026-q4`, or its id.",
    )
    owner = KeyOrIdFilter(
        queryset=people_seen_by,
        key="username",
        label=_("Owner (username or id)"),
        help_text="The owner's username, e.g. `lukas`, or their id.",
    )
    state = django_filters.ChoiceFilter(choices=Initiative.State.choices, label=_("State"))
    updated_since = SinceFilter("updated_at", label=_("Changed since"))

    class Meta:
        model = Initiative
        fields = ["unit", "below", "cycle", "owner", "state", "updated_since"]


class InterventionFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Intervention.State.choices, label=_("State"))
    kpi = KeyOrIdFilter(
        queryset=kpis_seen,
        label=_("KPI (code or id)"),
        help_text="The KPI's code, e.g. `emea-delivery-throughput`, or its id.",
    )
    objective = IdFilter(field_name="objective", label=_("Objective (id)"))

    class Meta:
        model = Intervention
        fields = ["state", "kpi", "objective"]
