"""A review's agenda, built from live data and the size of what a meeting reads, whatever the
size of the unit: the units right below as summaries, the objectives furthest behind (a page at
a time, with how many more), the KPIs that need attention, open interventions and tensions,
quality warnings by kind and the decisions taken since the last review.

Every figure is an aggregate the database computes; a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Generic, TypeVar

from django.db.models import Avg, Count, Max, Q, QuerySet, Window
from django.db.models.functions import TruncWeek

from alignment.models import Tension
from alignment.quality import QualityGroup, quality_counts
from alignment.selectors import UnitRow, child_unit_rows
from kpis.health import Health
from kpis.models import KPI
from kpis.selectors import HEALTH_SEVERITY
from objectives.models import CheckIn, Intervention, Objective, UnitConfidenceWeek, UnitRollup
from objectives.progress import STATUS_SEVERITY
from objectives.unit_rollups import confidence_weeks
from okrplatform.org.access import Access
from okrplatform.org.models import OrgUnit
from okrplatform.org.selectors import in_subtree_of

from .grading import review_objectives
from .models import Decision, ReviewMeeting

TREND_POINTS = 8
# What a meeting reads; beyond these the agenda says how many more there are and where they are.
OBJECTIVES_SHOWN = 20
UNITS_SHOWN = 12
KPIS_SHOWN = 12
INTERVENTIONS_SHOWN = 10
TENSIONS_SHOWN = 6
DECISIONS_SHOWN = 12


class ConfidenceTrend:
    """Mean confidence per week of check-ins, oldest first, and where it is heading."""

    confidence: list[Decimal]

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
class ObjectiveLine(ConfidenceTrend):
    objective: Objective
    confidence: list[Decimal] = field(default_factory=list)  # mean per check-in week, oldest first
    last_check_in: datetime | None = None


@dataclass
class UnitSummary(ConfidenceTrend):
    """A unit right below the review's, and everything below it, in figures."""

    unit: OrgUnit
    rollup: UnitRollup | None
    has_children: bool
    confidence: list[Decimal] = field(default_factory=list)  # the last weeks with check-ins


T = TypeVar("T")


@dataclass
class Listed(Generic[T]):
    """The first rows of a list and how many there are in all."""

    rows: list[T]
    count: int
    start: int = 0

    def __iter__(self) -> Iterator[T]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)

    @property
    def more(self) -> int:
        return max(0, self.count - self.start - len(self.rows))

    @property
    def next_start(self) -> int:
        return self.start + len(self.rows)


@dataclass
class Agenda:
    review: ReviewMeeting
    rollup: UnitRollup | None
    units: Listed[UnitSummary]
    objectives: Listed[ObjectiveLine]
    kpis: Listed[KPI]
    interventions: Listed[Intervention]
    tensions: Listed[Tension]
    quality: list[QualityGroup]
    decisions_since: Listed[Decision]
    decisions_here: list[Decision]
    previous_review: ReviewMeeting | None

    @property
    def quality_count(self) -> int:
        return sum(group.count for group in self.quality)


def _listed(rows: QuerySet, size: int, start: int = 0) -> Listed:
    """A page of ``rows`` and their number in all, in one query."""
    page = list(rows.annotate(rows_in_all=Window(Count("*")))[start : start + size])
    return Listed(page, page[0].rows_in_all if page else 0, start)


def objective_lines(objectives: list[Objective]) -> list[ObjectiveLine]:
    """Each objective with its mean confidence per week of check-ins (the last weeks) and its
    last check-in, aggregated by the database: one row per objective and week."""
    weeks = (
        CheckIn.objects.filter(key_result__objective__in=objectives)
        .annotate(week=TruncWeek("created_at"))
        .values("key_result__objective_id", "week")
        .annotate(mean=Avg("confidence"), last=Max("created_at"))
        .order_by("key_result__objective_id", "week")
    )
    means: dict[int, list[Decimal]] = defaultdict(list)
    last: dict[int, datetime] = {}
    for row in weeks:
        objective_id = row["key_result__objective_id"]
        means[objective_id].append(Decimal(str(row["mean"])).quantize(Decimal("0.1")))
        last[objective_id] = row["last"]
    return [
        ObjectiveLine(objective, means[objective.pk][-TREND_POINTS:], last.get(objective.pk))
        for objective in objectives
    ]


def branch_confidence(review: ReviewMeeting, units: list[OrgUnit]) -> dict[int, list[Decimal]]:
    """Mean confidence per week over everything below each unit, in the review's cycle: the
    weekly sums the rollups keep, a row per unit and week."""
    if not units:
        return {}
    first, last = confidence_weeks(review.cycle)
    weeks = UnitConfidenceWeek.objects.filter(
        unit__in=units, cycle=review.cycle_id, week__range=(first, last)
    ).order_by("unit_id", "week")
    trends: dict[int, list[Decimal]] = defaultdict(list)
    for week in weeks:
        trends[week.unit_id].append(week.confidence)
    return trends


def unit_summaries(
    review: ReviewMeeting, access: Access, *, with_trends: bool = True
) -> Listed[UnitSummary]:
    """The units right below the review's unit, exceptions first, as far as a meeting reads."""
    rows: list[UnitRow] = child_unit_rows(review.unit, review.cycle, access)
    shown = rows[:UNITS_SHOWN]
    trends = branch_confidence(review, [row.unit for row in shown]) if with_trends else {}
    return Listed(
        [
            UnitSummary(row.unit, row.rollup, row.has_children, trends.get(row.unit.pk, []))
            for row in shown
        ],
        len(rows),
    )


def _listed_by_keys(rows: QuerySet, size: int, start: int = 0) -> Listed:
    """A page of ``rows`` and their number in all, in two queries: the page's keys and the
    count from the bare rows, then only the page's rows with what they bring along (a window
    over thousands of wide, joined rows costs more than the second query)."""
    keys = list(
        rows.select_related(None)
        .prefetch_related(None)
        .annotate(rows_in_all=Window(Count("*")))
        .values_list("pk", "rows_in_all")[start : start + size]
    )
    if not keys:
        return Listed([], 0, start)
    by_pk = {row.pk: row for row in rows.filter(pk__in=[pk for pk, _count in keys])}
    return Listed([by_pk[pk] for pk, _count in keys], keys[0][1], start)


def worst_objectives(
    review: ReviewMeeting, start: int = 0, *, with_trends: bool = True
) -> Listed[ObjectiveLine]:
    """The review's objectives furthest behind first, a page from ``start``."""
    page = _listed_by_keys(
        review_objectives(review)
        .annotate(severity=STATUS_SEVERITY)
        .order_by("severity", "progress", "title", "pk"),
        OBJECTIVES_SHOWN,
        start,
    )
    lines = (
        objective_lines(page.rows)
        if with_trends
        else [ObjectiveLine(objective) for objective in page.rows]
    )
    return Listed(lines, page.count, start)


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


def kpis_needing_attention(review: ReviewMeeting) -> QuerySet[KPI]:
    return (
        KPI.objects.filter(
            unit_id__in=in_subtree_of(review.unit),
            is_active=True,
            health__in=[Health.CRITICAL, Health.WARNING, Health.STALE],
        )
        .select_related("unit", "owner")
        .annotate(severity=HEALTH_SEVERITY)
        .order_by("severity", "name", "pk")
    )


def open_interventions(review: ReviewMeeting) -> QuerySet[Intervention]:
    subtree = in_subtree_of(review.unit)
    return (
        Intervention.objects.exclude(state=Intervention.State.RESOLVED)
        .filter(Q(objective__unit_id__in=subtree) | Q(kpi__unit_id__in=subtree))
        .select_related("kpi", "objective")
        .order_by("opened_at", "pk")
    )


def open_tensions(review: ReviewMeeting) -> QuerySet[Tension]:
    subtree = in_subtree_of(review.unit)
    return (
        Tension.objects.filter(state=Tension.State.OPEN, objective__archived_at__isnull=True)
        .filter(Q(objective__unit_id__in=subtree) | Q(kpi__unit_id__in=subtree))
        .select_related("objective", "kpi")
        .order_by("created_at", "pk")
    )


def review_agenda(review: ReviewMeeting, access: Access, *, objectives_from: int = 0) -> Agenda:
    previous = previous_review_of(review)
    since = decisions_since(review, previous)
    return Agenda(
        review=review,
        rollup=UnitRollup.objects.filter(unit=review.unit_id, cycle=review.cycle_id).first(),
        units=unit_summaries(review, access),
        objectives=worst_objectives(review, objectives_from),
        kpis=_listed(kpis_needing_attention(review), KPIS_SHOWN),
        interventions=_listed(open_interventions(review), INTERVENTIONS_SHOWN),
        tensions=_listed(open_tensions(review), TENSIONS_SHOWN),
        quality=quality_counts(review.unit, review.cycle, access),
        # Distinct rows: counted apart, the window would count the duplicates of the joins.
        decisions_since=Listed(list(since[:DECISIONS_SHOWN]), since.count()),
        decisions_here=list(review_decisions(review)),
        previous_review=previous,
    )


def live_figures(review: ReviewMeeting, access: Access) -> Agenda:
    """Only the figures the slides refresh while the meeting runs: the rollup, the units', the
    objectives' and key results' on the slides, the KPIs'. No trends, lists or decisions."""
    return Agenda(
        review=review,
        rollup=UnitRollup.objects.filter(unit=review.unit_id, cycle=review.cycle_id).first(),
        units=unit_summaries(review, access, with_trends=False),
        objectives=worst_objectives(review, with_trends=False),
        kpis=_listed(kpis_needing_attention(review), KPIS_SHOWN),
        interventions=Listed([], 0),
        tensions=Listed([], 0),
        quality=[],
        decisions_since=Listed([], 0),
        decisions_here=[],
        previous_review=None,
    )
