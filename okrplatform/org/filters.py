"""The one unit-scoped FilterSet every list of the pages and the API starts from."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from okrplatform.filters import KeyOrIdFilter

from .access import access_for
from .models import OrgUnit, User
from .selectors import in_subtree_of, people_seen


def units_seen(request) -> QuerySet[OrgUnit]:
    """The units a person may choose: those they see (anonymous, as in the schema: none)."""
    if request is None:
        return OrgUnit.objects.none()
    return access_for(request.user).restrict(OrgUnit.objects.order_by("name"))


class UnitScopedFilterSet(django_filters.FilterSet):
    """``unit=<pk>`` alone, or with ``below=true`` the unit and every unit below it, among the
    units the person sees. ``unit_field`` is the lookup from the rows to their unit."""

    unit_field = "unit"
    unit = KeyOrIdFilter(
        queryset=units_seen,
        method="filter_unit",
        label=_("Unit (code or id)"),
        help_text="The unit's code, e.g. `emea-logistics`, or its id; with `below=true` the "
        "units below it too.",
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


def people_seen_by(request) -> QuerySet[User]:
    """The people a person may name in a filter: those they see (anonymous: none)."""
    if request is None:
        return User.objects.none()
    return people_seen(access_for(request.user)).order_by("username")
