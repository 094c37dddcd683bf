"""What the KPI app tells webhook subscribers: a KPI's health changed."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from okrplatform.webhooks.events import Event, events_emit, wanted
from okrplatform.webhooks.models import EventType

from .health import Health
from .models import KPI


def health_before_refresh(kpis: QuerySet[KPI]) -> dict[int, str] | None:
    """The KPIs' health before it is recomputed, read only when someone subscribes."""
    if not wanted(EventType.KPI_HEALTH_CHANGED):
        return None
    return dict(kpis.values_list("pk", "health"))


def kpi_data(kpi: KPI) -> dict[str, Any]:
    return {
        "id": kpi.pk,
        "code": kpi.code,
        "name": kpi.name,
        "unit": kpi.unit.code,
        "owner": kpi.owner.username if kpi.owner else None,
        "health": kpi.health,
        "latest_value": kpi.latest_value,
        "latest_period": kpi.latest_period,
        "target": kpi.target,
        "warning_threshold": kpi.warning_threshold,
        "critical_threshold": kpi.critical_threshold,
        "direction": kpi.direction,
        "frequency": kpi.frequency,
    }


def kpi_health_changes_emit(kpis: QuerySet[KPI], before: dict[int, str]) -> int:
    """An event for each KPI whose health is not what it was; returns how many."""
    now = dict(kpis.values_list("pk", "health"))
    changed = [pk for pk, health in now.items() if before.get(pk, health) != health]
    if not changed:
        return 0
    events = []
    for kpi in KPI.objects.filter(pk__in=changed).select_related("unit", "owner"):
        previous = before[kpi.pk]

        def headline(kpi: KPI = kpi, previous: str = previous) -> str:
            return _("%(kpi)s went from %(before)s to %(now)s.") % {
                "kpi": kpi.name,
                "before": Health(previous).label,
                "now": Health(kpi.health).label,
            }

        events.append(
            Event(
                type=EventType.KPI_HEALTH_CHANGED,
                resource_pk=kpi.pk,
                unit_ids=[kpi.unit_id],
                path=reverse("kpi_detail", args=[kpi.pk]),
                data={**kpi_data(kpi), "previous_health": previous},
                headline=headline,
            )
        )
    return events_emit(EventType.KPI_HEALTH_CHANGED, lambda: events, visible_in=KPI.objects.all())
