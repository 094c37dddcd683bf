"""Reads that span relations; each owns its select_related and prefetch_related."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from objectives.models import Intervention, KPILink
from okrplatform.org.access import access_for
from okrplatform.org.models import Membership, Notification, OrgUnit, User

from .models import CatchballMessage, CheckIn, Cycle, Initiative, KeyResult, Objective
from .progress import LOW_CONFIDENCE, Status, progress_status, weighted_progress

PARENT_CANDIDATES_SHOWN = 30


def key_results_with_context() -> QuerySet[KeyResult]:
    return KeyResult.objects.select_related("owner", "objective__cycle", "objective__unit")


def my_objectives(user: User) -> QuerySet[Objective]:
    """Objectives in active quarters that the person owns or holds a key result of."""
    # A subquery rather than a join: no DISTINCT, and each side uses its owner index.
    holds_a_key_result = KeyResult.objects.filter(owner=user).values("objective_id")
    mine = Q(owner=user) | Q(pk__in=holds_a_key_result)
    return (
        Objective.objects.active()
        .filter(mine, cycle__state=Cycle.State.ACTIVE, cycle__kind=Cycle.Kind.QUARTER)
        .select_related("unit", "cycle", "owner")
        .prefetch_related(
            Prefetch(
                "key_results", KeyResult.objects.select_related("owner", "grade").order_by("id")
            )
        )
        .order_by("cycle__start_date", "unit__name", "title")
    )


@dataclass
class Attention:
    """One of my key results that needs me, and why, most urgent first."""

    key_result: KeyResult
    reasons: list[str] = field(default_factory=list)
    rank: int = 0


def needing_attention(objectives: list[Objective], user: User, now: datetime) -> list[Attention]:
    """From objectives already loaded: my KRs off track, not checked in for a week, or with
    low confidence. Off track first, then low confidence, then quiet ones."""
    items = []
    for objective in objectives:
        for key_result in objective.key_results.all():
            if key_result.owner_id != user.pk:
                continue
            item = Attention(key_result)
            if key_result.status == Status.OFF_TRACK:
                item.reasons.append(_("off track"))
                item.rank += 4
            if key_result.has_check_ins and key_result.confidence <= LOW_CONFIDENCE:
                item.reasons.append(_("confidence %(n)d of 10") % {"n": key_result.confidence})
                item.rank += 2
            if key_result.needs_check_in(now):
                item.reasons.append(_("no check-in for a week"))
                item.rank += 1
            if item.reasons:
                items.append(item)
    return sorted(items, key=lambda item: (-item.rank, item.key_result.progress))


def objective_for_page() -> QuerySet[Objective]:
    """Objectives with all that their page shows, in a fixed number of queries."""
    return Objective.objects.select_related(
        "unit__parent", "cycle", "owner", "parent__unit", "grade", "deployed_from__unit"
    ).prefetch_related(
        Prefetch(
            "key_results",
            KeyResult.objects.select_related("owner", "grade", "driving_kpi").order_by("id"),
        ),
        Prefetch(
            "children",
            Objective.objects.active().select_related("unit", "owner").order_by("title"),
        ),
        # Tensions are recorded by the alignment frameworks, a floor above: read through the
        # relation they declare.
        "tensions__kpi",
        "tensions__key_result",
        Prefetch("kpi_links", queryset=KPILink.objects.select_related("kpi")),
        Prefetch(
            "interventions",
            Intervention.objects.exclude(state=Intervention.State.RESOLVED).select_related("kpi"),
            to_attr="open_interventions",
        ),
        Prefetch("catchball_messages", CatchballMessage.objects.select_related("author")),
        Prefetch(
            "deployments",
            Objective.objects.active().select_related("unit").order_by("unit__name"),
            to_attr="live_copies",
        ),
    )


def also_supported(objective: Objective) -> tuple[list[Objective], list[Objective]]:
    """The objectives this one also supports, beside the one it aligns to, and those that also
    support it, each with its unit, by title: both directions in one query."""
    links = (
        Objective.supports.through.objects.filter(
            Q(from_objective=objective) | Q(to_objective=objective)
        )
        .select_related("from_objective__unit", "to_objective__unit")
        .order_by("to_objective__title", "from_objective__title")
    )
    supports, supported_by = [], []
    for link in links:
        if link.from_objective_id == objective.pk:
            supports.append(link.to_objective)
        if link.to_objective_id == objective.pk:
            supported_by.append(link.from_objective)
    return supports, supported_by


def catchball_waiting_for(user: User) -> QuerySet[Objective]:
    """Proposals from the units right below the ones I lead or manage, and my objectives
    returned to me."""
    decides = Q(unit__parent__lead=user) | Q(
        unit__parent__memberships__user=user,
        unit__parent__memberships__role=Membership.Role.MANAGER,
    )
    waiting = Q(decides, catchball=Objective.Catchball.PROPOSED) | Q(
        catchball=Objective.Catchball.RETURNED, owner=user
    )
    return (
        Objective.objects.active()
        .filter(waiting)
        .distinct()
        .select_related("unit", "owner", "cycle")
        .order_by("cycle__start_date", "unit__name", "title")
    )


def my_open_interventions(user: User) -> QuerySet[Intervention]:
    return (
        Intervention.objects.filter(assignees=user)
        .exclude(state=Intervention.State.RESOLVED)
        .select_related("kpi", "objective")
        .order_by("-opened_at")
    )


def my_unread_notifications(user: User) -> list[Notification]:
    return list(user.notifications.filter(read_at__isnull=True)[:10])


def initiatives_of(objective: Objective) -> QuerySet[Initiative]:
    return (
        Initiative.objects.filter(key_results__objective=objective)
        .distinct()
        .select_related("owner", "unit")
        .order_by("title")
    )


@dataclass(frozen=True)
class ProgressChart:
    """Check-in history as chart series: the objective, each KR, and the expected line."""

    objective: list[dict]
    key_results: list[dict]
    expected: list[dict]

    @property
    def is_empty(self) -> bool:
        return not self.objective

    def as_json_data(self) -> dict:
        return {
            "objective": {"label": _("Objective"), "points": self.objective},
            "expected": {"label": _("Expected progress"), "points": self.expected},
            "keyResults": self.key_results,
            "today": int(timezone.now().timestamp() * 1000),
        }


def progress_chart(objective: Objective) -> ProgressChart:
    """Progress over time from the check-ins, in percent; one query for all check-ins."""
    key_results = list(objective.key_results.all())
    by_id = {key_result.pk: key_result for key_result in key_results}
    check_ins = (
        CheckIn.objects.filter(key_result__in=key_results)
        .order_by("created_at", "id")
        .values_list("key_result_id", "created_at", "value")
    )
    progress_now = dict.fromkeys(by_id, 0.0)
    weights = {pk: float(key_result.weight) for pk, key_result in by_id.items()}
    total_weight = sum(weights.values())
    # Σ wᵢ·pᵢ over every key result's progress so far, moved by each check-in as it comes: the
    # objective's point after each one without summing all its key results again.
    weighted_sum = 0.0
    objective_points, key_result_points = [], {pk: [] for pk in by_id}
    for key_result_id, created_at, value in check_ins:
        progress = by_id[key_result_id].progress_at(value)
        weighted_sum += weights[key_result_id] * (progress - progress_now[key_result_id])
        progress_now[key_result_id] = progress
        moment = int(created_at.timestamp() * 1000)
        key_result_points[key_result_id].append({"x": moment, "y": round(progress * 100, 1)})
        mean = weighted_sum / total_weight if total_weight else 0.0
        objective_points.append({"x": moment, "y": round(mean * 100, 1)})
    return ProgressChart(
        objective=objective_points,
        key_results=[
            {"label": by_id[pk].title, "points": points}
            for pk, points in key_result_points.items()
            if points
        ],
        expected=progress_chart_expected(objective),
    )


def progress_chart_expected(objective: Objective) -> list[dict]:
    """The expected-progress line: 0 % on the cycle's first day, 100 % on its last."""
    cycle = objective.cycle
    start = timezone.make_aware(datetime.combine(cycle.start_date, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(cycle.end_date, datetime.min.time()))
    return [
        {"x": int(start.timestamp() * 1000), "y": 0},
        {"x": int(end.timestamp() * 1000), "y": 100},
    ]


def parent_candidates(
    user: User, *, unit: OrgUnit | None, cycle: Cycle | None, query: str = ""
) -> list[Objective]:
    """Objectives the user may align to: in this cycle or one enclosing it, nearest units first,
    or, when searching, any matching title the user may see."""
    objectives = visible_objectives(user)
    if cycle is not None:
        enclosing = [cycle.pk, *cycle.ancestors().values_list("pk", flat=True)]
        objectives = objectives.filter(cycle_id__in=enclosing)
    if query:
        objectives = objectives.filter(title__icontains=query)
    elif unit is not None:
        above = [unit.pk, *unit.ancestors().values_list("pk", flat=True)]
        objectives = objectives.filter(unit_id__in=above)
    return list(
        objectives.order_by("-cycle__end_date", "unit__name", "title")[:PARENT_CANDIDATES_SHOWN]
    )


def visible_objectives(user: User) -> QuerySet[Objective]:
    """Current objectives in the units the person sees."""
    return access_for(user).restrict(Objective.objects.active().select_related("unit", "cycle"))


def default_cycle() -> Cycle | None:
    """The active quarter containing today, else the most recent active cycle, else any."""
    today = timezone.localdate()
    cycles = Cycle.objects.order_by("-start_date")
    return (
        cycles.filter(kind=Cycle.Kind.QUARTER, state=Cycle.State.ACTIVE).containing(today).first()
        or cycles.filter(state=Cycle.State.ACTIVE).first()
        or cycles.first()
    )


def cycles_for_switcher() -> list[Cycle]:
    """Every cycle in its nesting, plan → year → quarter, the latest first among siblings; each
    with ``nested_label``, indented by its depth, for a picker."""
    cycles = list(Cycle.objects.with_tree_fields().order_siblings_by("-start_date", "kind"))
    for cycle in cycles:
        depth = cycle.tree_depth
        cycle.nested_label = "\u2003" * depth + ("↳ " if depth else "") + str(cycle)
    return cycles


def objective_progress_now(objective: Objective) -> dict:
    """The objective's progress and status from its KRs as they are now, for the page to show
    before the rollup task has stored them."""
    if objective.progress_source != Objective.ProgressSource.KEY_RESULTS:
        return {"progress": objective.progress, "status": objective.status}
    progress = weighted_progress(objective.key_results.values_list("weight", "progress"))
    status = progress_status(progress, objective.cycle.expected_progress())
    return {"progress": progress, "status": status}
