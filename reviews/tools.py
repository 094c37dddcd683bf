"""The helpers: which framework fits a situation, and what a framework is worth.

Pure functions, so that the pages, the tests and anyone reading them see the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Scenarios where objectives and key results pay off, and where KPIs do (1 = not at all,
# 5 = very much so), from the decision matrix and checklist of the OKR-vs-KPI guide.
OKR_SCENARIOS = {
    "rapid_growth": gettext_lazy("Rapid growth"),
    "cross_functional": gettext_lazy("Cross-functional coordination"),
    "innovation": gettext_lazy("Innovation-driven improvement"),
    "alignment_challenges": gettext_lazy("Team alignment challenges"),
    "flexibility": gettext_lazy("Need for flexibility"),
    "strategic_alignment": gettext_lazy("Strategic alignment"),
    "focus_on_change": gettext_lazy("Focus on change"),
}
KPI_SCENARIOS = {
    "stable_operations": gettext_lazy("Stable operations"),
    "compliance": gettext_lazy("Compliance"),
    "resource_optimisation": gettext_lazy("Resource optimisation"),
    "performance_maintenance": gettext_lazy("Performance maintenance"),
    "incremental_improvement": gettext_lazy("Incremental improvement"),
}
# How far apart the two means must be for one framework to win outright.
CLEAR_LEAD = 1.0

OKR, KPI, HYBRID = "okr", "kpi", "hybrid"


@dataclass(frozen=True)
class Recommendation:
    choice: str
    okr_score: float
    kpi_score: float
    reasons: list[str]

    @property
    def title(self) -> str:
        return {
            OKR: _("OKRs"),
            KPI: _("KPIs"),
            HYBRID: _("A hybrid: KPIs as the health baseline, OKRs to drive change"),
        }[self.choice]


def _strongest(scores: dict[str, int], labels: dict) -> list[str]:
    ranked = sorted(labels, key=lambda name: (-scores[name], str(labels[name])))
    return [f"{labels[name]} ({scores[name]})" for name in ranked if scores[name] >= 4][:3]


def recommend(scores: dict[str, int]) -> Recommendation:
    """OKRs when the change-driving scenarios score clearly higher than the stability ones (by a
    point or more on average), KPIs in the opposite case, a two-tier hybrid otherwise."""
    okr = sum(scores[name] for name in OKR_SCENARIOS) / len(OKR_SCENARIOS)
    kpi = sum(scores[name] for name in KPI_SCENARIOS) / len(KPI_SCENARIOS)
    okr_drivers = _strongest(scores, OKR_SCENARIOS)
    kpi_drivers = _strongest(scores, KPI_SCENARIOS)
    means = {"okr": okr, "kpi": kpi}
    if abs(okr - kpi) >= CLEAR_LEAD:
        if okr > kpi:
            choice, drivers = OKR, okr_drivers
            lead = _("Change outweighs stability: %(okr).1f against %(kpi).1f on average.")
            fit = _("Ambitious, time-boxed objectives fit %(drivers)s.")
            advice = _("Keep a few KPIs as guardrails so the push for change harms nothing.")
        else:
            choice, drivers = KPI, kpi_drivers
            lead = _("Stability outweighs change: %(kpi).1f against %(okr).1f on average.")
            fit = _("Steady monitoring against thresholds fits %(drivers)s.")
            advice = _("Add an OKR when one of these KPIs must move, not just hold.")
        reasons = [lead % means]
        if drivers:
            reasons.append(fit % {"drivers": ", ".join(drivers)})
        reasons.append(advice)
    else:
        choice = HYBRID
        reasons = [
            _("Change and stability weigh about the same: %(okr).1f against %(kpi).1f.") % means,
            _(
                "Run KPIs as the baseline health metrics and set a few OKRs for what must change;"
                " link them so a KPI guards each OKR."
            ),
        ]
        if okr_drivers or kpi_drivers:
            reasons.append(
                _("Strongest pulls: %(drivers)s.")
                % {"drivers": ", ".join([*okr_drivers, *kpi_drivers])}
            )
    return Recommendation(choice, round(okr, 2), round(kpi, 2), reasons)


@dataclass(frozen=True)
class ROIInput:
    employees: int
    cost_per_employee: Decimal  # a year, fully loaded
    productivity_gain: Decimal  # percent
    hours_saved_per_week: Decimal  # per employee
    turnover_reduction: Decimal  # percentage points of staff who no longer leave in a year
    replacement_cost: Decimal  # to replace one leaver
    other_efficiency_gains: Decimal  # a year
    programme_cost: Decimal  # a year: licences, training, people's time
    working_weeks: int = 46
    hours_per_year: int = 1_720


@dataclass(frozen=True)
class ROIResult:
    productivity: Decimal
    time_saved: Decimal
    engagement: Decimal
    efficiency: Decimal
    benefits: Decimal
    cost: Decimal
    net: Decimal
    roi_percent: Decimal | None
    payback_months: Decimal | None


def framework_roi(values: ROIInput) -> ROIResult:
    """ROI = (benefits − cost) ÷ cost, with

    - productivity = employees × cost per employee × productivity gain
    - time saved = employees × hours saved a week × working weeks × hourly cost, where the
      hourly cost is the cost per employee ÷ hours worked a year
    - engagement = employees × turnover reduction × cost of replacing a leaver
    - efficiency = the other efficiency gains a year
    """
    people = Decimal(values.employees)
    hourly = values.cost_per_employee / Decimal(values.hours_per_year)
    productivity = people * values.cost_per_employee * values.productivity_gain / 100
    time_saved = people * values.hours_saved_per_week * values.working_weeks * hourly
    engagement = people * values.turnover_reduction / 100 * values.replacement_cost
    benefits = productivity + time_saved + engagement + values.other_efficiency_gains
    cost = values.programme_cost
    cents = Decimal("0.01")
    return ROIResult(
        productivity=productivity.quantize(cents),
        time_saved=time_saved.quantize(cents),
        engagement=engagement.quantize(cents),
        efficiency=values.other_efficiency_gains.quantize(cents),
        benefits=benefits.quantize(cents),
        cost=cost.quantize(cents),
        net=(benefits - cost).quantize(cents),
        roi_percent=((benefits - cost) / cost * 100).quantize(Decimal("0.1")) if cost else None,
        # Nothing to pay back without a cost, and no payback without benefits.
        payback_months=(cost / benefits * 12).quantize(Decimal("0.1"))
        if cost and benefits
        else None,
    )
