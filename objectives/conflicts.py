"""Possible conflicts: an objective's key results improve while a KPI that guards it worsens.

The throughput-versus-cost case: the cost KRs move, the throughput the regions live by slides.
Flagged from the numbers of the last four weeks, before anybody declares a tension.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from kpis.health import KPIDirection
from kpis.models import KPI, Measurement

from .models import CheckIn, KeyResult, KPILink, Objective
from .progress import weighted_progress

LOOK_BACK = timedelta(weeks=4)
# Less than this much movement is noise: half a point of progress, one percent of a KPI's value.
PROGRESS_NOISE = 0.005
KPI_NOISE = Decimal("0.01")


@dataclass(frozen=True)
class PossibleConflict:
    objective: Objective
    kpi: KPI
    progress_then: float
    progress_now: float
    kpi_then: object
    kpi_now: object

    @property
    def points_gained(self) -> int:
        return round((self.progress_now - self.progress_then) * 100)


def possible_conflicts(
    links: Iterable[KPILink], now: datetime | None = None
) -> list[PossibleConflict]:
    """For these guard links: the ones whose objective improved while the KPI worsened over the
    last four weeks. At most three queries, however many links, two when the links hold their
    objectives: the objectives' progress four weeks ago is read only for the links whose KPI
    worsened, which most pages have none of."""
    guard_links = [link for link in links if link.kind == KPILink.Kind.GUARDS]
    if not guard_links:
        return []
    then = (now or timezone.now()) - LOOK_BACK
    kpi_then = _kpi_values_then({link.kpi_id for link in guard_links}, then)
    worsened = [link for link in guard_links if _worsened(link.kpi, kpi_then.get(link.kpi_id))]
    if not worsened:
        return []
    objectives = _objectives_then(worsened, then)
    conflicts = []
    for link in worsened:
        objective = objectives[link.objective_id]
        if objective.progress_then is None:
            continue
        if (objective.progress or 0) > objective.progress_then + PROGRESS_NOISE:
            conflicts.append(
                PossibleConflict(
                    objective,
                    link.kpi,
                    objective.progress_then,
                    objective.progress or 0,
                    kpi_then[link.kpi_id],
                    link.kpi.latest_value,
                )
            )
    return conflicts


def _worsened(kpi: KPI, before) -> bool:
    """Whether the KPI's latest value is worse than ``before`` by more than the noise."""
    if before is None or kpi.latest_value is None:
        return False
    tolerance = abs(before) * KPI_NOISE
    if kpi.direction == KPIDirection.HIGHER_IS_BETTER:
        return kpi.latest_value < before - tolerance
    return kpi.latest_value > before + tolerance


def _kpi_values_then(kpi_ids: set[int], then: datetime) -> dict:
    values = (
        KPI.objects.filter(pk__in=kpi_ids)
        .annotate(
            value_then=Subquery(
                Measurement.objects.filter(kpi=OuterRef("pk"), period__lte=then.date())
                .order_by("-period")
                .values("value")[:1]
            )
        )
        .values_list("pk", "value_then")
    )
    return dict(values)


def _objectives_then(links: list[KPILink], then: datetime) -> dict[int, Objective]:
    """The links' objectives, each with ``progress_then``: the weighted progress of its KRs four
    weeks ago. An objective the link already holds (a page's own row) is not read again."""
    by_id = {
        link.objective_id: link.objective for link in links if KPILink.objective.is_cached(link)
    }
    missing = {link.objective_id for link in links} - by_id.keys()
    if missing:
        by_id.update(Objective.objects.in_bulk(missing))
    value_then = Subquery(
        CheckIn.objects.filter(key_result=OuterRef("pk"), created_at__lte=then)
        .order_by("-created_at", "-id")
        .values("value")[:1]
    )
    weighted_then: dict[int, list[tuple[Decimal, float]]] = {pk: [] for pk in by_id}
    key_results = KeyResult.objects.filter(objective_id__in=by_id).annotate(value_then=value_then)
    for key_result in key_results:
        progress = key_result.progress_at(key_result.value_then)  # type: ignore[attr-defined]
        weighted_then[key_result.objective_id].append((key_result.weight, progress))
    for objective in by_id.values():
        objective.progress_then = weighted_progress(weighted_then[objective.pk])
    return by_id
