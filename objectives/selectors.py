"""Reads that span relations; each owns its select_related and prefetch_related."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from alignment.models import User

from .models import Cycle, KeyResult, Objective


def my_objectives(user: User) -> QuerySet[Objective]:
    """Objectives in active cycles that the person owns or holds a key result of."""
    mine = Q(owner=user) | Q(key_results__owner=user)
    return (
        Objective.objects.active()
        .filter(mine, cycle__state=Cycle.State.ACTIVE, cycle__kind=Cycle.Kind.QUARTER)
        .distinct()
        .select_related("unit", "cycle", "owner")
        .prefetch_related(
            Prefetch("key_results", KeyResult.objects.select_related("owner").order_by("id"))
        )
        .order_by("cycle__start_date", "unit__name", "title")
    )
