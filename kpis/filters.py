"""The KPI filters, shared by the board and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kpis.models import Perspective
from okrplatform.filters import KeyOrIdFilter, SinceFilter
from okrplatform.forms import BootstrapFormMixin
from okrplatform.org.access import access_for
from okrplatform.org.filters import UnitScopedFilterSet
from okrplatform.org.models import User

from .health import Health
from .models import KPI, DataSource, Measurement


def kpis_seen(request) -> QuerySet[KPI]:
    """The KPIs a person may name in a filter: those they see, so that one they do not see is
    as unknown as a typo."""
    if request is None:
        return KPI.objects.none()
    return access_for(request.user).restrict(KPI.objects.all())


class BoardForm(BootstrapFormMixin, forms.Form):
    pass


class KPIFilter(UnitScopedFilterSet):
    below = django_filters.BooleanFilter(
        label=_("Include the units below"), method="filter_below", widget=forms.CheckboxInput
    )
    perspective = django_filters.ChoiceFilter(choices=Perspective.choices, label=_("Perspective"))
    indicator = django_filters.ChoiceFilter(choices=KPI.Indicator.choices, label=_("Lead or lag"))
    health = django_filters.ChoiceFilter(choices=Health.choices, label=_("Health"))
    owner = KeyOrIdFilter(
        queryset=User.objects.filter(owned_kpis__isnull=False).distinct(),
        key="username",
        label=_("Owner"),
        help_text="The owner's username, e.g. `lukas`, or their id.",
    )

    class Meta:
        model = KPI
        fields = ["unit", "below", "perspective", "indicator", "health", "owner"]
        form = BoardForm


class KPIApiFilter(KPIFilter):
    """The board's filters, and what systems syncing KPIs need besides."""

    code = django_filters.CharFilter(label=_("Code"))
    archived = django_filters.BooleanFilter(
        field_name="is_active",
        exclude=True,
        label=_("Archived"),
        help_text="`true`: only the archived ones; `false` or left out: only the others.",
    )
    updated_since = SinceFilter("updated_at", label=_("Changed since"))

    class Meta(KPIFilter.Meta):
        fields = [*KPIFilter.Meta.fields, "code", "archived", "updated_since"]


class MeasurementFilter(django_filters.FilterSet):
    kpi = KeyOrIdFilter(
        queryset=kpis_seen,
        label=_("KPI (code or id)"),
        help_text="The KPI's code, e.g. `emea-delivery-throughput`, or its id.",
    )
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
