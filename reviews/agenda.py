"""A review's agenda, built from live data: the objectives of the unit and below, the KPIs that
need attention, open interventions and tensions, quality warnings and the decisions taken since
the last review. A fixed number of queries, whatever the size of the unit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet

from alignment.models import Tension
from alignment.quality import QualityGroup, quality_warnings
from kpis.health import Health
from kpis.models import KPI
from kpis.selectors import HEALTH_SEVERITY
from objectives.models import CheckIn, Intervention, Objective, UnitRollup
from objectives.progress import STATUS_SEVERITY
from okrplatform.org.access import Access
from okrplatform.org.selectors import in_subtree_of

from .grading import review_objectives
from .models import Decision, ReviewMeeting

TREND_POINTS = 8


@dataclass
class ObjectiveLine:
    objective: Objective
    confidence: list[Decimal] = field(default_factory=list)  # mean per check-in week, oldest first
    last_check_in: datetime | None = None

    @property
    def confidence_now(self) -> Decimal | None:
        return self.confidence[-1] if self.confidence else None

    @property
    def confidence_trend(self) -> str:
        """rising, falling or steady, from the first to the last week shown."""
        if len(self.confidence) < 2:
            return "unknown"
        change = self.confidence[-1] - self.confidence[0]
        if change >= 1:
            return "rising"
        if change <= -1:
            return "falling"
        return "steady"


@dataclass
class Agenda:
    review: ReviewMeeting
    rollup: UnitRollup | None
    objectives: list[ObjectiveLine]
    kpis: list[KPI]
    interventions: list[Intervention]
    tensions: list[Tension]
    quality: list[QualityGroup]
    decisions_since: list[Decision]
    decisions_here: list[Decision]
    previous_review: ReviewMeeting | None

    @property
    def quality_count(self) -> int:
        return sum(group.count for group in self.quality)


def _confidence_by_week(objectives: list[Objective]) -> dict[int, tuple[list[Decimal], datetime]]:
    """Each objective's mean confidence per ISO week of its check-ins, and its last check-in."""
    rows = (
        CheckIn.objects.filter(key_result__objective__in=objectives)
        .order_by("created_at")
        .values_list("key_result__objective_id", "created_at", "confidence")
    )
    weeks: dict[int, dict[tuple[int, int], list[int]]] = defaultdict(lambda: defaultdict(list))
    last: dict[int, datetime] = {}
    for objective_id, created_at, confidence in rows:
        year, week, _day = created_at.isocalendar()
        weeks[objective_id][(year, week)].append(confidence)
        last[objective_id] = created_at
    result = {}
    for objective_id, by_week in weeks.items():
        means = [
            (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"))
            for _key, values in sorted(by_week.items())
        ]
        result[objective_id] = (means[-TREND_POINTS:], last[objective_id])
    return result


def previous_review_of(review: ReviewMeeting) -> ReviewMeeting | None:
    return (
        ReviewMeeting.objects.filter(unit=review.unit_id, scheduled_for__lt=review.scheduled_for)
        .order_by("-scheduled_for")
        .first()
    )


def review_decisions(review: ReviewMeeting) -> QuerySet[Decision]:
    return (
        review.decisions.select_related("decided_by")
        .prefetch_related("kpis", "objectives")
        .order_by("decided_on", "id")
    )


def decisions_since(review: ReviewMeeting, previous: ReviewMeeting | None) -> QuerySet[Decision]:
    """Decisions about the unit's objectives or KPIs, or taken in its reviews, since the last
    review (this cycle when there was none) and in the last review itself, outside this
    meeting."""
    subtree = in_subtree_of(review.unit)
    about_the_unit = (
        Q(objectives__unit_id__in=subtree)
        | Q(kpis__unit_id__in=subtree)
        | Q(review__unit_id=review.unit_id)
    )
    since = previous.scheduled_for.date() if previous else review.cycle.start_date
    taken_since = (
        Q(decided_on__gte=since) | Q(review=previous) if previous else Q(decided_on__gte=since)
    )
    return (
        Decision.objects.filter(about_the_unit, taken_since)
        .exclude(review=review)
        .distinct()
        .select_related("decided_by", "review")
        .order_by("-decided_on", "-id")
    )


def review_agenda(review: ReviewMeeting, access: Access) -> Agenda:
    subtree = in_subtree_of(review.unit)
    objectives = list(
        review_objectives(review)
        .annotate(severity=STATUS_SEVERITY)
        .order_by("severity", "progress", "title")
    )
    confidence = _confidence_by_week(objectives)
    lines = [
        ObjectiveLine(objective, *confidence.get(objective.pk, ([], None)))
        for objective in objectives
    ]
    attention = (
        KPI.objects.filter(
            unit_id__in=subtree,
            is_active=True,
            health__in=[Health.CRITICAL, Health.WARNING, Health.STALE],
        )
        .select_related("unit", "owner")
        .annotate(severity=HEALTH_SEVERITY)
        .order_by("severity", "name")
    )
    interventions = (
        Intervention.objects.exclude(state=Intervention.State.RESOLVED)
        .filter(Q(objective__unit_id__in=subtree) | Q(kpi__unit_id__in=subtree))
        .select_related("kpi", "objective")
        .order_by("opened_at")
    )
    tensions = (
        Tension.objects.filter(state=Tension.State.OPEN, objective__archived_at__isnull=True)
        .filter(Q(objective__unit_id__in=subtree) | Q(kpi__unit_id__in=subtree))
        .select_related("objective", "kpi")
        .order_by("created_at")
    )
    previous = previous_review_of(review)
    return Agenda(
        review=review,
        rollup=UnitRollup.objects.filter(unit=review.unit_id, cycle=review.cycle_id).first(),
        objectives=lines,
        kpis=list(attention),
        interventions=list(interventions),
        tensions=list(tensions),
        quality=quality_warnings(review.unit, review.cycle, access),
        decisions_since=list(decisions_since(review, previous)),
        decisions_here=list(review_decisions(review)),
        previous_review=previous,
    )
