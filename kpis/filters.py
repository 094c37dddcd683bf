"""The KPI filters, shared by the board and (later) the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kpis.models import Perspective
from okrplatform.filters import SinceFilter
from okrplatform.forms import BootstrapFormMixin
from okrplatform.org.access import access_for
from okrplatform.org.models import OrgUnit, User
from okrplatform.org.selectors import in_subtree_of

from .health import Health
from .models import KPI, DataSource, Measurement


def units_seen(request) -> QuerySet[OrgUnit]:
    """The units a person may choose: those they see."""
    return access_for(request.user).restrict(OrgUnit.objects.order_by("name"))


class BoardForm(BootstrapFormMixin, forms.Form):
    pass


class KPIFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(
        queryset=units_seen, label=_("Unit"), method="filter_unit"
    )
    below = django_filters.BooleanFilter(
        label=_("Include the units below"), method="filter_below", widget=forms.CheckboxInput
    )
    perspective = django_filters.ChoiceFilter(choices=Perspective.choices, label=_("Perspective"))
    indicator = django_filters.ChoiceFilter(choices=KPI.Indicator.choices, label=_("Lead or lag"))
    health = django_filters.ChoiceFilter(choices=Health.choices, label=_("Health"))
    owner = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(owned_kpis__isnull=False).distinct(), label=_("Owner")
    )

    class Meta:
        model = KPI
        fields = ["unit", "below", "perspective", "indicator", "health", "owner"]
        form = BoardForm

    def filter_unit(self, queryset: QuerySet[KPI], name: str, unit: OrgUnit) -> QuerySet[KPI]:
        if self.form.cleaned_data.get("below"):
            return queryset.filter(unit_id__in=in_subtree_of(unit))
        return queryset.filter(unit=unit)

    def filter_below(self, queryset: QuerySet[KPI], name: str, value: bool) -> QuerySet[KPI]:
        return queryset  # read by filter_unit


class KPIApiFilter(KPIFilter):
    """The board's filters, and what systems syncing KPIs need besides."""

    code = django_filters.CharFilter(label=_("Code"))
    updated_since = SinceFilter("updated_at", label=_("Changed since"))

    class Meta(KPIFilter.Meta):
        fields = [*KPIFilter.Meta.fields, "code", "updated_since"]


class MeasurementFilter(django_filters.FilterSet):
    kpi = django_filters.CharFilter(field_name="kpi__code", label=_("KPI (code)"))
    period_after = django_filters.DateFilter(
        field_name="period", lookup_expr="gte", label=_("Periods from")
    )
    period_before = django_filters.DateFilter(
        field_name="period", lookup_expr="lte", label=_("Periods until")
    )
    source = django_filters.ChoiceFilter(choices=DataSource.choices, label=_("Source"))
    updated_since = SinceFilter("recorded_at", label=_("Recorded since"))

    class Meta:
        model = Measurement
        fields = ["kpi", "period_after", "period_before", "source", "updated_since"]
