"""Every quality warning of a unit and everything below it, for one cycle, in one list.

One query per kind of warning, whatever the size of the subtree. Each warning names the object
and links to where it is fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kpis.health import Health
from kpis.models import KPI
from objectives import quality
from objectives.models import Cycle, KeyResult, Objective
from objectives.progress import MetricType
from okrplatform.org.access import Access
from okrplatform.org.models import OrgUnit
from okrplatform.org.selectors import in_subtree_of

from .models import Tension

LISTED_PER_KIND = 100

KINDS = {
    "too_many_objectives": gettext_lazy("Too many objectives"),
    "key_results": gettext_lazy("Objectives with no key results or too many"),
    "not_measurable": gettext_lazy("Key results without a measurable target"),
    "unaligned": gettext_lazy("Objectives not aligned"),
    "open_tension": gettext_lazy("Tensions without a trade-off decision"),
    "kpi_owner": gettext_lazy("KPIs without an owner"),
    "kpi_stale": gettext_lazy("Stale KPIs"),
}


@dataclass(frozen=True)
class QualityWarning:
    kind: str
    subject: str
    where: str
    message: str
    url: str
    fix: str


@dataclass
class QualityGroup:
    kind: str
    label: str
    warnings: list[QualityWarning]
    count: int


def _listed(rows: QuerySet) -> tuple[list, int]:
    """The first rows of one kind of warning and how many there are in all, in one query."""
    page = list(rows.annotate(rows_in_all=Window(Count("*")))[:LISTED_PER_KIND])
    if not page:
        return [], 0
    first = page[0]
    return page, first["rows_in_all"] if isinstance(first, dict) else first.rows_in_all


def quality_warnings(unit: OrgUnit, cycle: Cycle, access: Access) -> list[QualityGroup]:
    return UnitQuality(unit, cycle, access).groups()


def quality_counts(unit: OrgUnit, cycle: Cycle, access: Access) -> list[QualityGroup]:
    """How many warnings of each kind, without reading them (for agendas and slides)."""
    return UnitQuality(unit, cycle, access, counts_only=True).groups()


class UnitQuality:
    """The warnings of a unit and its subtree in a cycle, as the person sees them: one method
    per kind, each one query."""

    def __init__(
        self, unit: OrgUnit, cycle: Cycle, access: Access, *, counts_only: bool = False
    ) -> None:
        self.unit, self.cycle, self.access = unit, cycle, access
        self.counts_only = counts_only
        self.subtree = in_subtree_of(unit)
        self.objectives = access.restrict(
            Objective.objects.active().filter(cycle=cycle, unit_id__in=self.subtree),
            within=unit.pk,
        )
        self.kpis = access.restrict(
            KPI.objects.filter(unit_id__in=self.subtree, is_active=True)
            .select_related("unit")
            .order_by("unit__name", "name"),
            within=unit.pk,
        )

    def groups(self) -> list[QualityGroup]:
        return [
            self.too_many_objectives(),
            self.key_results(),
            self.not_measurable(),
            self.unaligned(),
            self.open_tensions(),
            self.kpis_without_owner(),
            self.stale_kpis(),
        ]

    def _group(
        self, kind: str, rows: QuerySet, warning: Callable[..., QualityWarning]
    ) -> QualityGroup:
        if self.counts_only:
            return QualityGroup(kind, str(KINDS[kind]), [], rows.order_by().count())
        page, total = _listed(rows)
        return QualityGroup(kind, str(KINDS[kind]), [warning(row) for row in page], total)

    def _objective_fix(self, unit_id: int, pk: int) -> tuple[str, str]:
        if self.access.is_manager_at(unit_id):
            return reverse("objective_edit", args=[pk]), _("Edit the objective")
        return reverse("objective_detail", args=[pk]), _("Open the objective")

    def too_many_objectives(self) -> QualityGroup:
        cycle = self.cycle
        rows = (
            self.objectives.values("unit_id", "unit__name")
            .annotate(count=Count("pk"))
            .filter(count__gt=quality.MAX_OBJECTIVES_PER_UNIT)
            .order_by("-count", "unit__name")
        )
        return self._group(
            "too_many_objectives",
            rows,
            lambda row: QualityWarning(
                "too_many_objectives",
                row["unit__name"],
                row["unit__name"],
                quality.too_many_objectives(row["unit__name"], row["count"], cycle),
                reverse("unit_dashboard", args=[row["unit_id"]]) + f"?cycle={cycle.pk}",
                _("Review the unit's objectives"),
            ),
        )

    def key_results(self) -> QualityGroup:
        # Found without counting the key results of every objective: those with none, and
        # those among the few with too many, which one pass over the key results finds.
        key_results = KeyResult.objects.filter(objective=OuterRef("pk")).order_by()
        too_many = (
            KeyResult.objects.order_by()
            .values("objective_id")
            .annotate(count=Count("pk"))
            .filter(count__gt=quality.MAX_KEY_RESULTS)
            .values("objective_id")
        )
        rows = (
            self.objectives.filter(progress_source=Objective.ProgressSource.KEY_RESULTS)
            .filter(~Exists(key_results) | Q(pk__in=too_many))
            .annotate(
                key_result_count=Coalesce(
                    Subquery(
                        key_results.values("objective").annotate(count=Count("pk")).values("count")
                    ),
                    0,
                )
            )
            .values("pk", "title", "unit_id", "unit__name", "key_result_count")
            .order_by("unit__name", "title")
        )
        return self._group(
            "key_results",
            rows,
            lambda row: QualityWarning(
                "key_results",
                row["title"],
                row["unit__name"],
                quality.no_key_results()
                if row["key_result_count"] == 0
                else quality.too_many_key_results(row["key_result_count"]),
                *self._objective_fix(row["unit_id"], row["pk"]),
            ),
        )

    def not_measurable(self) -> QualityGroup:
        rows = (
            KeyResult.objects.filter(objective__in=self.objectives, metric_type=MetricType.BOOLEAN)
            .values("title", "objective_id", "objective__unit_id", "objective__unit__name")
            .order_by("objective__unit__name", "objective__title", "id")
        )
        return self._group(
            "not_measurable",
            rows,
            lambda row: QualityWarning(
                "not_measurable",
                row["title"],
                row["objective__unit__name"],
                quality.not_measurable(row["title"]),
                *self._objective_fix(row["objective__unit_id"], row["objective_id"]),
            ),
        )

    def unaligned(self) -> QualityGroup:
        rows = (
            self.objectives.filter(is_aligned=False)
            .values("pk", "title", "unit_id", "unit__name")
            .order_by("unit__name", "title")
        )
        return self._group(
            "unaligned",
            rows,
            lambda row: QualityWarning(
                "unaligned",
                row["title"],
                row["unit__name"],
                quality.not_aligned(),
                *self._objective_fix(row["unit_id"], row["pk"]),
            ),
        )

    def open_tensions(self) -> QualityGroup:
        tensions = self.access.restrict(
            Tension.objects.filter(state=Tension.State.OPEN, objective__archived_at__isnull=True)
            .filter(Q(objective__unit_id__in=self.subtree) | Q(kpi__unit_id__in=self.subtree))
            .select_related("objective__unit", "kpi")
            .order_by("created_at"),
            within=self.unit.pk,
        )
        return self._group(
            "open_tension",
            tensions,
            lambda tension: QualityWarning(
                "open_tension",
                str(tension),
                tension.objective.unit.name,
                _("“%(objective)s” pulls against %(kpi)s and no trade-off is decided yet.")
                % {"objective": tension.objective.title, "kpi": tension.kpi.name},
                reverse("tension_detail", args=[tension.pk]),
                _("Record the trade-off"),
            ),
        )

    def kpis_without_owner(self) -> QualityGroup:
        admin = self.access.sees_everything  # fixes it in the admin; the others open the KPI
        return self._group(
            "kpi_owner",
            self.kpis.filter(owner__isnull=True),
            lambda kpi: QualityWarning(
                "kpi_owner",
                kpi.name,
                kpi.unit.name,
                _("Nobody owns this KPI, so nobody is reminded or told when it breaches."),
                reverse("admin:kpis_kpi_change", args=[kpi.pk])
                if admin
                else reverse("kpi_detail", args=[kpi.pk]),
                _("Name an owner") if admin else _("Open the KPI"),
            ),
        )

    def stale_kpis(self) -> QualityGroup:
        return self._group(
            "kpi_stale",
            self.kpis.filter(health=Health.STALE),
            lambda kpi: QualityWarning(
                "kpi_stale",
                kpi.name,
                kpi.unit.name,
                _("No measurement for two periods: its health is unknown."),
                reverse("kpi_detail", args=[kpi.pk]),
                _("Record a measurement"),
            ),
        )
