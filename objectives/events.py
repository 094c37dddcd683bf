"""What objectives tell webhook subscribers: a check-in recorded, an objective's status changed,
an intervention opened or resolved. Each event carries the resource's data as it is now."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kpis.health import health_in_a_sentence
from okrplatform.webhooks.events import Event, events_emit, wanted
from okrplatform.webhooks.models import EventType

from .models import CheckIn, Intervention, Objective
from .progress import Status


def _person(person) -> str | None:
    return person.username if person is not None else None


def objective_data(objective: Objective) -> dict[str, Any]:
    return {
        "id": objective.pk,
        "title": objective.title,
        "unit": objective.unit.code,
        "cycle": objective.cycle.code,
        "owner": _person(objective.owner),
        "progress": objective.progress,
        "status": objective.status,
    }


def check_ins_recorded(check_ins: Sequence[CheckIn]) -> None:
    """Each check-in with its key result (and its objective, unit, cycle, owner) at hand."""
    events_emit(
        EventType.CHECK_IN_RECORDED,
        lambda: [_check_in_event(check_in) for check_in in check_ins],
        visible_in=CheckIn.objects.all(),
    )


def check_ins_recorded_by_id(check_in_ids: Collection[int]) -> None:
    """The same for check-ins made in bulk, read back only when someone subscribes."""
    if not check_in_ids or not wanted(EventType.CHECK_IN_RECORDED):
        return
    check_ins = CheckIn.objects.filter(pk__in=check_in_ids).select_related(
        "author",
        "key_result__owner",
        "key_result__objective__unit",
        "key_result__objective__cycle",
        "key_result__objective__owner",
    )
    check_ins_recorded(list(check_ins))


def _check_in_event(check_in: CheckIn) -> Event:
    key_result = check_in.key_result
    objective = key_result.objective

    def headline() -> str:
        return _(
            "%(who)s checked in %(value)s on “%(key_result)s” (confidence %(confidence)d of 10)."
        ) % {
            "who": check_in.author or _("The system"),
            "value": check_in.value,
            "key_result": key_result.title,
            "confidence": check_in.confidence,
        }

    return Event(
        type=EventType.CHECK_IN_RECORDED,
        resource_pk=check_in.pk,
        unit_ids=[objective.unit_id],
        occurred_at=check_in.created_at,
        path=reverse("objective_detail", args=[objective.pk]),
        data={
            "id": check_in.pk,
            "value": check_in.value,
            "confidence": check_in.confidence,
            "note": check_in.note,
            "source": check_in.source,
            "author": _person(check_in.author),
            "checked_in_at": check_in.created_at,
            "key_result": {
                "id": key_result.pk,
                "title": key_result.title,
                "owner": _person(key_result.owner),
                "current_value": key_result.current_value,
                "target_value": key_result.target_value,
                "progress": key_result.progress,
                "status": key_result.status,
            },
            "objective": objective_data(objective),
        },
        headline=headline,
    )


def objective_status_changes_wanted() -> bool:
    return wanted(EventType.OBJECTIVE_STATUS_CHANGED)


def objective_statuses_changed(changes: Collection[tuple[int, str, str]]) -> None:
    """``changes`` are (objective id, status before, status now) of the rows just written."""
    before = {objective_id: old for objective_id, old, _new in changes}
    objectives = Objective.objects.filter(pk__in=before).select_related("unit", "cycle", "owner")
    events_emit(
        EventType.OBJECTIVE_STATUS_CHANGED,
        lambda: [
            Event(
                type=EventType.OBJECTIVE_STATUS_CHANGED,
                resource_pk=objective.pk,
                unit_ids=[objective.unit_id],
                path=reverse("objective_detail", args=[objective.pk]),
                data={**objective_data(objective), "previous_status": before[objective.pk]},
                headline=_status_sentence(objective, before[objective.pk]),
            )
            for objective in objectives
        ],
        visible_in=Objective.objects.all(),
    )


def _status_sentence(objective: Objective, previous: str):
    def headline() -> str:
        return _("“%(objective)s” went from %(before)s to %(now)s.") % {
            "objective": objective.title,
            "before": Status(previous).label if previous in Status.values else previous,
            "now": Status(objective.status).label,
        }

    return headline


def intervention_data(intervention: Intervention) -> dict[str, Any]:
    kpi, objective = intervention.kpi, intervention.objective
    return {
        "id": intervention.pk,
        "state": intervention.state,
        "kpi": {"id": kpi.pk, "code": kpi.code, "name": kpi.name, "health": kpi.health},
        "objective": {"id": objective.pk, "title": objective.title, "unit": objective.unit.code},
        "trigger_health": intervention.trigger_health,
        "trigger_value": intervention.trigger_value,
        "trigger_period": intervention.trigger_period,
        "opened_at": intervention.opened_at,
        "resolved_at": intervention.resolved_at,
        "resolved_by": _person(intervention.resolved_by),
        "assignees": sorted(person.username for person in intervention.assignees.all()),
    }


def intervention_opened(*, intervention: Intervention, guards: bool) -> None:
    kpi, objective = intervention.kpi, intervention.objective
    _intervention_event(
        intervention,
        EventType.INTERVENTION_OPENED,
        lambda: (
            _("%(kpi)s is in %(health)s and %(kind)s “%(objective)s”: an intervention is open.")
            % {
                "kpi": kpi.name,
                "health": health_in_a_sentence(intervention.trigger_health),
                "kind": _("guards") if guards else _("leads"),
                "objective": objective.title,
            }
        ),
    )


def intervention_resolved(*, intervention: Intervention) -> None:
    _intervention_event(
        intervention,
        EventType.INTERVENTION_RESOLVED,
        lambda: (
            _("%(who)s resolved the intervention for %(kpi)s on “%(objective)s”.")
            % {
                "who": intervention.resolved_by or _("Someone"),
                "kpi": intervention.kpi.name,
                "objective": intervention.objective.title,
            }
        ),
    )


def _intervention_event(intervention: Intervention, event_type: str, headline) -> None:
    events_emit(
        event_type,
        lambda: [
            Event(
                type=event_type,
                resource_pk=intervention.pk,
                unit_ids=[intervention.kpi.unit_id, intervention.objective.unit_id],
                path=reverse("intervention_detail", args=[intervention.pk]),
                data=intervention_data(intervention),
                headline=headline,
            )
        ],
        visible_in=Intervention.objects.all(),
    )
