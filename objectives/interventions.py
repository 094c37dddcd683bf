"""Interventions: when a KPI that leads or guards an objective breaches a threshold, the KPI's
owner and the objective's owner are called to act, across units, before the outcome is lost."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kpis.health import Health, health_in_a_sentence
from okrplatform.org.models import User
from okrplatform.org.notifications import notify

from .events import intervention_opened, intervention_resolved
from .models import Intervention, InterventionNote, KPILink

BREACHED = [Health.WARNING, Health.CRITICAL]
OPEN_STATES = [Intervention.State.OPEN, Intervention.State.ACKNOWLEDGED]


@dataclass
class InterventionReport:
    opened: int = 0
    recovered: int = 0
    breached_again: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def interventions_update(
    kpi_ids: Collection[int] | None = None, *, email: bool = True
) -> InterventionReport:
    """Open an intervention for each lead or guard link whose KPI is in warning or critical and
    has none open; mark open ones recovered when their KPI is back on target, and not recovered
    when it breaches again. Idempotent: running it twice opens nothing more."""
    report = InterventionReport()
    links = KPILink.objects.filter(
        kind__in=[KPILink.Kind.LEADS, KPILink.Kind.GUARDS],
        kpi__health__in=BREACHED,
        objective__archived_at__isnull=True,
    ).select_related("kpi__owner", "objective__owner")
    still_open = Intervention.objects.filter(state__in=OPEN_STATES)
    if kpi_ids is not None:
        links = links.filter(kpi_id__in=kpi_ids)
        still_open = still_open.filter(kpi_id__in=kpi_ids)
    already_open = set(still_open.values_list("kpi_id", "objective_id"))
    for link in links:
        if (link.kpi_id, link.objective_id) not in already_open:
            report.opened += _open(link, email=email)
            already_open.add((link.kpi_id, link.objective_id))
    report.recovered = still_open.filter(
        recovered_at__isnull=True, kpi__health=Health.ON_TARGET
    ).update(recovered_at=timezone.now())
    report.breached_again = still_open.filter(
        recovered_at__isnull=False, kpi__health__in=BREACHED
    ).update(recovered_at=None)
    return report


def _open(link: KPILink, *, email: bool) -> int:
    kpi, objective = link.kpi, link.objective
    try:
        with transaction.atomic():
            intervention = Intervention.objects.create(
                kpi=kpi,
                objective=objective,
                trigger_health=kpi.health,
                trigger_value=kpi.latest_value,
                trigger_period=kpi.latest_period,
            )
    except IntegrityError:
        return 0  # opened meanwhile by another worker: the database keeps it to one
    assignees = [person for person in (kpi.owner, objective.owner) if person is not None]
    intervention.assignees.set(assignees)
    notify(
        recipients=assignees,
        message=lambda: (
            _("%(kpi)s is in %(health)s and %(kind)s “%(objective)s”: an intervention is open.")
            % {
                "kpi": kpi.name,
                "health": health_in_a_sentence(kpi.health),
                "kind": _("guards") if link.kind == KPILink.Kind.GUARDS else _("leads"),
                "objective": objective.title,
            }
        ),
        url=reverse("intervention_detail", args=[intervention.pk]),
        email=email,
    )
    intervention_opened(intervention=intervention, guards=link.kind == KPILink.Kind.GUARDS)
    return 1


@transaction.atomic
def intervention_acknowledge(*, intervention: Intervention, by: User) -> None:
    if intervention.state != Intervention.State.OPEN:
        return
    intervention.state = Intervention.State.ACKNOWLEDGED
    intervention.acknowledged_at = timezone.now()
    intervention.acknowledged_by = by
    intervention._history_user = by
    intervention.save()


@transaction.atomic
def intervention_add_note(*, intervention: Intervention, author: User, text: str) -> None:
    InterventionNote.objects.create(intervention=intervention, author=author, text=text.strip())
    others = [person for person in intervention.assignees.all() if person.pk != author.pk]
    notify(
        recipients=others,
        message=lambda: (
            _("%(author)s wrote on the intervention for %(kpi)s: %(text)s")
            % {"author": author, "kpi": intervention.kpi.name, "text": text.strip()[:200]}
        ),
        url=reverse("intervention_detail", args=[intervention.pk]),
        email=False,
    )


@transaction.atomic
def intervention_resolve(*, intervention: Intervention, by: User, note: str = "") -> None:
    if intervention.state == Intervention.State.RESOLVED:
        return
    if note.strip():
        InterventionNote.objects.create(intervention=intervention, author=by, text=note.strip())
    intervention.state = Intervention.State.RESOLVED
    intervention.resolved_at = timezone.now()
    intervention.resolved_by = by
    intervention._history_user = by
    intervention.save()
    intervention_resolved(intervention=intervention)
