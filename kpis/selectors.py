"""Reads for the KPI pages; each owns its select_related and prefetch_related."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from okrplatform.org.access import access_for
from okrplatform.org.models import User

from .health import Frequency, Health, KPIDirection, shift_periods
from .models import KPI, Measurement

SPARKLINE_POINTS = {
    Frequency.DAILY: 30,
    Frequency.WEEKLY: 12,
    Frequency.MONTHLY: 12,
    Frequency.QUARTERLY: 8,
}

# Exceptions first: critical, warning, stale, no data, then the healthy ones.
HEALTH_SEVERITY = Case(
    When(health=Health.CRITICAL, then=Value(0)),
    When(health=Health.WARNING, then=Value(1)),
    When(health=Health.STALE, then=Value(2)),
    When(health=Health.NO_DATA, then=Value(3)),
    default=Value(4),
    output_field=IntegerField(),
)


def visible_kpis(user: User) -> QuerySet[KPI]:
    kpis = KPI.objects.filter(is_active=True).select_related("unit", "owner")
    return access_for(user).restrict(kpis)


def board_order(kpis: QuerySet[KPI]) -> QuerySet[KPI]:
    return kpis.annotate(severity=HEALTH_SEVERITY).order_by("severity", "name", "pk")


@dataclass(frozen=True)
class Trend:
    """Where the last two measurements point, in words as well as an arrow."""

    code: str  # improving, worsening, steady, unknown
    label: str
    arrow: str


def trend_of(kpi: KPI, values: list[Decimal]) -> Trend:
    if len(values) < 2 or values[-1] == values[-2]:
        if len(values) < 2:
            return Trend("unknown", _("no trend yet"), "·")
        return Trend("steady", _("steady"), "→")
    rising = values[-1] > values[-2]
    better = rising == (kpi.direction == KPIDirection.HIGHER_IS_BETTER)
    return Trend(
        "improving" if better else "worsening",
        _("improving") if better else _("worsening"),
        "↗" if rising else "↘",
    )


def sparkline_values(kpis: list[KPI], today: date | None = None) -> dict[int, list[Decimal]]:
    """The recent values of each KPI, oldest first: one query for the whole page."""
    today = today or timezone.localdate()
    recent = Q()
    for frequency, count in SPARKLINE_POINTS.items():
        since = shift_periods(today, frequency, -count)
        recent |= Q(kpi__frequency=frequency, period__gt=since)
    values: dict[int, list[Decimal]] = {kpi.pk: [] for kpi in kpis}
    rows = (
        Measurement.objects.filter(recent, kpi__in=kpis)
        .order_by("kpi_id", "period")
        .values_list("kpi_id", "value")
    )
    for kpi_id, value in rows:
        values[kpi_id].append(value)
    return values


@dataclass(frozen=True)
class ValueChange:
    period: date
    before: Decimal
    after: Decimal
    when: datetime
    who: User | None


def measurement_changes(kpi: KPI, limit: int = 20) -> list[ValueChange]:
    """Periods sent again with another value: what they were before, newest change first.
    Two queries, whatever the length of the history."""
    changes = list(
        Measurement.history.filter(kpi_id=kpi.pk, history_type="~")
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    earlier = Measurement.history.filter(id__in={change.id for change in changes}).order_by(
        "id", "history_date"
    )
    value_before: dict[int, Decimal] = {}
    timeline: dict[int, list] = {}
    for record in earlier:
        timeline.setdefault(record.id, []).append(record)
    for change in changes:
        records = timeline[change.id]
        position = next(i for i, r in enumerate(records) if r.history_id == change.history_id)
        value_before[change.history_id] = records[position - 1].value if position else change.value
    return [
        ValueChange(
            change.period,
            value_before[change.history_id],
            change.value,
            change.history_date,
            change.history_user,
        )
        for change in changes
    ]


def chart_data(kpi: KPI, measurements: list[Measurement]) -> dict:
    """Measurements, thresholds and decisions for the chart on the KPI page."""

    def moment(day: date) -> int:
        return int(timezone.make_aware(datetime.combine(day, time())).timestamp() * 1000)

    points = [{"x": moment(m.period), "y": float(m.value)} for m in measurements]
    return {
        "points": points,
        "target": float(kpi.target),
        "warning": float(kpi.warning_threshold),
        "critical": float(kpi.critical_threshold),
        "higherIsBetter": kpi.direction == KPIDirection.HIGHER_IS_BETTER,
        "unit": kpi.unit_label,
        "decisions": [
            {
                "x": moment(decision.decided_on),
                "title": decision.title,
                "by": str(decision.decided_by),
            }
            for decision in kpi.decisions.all()
        ],
    }
