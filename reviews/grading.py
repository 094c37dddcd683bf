"""Closing a cycle in a review: grades offered from progress, the cause of each miss suggested
from the data, confirmed by people; then the review is closed and becomes a record.

A miss is an *execution* miss when most of the objective's key results were not delivered, and a
*strategy* miss when they were delivered and the outcome did not move: the KPIs that lead,
guard or drive it did not improve over the cycle (or, without such KPIs, the objective still
fell short of its mark).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kpis.health import KPIDirection
from kpis.models import KPI, Measurement
from objectives.conflicts import KPI_NOISE
from objectives.models import Cycle, KeyResult, KPILink, Objective
from objectives.progress import weighted_progress
from okrplatform.org.models import User
from okrplatform.org.selectors import in_subtree_of

from .events import review_closed
from .models import KeyResultGrade, ObjectiveGrade, ReviewMeeting

# A key result counts as delivered at this grade or above.
DELIVERED = Decimal("0.7")
Cause = ObjectiveGrade.MissCause


def as_grade(progress: float | None) -> Decimal:
    """A progress figure as the grade it suggests: two decimals, 0.00 to 1.00."""
    share = min(1.0, max(0.0, progress or 0.0))
    return Decimal(str(share)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def review_objectives(review: ReviewMeeting) -> QuerySet[Objective]:
    """What the review covers: the objectives of its unit and every unit below it, in its cycle."""
    return (
        Objective.objects.active()
        .filter(cycle=review.cycle_id, unit_id__in=in_subtree_of(review.unit))
        .select_related("unit", "owner", "cycle", "grade")
        .prefetch_related(
            Prefetch(
                "key_results",
                KeyResult.objects.select_related("owner", "grade", "driving_kpi").order_by("id"),
            ),
            Prefetch("kpi_links", KPILink.objects.select_related("kpi").order_by("kind", "id")),
        )
        .order_by("unit__name", "title")
    )


@dataclass(frozen=True)
class KPIMovement:
    kpi: KPI
    then: Decimal
    now: Decimal

    @property
    def improved(self) -> bool:
        tolerance = abs(self.then) * KPI_NOISE
        if self.kpi.direction == KPIDirection.HIGHER_IS_BETTER:
            return self.now > self.then + tolerance
        return self.now < self.then - tolerance


def kpi_movements(kpis: list[KPI], cycle: Cycle) -> dict[int, KPIMovement]:
    """Each KPI's last value before the cycle (or its first within) against its last within.
    One query for all of them."""
    rows = (
        Measurement.objects.filter(kpi__in=kpis, period__lte=cycle.end_date)
        .order_by("kpi_id", "period")
        .values_list("kpi_id", "period", "value")
    )
    before: dict[int, Decimal] = {}
    first_within: dict[int, Decimal] = {}
    last_within: dict[int, Decimal] = {}
    for kpi_id, period, value in rows:
        if period < cycle.start_date:
            before[kpi_id] = value
        else:
            first_within.setdefault(kpi_id, value)
            last_within[kpi_id] = value
    by_id = {kpi.pk: kpi for kpi in kpis}
    movements = {}
    for kpi_id, now in last_within.items():
        then = before.get(kpi_id, first_within[kpi_id])
        movements[kpi_id] = KPIMovement(by_id[kpi_id], then, now)
    return movements


@dataclass(frozen=True)
class MissSuggestion:
    cause: str
    explanation: str

    @property
    def label(self) -> str:
        return Cause(self.cause).label


def suggest_miss_cause(
    deliverables: list[tuple[object, Decimal]],
    movements: list[KPIMovement],
    *,
    from_children: bool = False,
) -> MissSuggestion:
    """Execution when less than half (by weight) of what was to be delivered — the key results,
    or the aligned objectives when progress comes from them — reached 0.7; strategy when it was
    delivered and no outcome KPI improved."""
    total = sum(thing.weight for thing, _grade in deliverables) or Decimal(1)
    delivered = [thing for thing, grade in deliverables if grade >= DELIVERED]
    counts = {
        "delivered": len(delivered),
        "total": len(deliverables),
        "things": _("aligned objectives") if from_children else _("key results"),
    }
    if not deliverables or sum(thing.weight for thing in delivered) / total < Decimal("0.5"):
        return MissSuggestion(
            Cause.EXECUTION,
            _("%(delivered)d of %(total)d %(things)s were delivered (graded 0.7 or more).")
            % counts,
        )
    improved = [movement for movement in movements if movement.improved]
    if improved:
        return MissSuggestion(
            Cause.EXECUTION,
            _(
                "%(delivered)d of %(total)d %(things)s were delivered and %(kpi)s improved: "
                "the rest decides it."
            )
            % {**counts, "kpi": improved[0].kpi.name},
        )
    if movements:
        names = ", ".join(movement.kpi.name for movement in movements)
        return MissSuggestion(
            Cause.STRATEGY,
            ngettext(
                "%(delivered)d of %(total)d %(things)s were delivered, but %(kpis)s did not "
                "improve over the cycle.",
                "%(delivered)d of %(total)d %(things)s were delivered, but none of %(kpis)s "
                "improved over the cycle.",
                len(movements),
            )
            % {**counts, "kpis": names},
        )
    return MissSuggestion(
        Cause.STRATEGY,
        _(
            "%(delivered)d of %(total)d %(things)s were delivered and the objective still fell "
            "short: they may not move the outcome."
        )
        % counts,
    )


@dataclass
class SheetLine:
    """One objective on the grading sheet, with what the data suggests."""

    objective: Objective
    suggested: Decimal
    key_results: list[tuple[KeyResult, Decimal]]
    movements: list[KPIMovement]
    children: list[SheetLine] = field(default_factory=list)

    @property
    def current_score(self) -> Decimal:
        grade = getattr(self.objective, "grade", None)
        return grade.score if grade is not None else self.suggested

    @property
    def is_miss(self) -> bool:
        return self.current_score < self.objective.success_mark

    @property
    def miss(self) -> MissSuggestion:
        if self.key_results or not self.children:
            return suggest_miss_cause(
                [(kr, _grade_of(kr, suggested)) for kr, suggested in self.key_results],
                self.movements,
            )
        return suggest_miss_cause(
            [(child.objective, child.current_score) for child in self.children],
            self.movements,
            from_children=True,
        )


def _grade_of(key_result: KeyResult, suggested: Decimal) -> Decimal:
    grade = getattr(key_result, "grade", None)
    return grade.score if grade is not None else suggested


def grading_sheet(review: ReviewMeeting) -> list[SheetLine]:
    """Every objective of the review with its suggested grade, its key results' suggested
    grades and the movement of its outcome KPIs: five queries."""
    objectives = list(review_objectives(review))
    kpis_of: dict[int, dict[int, KPI]] = defaultdict(dict)
    for objective in objectives:
        for link in objective.kpi_links.all():
            kpis_of[objective.pk][link.kpi_id] = link.kpi
        for key_result in objective.key_results.all():
            if key_result.driving_kpi is not None:
                kpis_of[objective.pk][key_result.driving_kpi_id] = key_result.driving_kpi
    all_kpis = list({kpi.pk: kpi for kpis in kpis_of.values() for kpi in kpis.values()}.values())
    movements = kpi_movements(all_kpis, review.cycle)
    lines = []
    for objective in objectives:
        key_results = [(kr, as_grade(kr.progress)) for kr in objective.key_results.all()]
        if objective.progress_source == Objective.ProgressSource.KEY_RESULTS and key_results:
            progress = weighted_progress(
                (kr.weight, float(_grade_of(kr, grade))) for kr, grade in key_results
            )
        else:
            progress = objective.progress
        lines.append(
            SheetLine(
                objective=objective,
                suggested=as_grade(progress),
                key_results=key_results,
                movements=[movements[pk] for pk in kpis_of[objective.pk] if pk in movements],
            )
        )
    by_objective = {line.objective.pk: line for line in lines}
    for line in lines:
        parent = by_objective.get(line.objective.parent_id)
        if parent is not None:
            parent.children.append(line)
    return lines


@dataclass(frozen=True)
class GradeInput:
    score: Decimal
    suggested: Decimal
    reason: str = ""
    miss_cause: str = ""


@transaction.atomic
def grades_save(
    *,
    review: ReviewMeeting,
    by: User,
    objectives: dict[int, GradeInput],
    key_results: dict[int, GradeInput],
) -> None:
    """Store every grade of the sheet at once; any invalid one stores none."""
    if not review.is_open:
        raise ValidationError(_("This review is closed: its grades are a record."))
    now = timezone.now()
    problems = []
    # The sheet's earlier grades in two queries, not one per row.
    kr_grades = KeyResultGrade.objects.in_bulk(key_results, field_name="key_result_id")
    objective_grades = ObjectiveGrade.objects.in_bulk(objectives, field_name="objective_id")
    for key_result_id, entry in key_results.items():
        grade = kr_grades.get(key_result_id) or KeyResultGrade(key_result_id=key_result_id)
        problems += _store(grade, entry, by, now)
    for objective_id, entry in objectives.items():
        grade = objective_grades.get(objective_id) or ObjectiveGrade(objective_id=objective_id)
        grade.review = review
        grade.miss_cause = entry.miss_cause
        problems += _store(grade, entry, by, now)
    if problems:
        raise ValidationError(problems)


def _store(grade, entry: GradeInput, by: User, now) -> list[ValidationError]:
    grade.score = entry.score
    grade.suggested_score = entry.suggested
    grade.reason = entry.reason.strip()
    grade.graded_by = by
    grade.graded_at = now
    try:
        grade.full_clean()
    except ValidationError as error:
        return [error]
    grade.save()
    return []


@transaction.atomic
def review_close(
    *, review: ReviewMeeting, by: User, what_worked: str, what_did_not: str, what_we_change: str
) -> None:
    """Close the review once every objective is graded, every miss has its cause and the
    retrospective says something; closing the top unit's review closes the cycle for everyone."""
    locked = ReviewMeeting.objects.select_for_update(of=("self",)).get(pk=review.pk)
    if locked.state == ReviewMeeting.State.CLOSED:
        raise ValidationError(_("This review was closed meanwhile."))
    missing = []
    for objective in review_objectives(review):
        grade = getattr(objective, "grade", None)
        if grade is None:
            missing.append(_("“%(title)s” has no grade yet.") % {"title": objective.title})
        elif not grade.is_success and not grade.miss_cause:
            missing.append(
                _("“%(title)s” was missed: say whether execution or strategy.")
                % {"title": objective.title}
            )
    if not any(part.strip() for part in (what_worked, what_did_not, what_we_change)):
        missing.append(
            _(
                "Write the retrospective: what worked, what did not, or what you will change "
                "(one of them at least)."
            )
        )
    if missing:
        raise ValidationError(missing)
    ReviewMeeting.objects.filter(pk=review.pk).update(
        state=ReviewMeeting.State.CLOSED,
        what_worked=what_worked.strip(),
        what_did_not=what_did_not.strip(),
        what_we_change=what_we_change.strip(),
        closed_at=timezone.now(),
        closed_by=by,
    )
    if review.unit.parent_id is None:
        Cycle.objects.filter(pk=review.cycle_id).update(state=Cycle.State.CLOSED)
    review.refresh_from_db()
    review_closed(review=review)
